package actions

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/iotemu/iotemu/lambdafn"
	"github.com/iotemu/iotemu/rules"
)

// The backends of the rules' external SQL functions that call AWS:
// aws_lambda through the one Invoker, get_dynamodb and get_secret through
// the configured endpoints (the ones the actions use). A service without
// an endpoint answers rules.ErrNotConfigured: the engine records the call
// as not sent and the result is Undefined.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-functions.html#iot-func-aws-lambda
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-functions.html#iot-sql-function-get-dynamodb
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-functions.html#iot-sql-function-get-secret

// Lambda returns aws_lambda's backend.
func (e *Env) Lambda() rules.LambdaInvoker { return externalLambda{e} }

// DynamoDB returns get_dynamodb's backend.
func (e *Env) DynamoDB() rules.DynamoDBReader { return externalDynamoDB{e} }

// Secrets returns get_secret's backend.
func (e *Env) Secrets() rules.SecretReader { return externalSecrets{e} }

type externalLambda struct{ e *Env }

// InvokeLambda invokes synchronously (RequestResponse) and returns the
// function's JSON; a function error fails the rule's evaluation.
func (x externalLambda) InvokeLambda(ctx context.Context, functionArn string, input []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, x.e.cfg.Timeout)
	defer cancel()
	res, err := x.e.cfg.Functions.Invoke(ctx, lambdafn.Request{Function: functionArn, Payload: input, Type: lambdafn.RequestResponse})
	if errors.Is(err, lambdafn.ErrFunctionNotFound) {
		return nil, fmt.Errorf("aws_lambda %s: %w (no in-process function, no command, no Lambda endpoint)", functionArn, rules.ErrNotConfigured)
	}
	if err != nil {
		return nil, fmt.Errorf("aws_lambda %s: %w", functionArn, err)
	}
	return res.Payload, nil
}

type externalDynamoDB struct{ e *Env }

// GetItem reads the item (a consistent read is not asked: AWS's function
// does not say) and returns it as plain JSON; a missing item is
// Undefined.
// AWS: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_GetItem.html#API_GetItem_RequestSyntax
func (x externalDynamoDB) GetItem(ctx context.Context, k rules.DynamoDBKey) ([]byte, error) {
	svc := x.e.services.dynamodb
	if svc == nil {
		return nil, fmt.Errorf("get_dynamodb %s: %w (set the DynamoDB or base AWS endpoint)", k.Table, rules.ErrNotConfigured)
	}
	key := item{k.PartitionKeyName: keyAttr(k.PartitionKeyValue, numberType(k.PartitionKeyNumber))}
	if k.SortKeyName != "" {
		key[k.SortKeyName] = keyAttr(k.SortKeyValue, numberType(k.SortKeyNumber))
	}
	ctx, cancel := context.WithTimeout(ctx, x.e.cfg.Timeout)
	defer cancel()
	raw, err := x.e.services.wire.JSON(ctx, *svc, "GetItem", keyInput{TableName: k.Table, Key: key})
	if err != nil {
		return nil, fmt.Errorf("get_dynamodb %s: %w", k.Table, err)
	}
	var out struct {
		Item map[string]json.RawMessage `json:"Item"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("get_dynamodb %s: decode GetItem: %w", k.Table, err)
	}
	if out.Item == nil {
		return nil, fmt.Errorf("get_dynamodb %s: %w", k.Table, rules.ErrNotFound)
	}
	plain, err := plainItem(out.Item)
	if err != nil {
		return nil, fmt.Errorf("get_dynamodb %s: decode GetItem: %w", k.Table, err)
	}
	b, err := json.Marshal(plain)
	if err != nil {
		return nil, fmt.Errorf("get_dynamodb %s: %w", k.Table, err)
	}
	return b, nil
}

func numberType(number bool) string {
	if number {
		return "NUMBER"
	}
	return "STRING"
}

// plainItem is an item as JSON: S a string, N a number, BOOL, NULL, M an
// object, L an array, sets arrays, B (base64 on the wire) as base64.
func plainItem(m map[string]json.RawMessage) (map[string]any, error) {
	out := make(map[string]any, len(m))
	for k, v := range m {
		p, err := plainAttr(v)
		if err != nil {
			return nil, fmt.Errorf("attribute %q: %w", k, err)
		}
		out[k] = p
	}
	return out, nil
}

// plainAttr converts one AttributeValue ({"S": "x"}, {"N": "1"}, ...).
// AWS: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_AttributeValue.html
func plainAttr(raw json.RawMessage) (any, error) {
	var v struct {
		S    *string                    `json:"S"`
		N    *json.Number               `json:"N"`
		B    *string                    `json:"B"`
		BOOL *bool                      `json:"BOOL"`
		M    map[string]json.RawMessage `json:"M"`
		L    []json.RawMessage          `json:"L"`
		SS   []string                   `json:"SS"`
		NS   []json.Number              `json:"NS"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	switch {
	case v.S != nil:
		return *v.S, nil
	case v.N != nil:
		return *v.N, nil
	case v.BOOL != nil:
		return *v.BOOL, nil
	case v.B != nil:
		return *v.B, nil
	case v.M != nil:
		return plainItem(v.M)
	case v.L != nil:
		l := make([]any, 0, len(v.L))
		for _, e := range v.L {
			p, err := plainAttr(e)
			if err != nil {
				return nil, err
			}
			l = append(l, p)
		}
		return l, nil
	case v.SS != nil:
		return v.SS, nil
	case v.NS != nil:
		return v.NS, nil
	}
	return nil, nil // NULL and sets of binaries
}

type externalSecrets struct{ e *Env }

// GetSecret calls Secrets Manager's GetSecretValue (awsJson1.1, signed
// with the actions' credentials) on the configured endpoint. iotemu does
// not cache the value (AWS caches it up to 15 minutes: docs/compatibility.md).
// AWS: https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html#API_GetSecretValue_RequestSyntax
func (x externalSecrets) GetSecret(ctx context.Context, secretID string) (rules.Secret, error) {
	svc := x.e.services.secrets
	if svc == nil {
		return rules.Secret{}, fmt.Errorf("get_secret %s: %w (set the Secrets Manager or base AWS endpoint)", secretID, rules.ErrNotConfigured)
	}
	ctx, cancel := context.WithTimeout(ctx, x.e.cfg.Timeout)
	defer cancel()
	raw, err := x.e.services.wire.JSON(ctx, *svc, "GetSecretValue", map[string]string{"SecretId": secretID})
	if err != nil {
		return rules.Secret{}, fmt.Errorf("get_secret %s: %w", secretID, err)
	}
	var out struct {
		SecretString *string `json:"SecretString"`
		SecretBinary []byte  `json:"SecretBinary"` // base64 on the wire
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return rules.Secret{}, fmt.Errorf("get_secret %s: decode GetSecretValue: %w", secretID, err)
	}
	return rules.Secret{String: out.SecretString, Binary: out.SecretBinary}, nil
}
