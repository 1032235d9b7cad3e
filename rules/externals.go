package rules

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/iotemu/iotemu/rules/internal/eval"
)

// Externals are the backends of the external SQL functions (§5.3 of the
// reference). A nil backend makes its function fail the evaluation with
// ErrNoExternal; a backend returning ErrNotFound makes the result Undefined.
// AWS: iot-sql-functions.html (aws_lambda, get_dynamodb, get_secret,
// get_thing_shadow, get_registry_data, machinelearning_predict).
type Externals struct {
	Shadows         ShadowReader
	Lambda          LambdaInvoker
	DynamoDB        DynamoDBReader
	Secrets         SecretReader
	Registry        RegistryReader
	MachineLearning Predictor
}

// ShadowReader serves get_thing_shadow(thingName[, shadowName], roleArn):
// the shadow document JSON (shadowName "" is the classic shadow).
type ShadowReader interface {
	GetThingShadow(ctx context.Context, thingName, shadowName string) ([]byte, error)
}

// LambdaInvoker serves aws_lambda(functionArn, inputJson) with the JSON input.
type LambdaInvoker interface {
	InvokeLambda(ctx context.Context, functionArn string, input []byte) ([]byte, error)
}

// DynamoDBKey is the key of a get_dynamodb call; values are in their String
// form, and the Number flags say which were SQL numbers (a DynamoDB N key
// rather than S).
type DynamoDBKey struct {
	Table, PartitionKeyName, PartitionKeyValue, SortKeyName, SortKeyValue, RoleArn string
	PartitionKeyNumber, SortKeyNumber                                              bool
}

// DynamoDBReader serves get_dynamodb: the item as JSON.
type DynamoDBReader interface {
	GetItem(ctx context.Context, key DynamoDBKey) ([]byte, error)
}

// Secret is a Secrets Manager secret value: String or Binary.
type Secret struct {
	String *string
	Binary []byte
}

// SecretReader serves get_secret(secretId, secretType, [key,] roleArn).
type SecretReader interface {
	GetSecret(ctx context.Context, secretID string) (Secret, error)
}

// RegistryReader serves get_registry_data(registryAPI, thingName, roleArn).
type RegistryReader interface {
	GetRegistryData(ctx context.Context, api, thingName string) ([]byte, error)
}

// Predictor serves machinelearning_predict(modelId, roleArn, record).
type Predictor interface {
	Predict(ctx context.Context, modelID string, record []byte) ([]byte, error)
}

var errBadArgs = errors.New("invalid arguments")

func strArgs(args []eval.ExtArg) ([]string, bool) {
	out := make([]string, len(args))
	for i, a := range args {
		if !a.IsString {
			return nil, false
		}
		out[i] = a.Str
	}
	return out, true
}

func (x Externals) call(ctx context.Context, name string, args []eval.ExtArg) ([]byte, error) {
	switch name {
	case "get_thing_shadow":
		return x.shadow(ctx, args)
	case "aws_lambda":
		if x.Lambda == nil {
			return nil, ErrNoExternal
		}
		if len(args) != 2 || !args[0].IsString || args[1].IsUndefined {
			return nil, ErrNotFound
		}
		return x.Lambda.InvokeLambda(ctx, args[0].Str, argJSON(args[1]))
	case "get_dynamodb":
		return x.dynamo(ctx, args)
	case "get_secret":
		return x.secret(ctx, args)
	case "get_registry_data":
		s, ok := strArgs(args)
		if x.Registry == nil {
			return nil, ErrNoExternal
		}
		if !ok || len(s) != 3 {
			return nil, ErrNotFound
		}
		return x.Registry.GetRegistryData(ctx, s[0], s[1])
	case "machinelearning_predict":
		if x.MachineLearning == nil {
			return nil, ErrNoExternal
		}
		if len(args) != 3 || !args[0].IsString {
			return nil, ErrNotFound
		}
		return x.MachineLearning.Predict(ctx, args[0].Str, argJSON(args[2]))
	}
	return nil, fmt.Errorf("call %s: %w", name, ErrNoExternal)
}

