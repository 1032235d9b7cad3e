package actions

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

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
func (x externalDynamoDB) GetItem(ctx context.Context, k rules.DynamoDBKey) ([]byte, error) {
	c := x.e.clients.dynamodb
	if c == nil {
		return nil, fmt.Errorf("get_dynamodb %s: %w (set the DynamoDB or base AWS endpoint)", k.Table, rules.ErrNotConfigured)
	}
	key := map[string]ddbtypes.AttributeValue{k.PartitionKeyName: lookupKey(k.PartitionKeyValue, k.PartitionKeyNumber)}
	if k.SortKeyName != "" {
		key[k.SortKeyName] = lookupKey(k.SortKeyValue, k.SortKeyNumber)
	}
	ctx, cancel := context.WithTimeout(ctx, x.e.cfg.Timeout)
	defer cancel()
	out, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(k.Table), Key: key})
	if err != nil {
		return nil, fmt.Errorf("get_dynamodb %s: %w", k.Table, err)
	}
	if out.Item == nil {
		return nil, fmt.Errorf("get_dynamodb %s: %w", k.Table, rules.ErrNotFound)
	}
	b, err := json.Marshal(plainItem(out.Item))
	if err != nil {
		return nil, fmt.Errorf("get_dynamodb %s: %w", k.Table, err)
	}
	return b, nil
}

func lookupKey(v string, number bool) ddbtypes.AttributeValue {
	if number {
		return &ddbtypes.AttributeValueMemberN{Value: v}
	}
	return &ddbtypes.AttributeValueMemberS{Value: v}
}

// plainItem is an item as JSON: S a string, N a number, BOOL, NULL, M an
// object, L an array, sets arrays, B base64.
func plainItem(m map[string]ddbtypes.AttributeValue) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = plainAttr(v)
	}
	return out
}

func plainAttr(v ddbtypes.AttributeValue) any {
	switch v := v.(type) {
	case *ddbtypes.AttributeValueMemberS:
		return v.Value
	case *ddbtypes.AttributeValueMemberN:
		return json.Number(v.Value)
	case *ddbtypes.AttributeValueMemberBOOL:
		return v.Value
	case *ddbtypes.AttributeValueMemberM:
		return plainItem(v.Value)
	case *ddbtypes.AttributeValueMemberL:
		l := make([]any, 0, len(v.Value))
		for _, e := range v.Value {
			l = append(l, plainAttr(e))
		}
		return l
	case *ddbtypes.AttributeValueMemberSS:
		return v.Value
	case *ddbtypes.AttributeValueMemberNS:
		l := make([]any, 0, len(v.Value))
		for _, n := range v.Value {
			l = append(l, json.Number(n))
		}
		return l
	case *ddbtypes.AttributeValueMemberB:
		return base64.StdEncoding.EncodeToString(v.Value)
	}
	return nil // NULL and sets of binaries
}

type externalSecrets struct{ e *Env }

// GetSecret calls Secrets Manager's GetSecretValue (awsJson1.1, signed
// with the actions' credentials) on the configured endpoint. iotemu does
// not cache the value (AWS caches it up to 15 minutes: docs/compatibility.md).
// AWS: https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html#API_GetSecretValue_RequestSyntax
func (x externalSecrets) GetSecret(ctx context.Context, secretID string) (rules.Secret, error) {
	ep := x.e.cfg.Endpoints.endpoint(x.e.cfg.Endpoints.SecretsManager)
	if ep == "" {
		return rules.Secret{}, fmt.Errorf("get_secret %s: %w (set the Secrets Manager or base AWS endpoint)", secretID, rules.ErrNotConfigured)
	}
	body, _ := json.Marshal(map[string]string{"SecretId": secretID}) // a map of strings always marshals
	ctx, cancel := context.WithTimeout(ctx, x.e.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(ep, "/")+"/", bytes.NewReader(body))
	if err != nil {
		return rules.Secret{}, fmt.Errorf("get_secret %s: %w", secretID, err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "secretsmanager.GetSecretValue")
	sum := sha256.Sum256(body)
	cr := x.e.cfg.Credentials
	creds := aws.Credentials{AccessKeyID: cr.AccessKeyID, SecretAccessKey: cr.SecretAccessKey, SessionToken: cr.SessionToken}
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "secretsmanager", x.e.cfg.Region, x.e.cfg.Now()); err != nil {
		return rules.Secret{}, fmt.Errorf("get_secret %s: sign: %w", secretID, err)
	}
	resp, err := x.e.cfg.HTTPClient.Do(req)
	if err != nil {
		return rules.Secret{}, fmt.Errorf("get_secret %s: %w", secretID, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResultBody))
	if err != nil {
		return rules.Secret{}, fmt.Errorf("get_secret %s: %w", secretID, err)
	}
	if resp.StatusCode != http.StatusOK {
		return rules.Secret{}, fmt.Errorf("get_secret %s: Secrets Manager answered %d: %s", secretID, resp.StatusCode, bytes.TrimSpace(raw))
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