func argJSON(a eval.ExtArg) []byte {
	if a.IsString {
		b, _ := json.Marshal(a.Str)
		return b
	}
	return a.JSON
}

func (x Externals) shadow(ctx context.Context, args []eval.ExtArg) ([]byte, error) {
	if x.Shadows == nil {
		return nil, ErrNoExternal
	}
	s, ok := strArgs(args)
	switch {
	case ok && len(s) == 2:
		return x.Shadows.GetThingShadow(ctx, s[0], "")
	case ok && len(s) == 3:
		return x.Shadows.GetThingShadow(ctx, s[0], s[1])
	}
	return nil, ErrNotFound // bad arguments: Undefined
}

func argText(a eval.ExtArg) string {
	if a.IsString {
		return a.Str
	}
	return string(a.JSON)
}

func (x Externals) dynamo(ctx context.Context, args []eval.ExtArg) ([]byte, error) {
	if x.DynamoDB == nil {
		return nil, ErrNoExternal
	}
	var k DynamoDBKey
	switch len(args) {
	case 4:
		k = DynamoDBKey{Table: argText(args[0]), PartitionKeyName: argText(args[1]), PartitionKeyValue: argText(args[2]), RoleArn: argText(args[3])}
	case 6:
		k = DynamoDBKey{Table: argText(args[0]), PartitionKeyName: argText(args[1]), PartitionKeyValue: argText(args[2]),
			SortKeyName: argText(args[3]), SortKeyValue: argText(args[4]), RoleArn: argText(args[5])}
	default:
		return nil, ErrNotFound
	}
	k.PartitionKeyNumber = isNumber(args[2])
	if len(args) == 6 {
		k.SortKeyNumber = isNumber(args[4])
	}
	return x.DynamoDB.GetItem(ctx, k)
}

// isNumber reports whether an argument is a JSON number.
func isNumber(a eval.ExtArg) bool {
	var n json.Number
	return !a.IsString && !a.IsUndefined && json.Unmarshal(a.JSON, &n) == nil
}

// secret applies get_secret's rules: SecretString (optionally one JSON key),
// or SecretBinary as base64; a key with a non-JSON or binary secret fails.
// AWS: iot-sql-functions.html#iot-sql-function-get-secret.
func (x Externals) secret(ctx context.Context, args []eval.ExtArg) ([]byte, error) {
	if x.Secrets == nil {
		return nil, ErrNoExternal
	}
	s, ok := strArgs(args)
	if !ok || (len(s) != 3 && len(s) != 4) {
		return nil, ErrNotFound
	}
	sec, err := x.Secrets.GetSecret(ctx, s[0])
	if err != nil {
		return nil, err
	}
	keyed := len(s) == 4
	switch s[1] {
	case "SecretString":
		if sec.String == nil {
			return nil, fmt.Errorf("get secret %s: %w: no SecretString", s[0], errBadArgs)
		}
		if !keyed {
			return []byte(strconv.Quote(*sec.String)), nil
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal([]byte(*sec.String), &m); err != nil {
			return nil, fmt.Errorf("get secret %s: SecretString is not JSON: %w", s[0], err)
		}
		v, ok := m[s[2]]
		if !ok {
			return nil, ErrNotFound
		}
		return v, nil
	case "SecretBinary":
		if keyed || sec.Binary == nil {
			return nil, fmt.Errorf("get secret %s: %w: key with SecretBinary or no SecretBinary", s[0], errBadArgs)
		}
		b, _ := json.Marshal(base64.StdEncoding.EncodeToString(sec.Binary))
		return b, nil
	}
	return nil, fmt.Errorf("get secret %s: %w: secretType %q", s[0], errBadArgs, s[1])
}
