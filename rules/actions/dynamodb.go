package actions

import (
	"context"
	"fmt"

	"github.com/iotemu/iotemu/rules"
)

// DynamoDB is AWS's DynamoDBAction: the rule output written to one column
// (payloadField, default "payload") of the item keyed by hashKeyValue
// (and rangeKeyValue). operation INSERT (default) is PutItem, UPDATE is
// UpdateItem of that column, DELETE is DeleteItem. A JSON output is
// written as its DynamoDB type (an object as a map), other output as
// binary. AWS: dynamodb-rule-action.html; service-2.json DynamoDBAction
// (tableName, roleArn, hashKeyField, hashKeyValue required; hashKeyValue,
// rangeKeyValue, payloadField, operation templates, the other names
// templates through the API and CLI).
type DynamoDB struct {
	RoleArn       string `json:"roleArn,omitempty"`
	TableName     string `json:"tableName"`
	HashKeyField  string `json:"hashKeyField"`
	HashKeyValue  string `json:"hashKeyValue"`
	HashKeyType   string `json:"hashKeyType,omitempty"`
	RangeKeyField string `json:"rangeKeyField,omitempty"`
	RangeKeyValue string `json:"rangeKeyValue,omitempty"`
	RangeKeyType  string `json:"rangeKeyType,omitempty"`
	PayloadField  string `json:"payloadField,omitempty"`
	Operation     string `json:"operation,omitempty"`
}

// Type returns "dynamoDB".
func (DynamoDB) Type() string { return "dynamoDB" }

func (a *DynamoDB) check(at string) error {
	for _, t := range [][2]string{{"hashKeyType", a.HashKeyType}, {"rangeKeyType", a.RangeKeyType}} {
		if t[1] != "" && t[1] != "STRING" && t[1] != "NUMBER" {
			return &ValidationError{Message: fmt.Sprintf("Value '%s' at '%s.%s' failed to satisfy constraint: Member must satisfy enum value set: [STRING, NUMBER]", t[1], at, t[0])}
		}
	}
	return required(at, "tableName", a.TableName, "hashKeyField", a.HashKeyField, "hashKeyValue", a.HashKeyValue)
}

func (a *DynamoDB) build(e *Env, c rules.ActionCompiler) (executor, error) {
	cc := &compiler{c: c}
	d := &ddbAction{env: e, spec: *a, table: cc.t(a.TableName), hashField: cc.t(a.HashKeyField), hashValue: cc.t(a.HashKeyValue),
		rangeField: cc.t(a.RangeKeyField), rangeValue: cc.t(a.RangeKeyValue), payloadField: cc.t(a.PayloadField), op: cc.t(a.Operation)}
	return d, cc.err
}

type ddbAction struct {
	env                                                 *Env
	spec                                                DynamoDB
	table, hashField, hashValue, rangeField, rangeValue *rules.Template
	payloadField, op                                    *rules.Template
}

// ddbRequest is a rendered DynamoDB action: the key, the column and the
// operation, before it becomes PutItem, UpdateItem or DeleteItem.
type ddbRequest struct {
	table, op, column string
	key               item
	value             any
}

const ddbVerb = "write item to DynamoDB table"

func (a *ddbAction) Execute(ctx context.Context, out rules.Output) (rules.Report, error) {
	req, err := a.render(ctx, out)
	rep := rules.Report{Type: "dynamoDB", Resource: req.table}
	if err != nil {
		return rep, fail(ddbVerb, err)
	}
	return rep, a.send(ctx, &rep, req)
}

func (a *ddbAction) render(ctx context.Context, out rules.Output) (ddbRequest, error) {
	r := renderer{ctx: ctx, out: out}
	req := ddbRequest{table: r.s(a.table), op: r.s(a.op), column: r.s(a.payloadField), key: item{}}
	req.key[r.s(a.hashField)] = keyAttr(r.s(a.hashValue), a.spec.HashKeyType)
	if a.rangeField != nil {
		req.key[r.s(a.rangeField)] = keyAttr(r.s(a.rangeValue), a.spec.RangeKeyType)
	}
	if r.err != nil {
		return req, r.err
	}
	if req.column == "" {
		req.column = "payload"
	}
	if req.op == "" {
		req.op = "INSERT"
	}
	req.value = map[string]any{"B": out.Payload}
	if v, err := decodeJSON(out.Payload); err == nil {
		req.value = attrOf(v)
	}
	return req, nil
}

// keyAttr is a key value as S, or N for NUMBER.
func keyAttr(v, typ string) any {
	if typ == "NUMBER" {
		return map[string]any{"N": v}
	}
	return map[string]any{"S": v}
}

func (a *ddbAction) send(ctx context.Context, rep *rules.Report, req ddbRequest) error {
	svc := a.env.services.dynamodb
	switch req.op {
	case "INSERT":
		it := item{req.column: req.value}
		for k, v := range req.key {
			it[k] = v
		}
		in := putItemInput{TableName: req.table, Item: it}
		return a.env.call(ctx, rep, "dynamodb", "PutItem", ddbVerb, in, a.env.jsonSend(svc, "PutItem", in))
	case "UPDATE":
		return a.update(ctx, rep, req)
	case "DELETE":
		in := keyInput{TableName: req.table, Key: req.key}
		return a.env.call(ctx, rep, "dynamodb", "DeleteItem", ddbVerb, in, a.env.jsonSend(svc, "DeleteItem", in))
	}
	return fail(ddbVerb, fmt.Errorf("operation %q is not INSERT, UPDATE or DELETE", req.op))
}

// keyInput is a DeleteItem input, recorded and sent.
// AWS: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DeleteItem.html#API_DeleteItem_RequestSyntax
type keyInput struct {
	TableName string `json:"TableName"`
	Key       item   `json:"Key"`
}

// updateInput is an UpdateItem input, recorded and sent.
// AWS: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html#API_UpdateItem_RequestSyntax
type updateInput struct {
	TableName                 string            `json:"TableName"`
	Key                       item              `json:"Key"`
	UpdateExpression          string            `json:"UpdateExpression"`
	ExpressionAttributeNames  map[string]string `json:"ExpressionAttributeNames"`
	ExpressionAttributeValues item              `json:"ExpressionAttributeValues"`
}

func (a *ddbAction) update(ctx context.Context, rep *rules.Report, req ddbRequest) error {
	in := updateInput{
		TableName: req.table, Key: req.key, UpdateExpression: "SET #p = :p",
		ExpressionAttributeNames: map[string]string{"#p": req.column}, ExpressionAttributeValues: item{":p": req.value},
	}
	return a.env.call(ctx, rep, "dynamodb", "UpdateItem", ddbVerb, in, a.env.jsonSend(a.env.services.dynamodb, "UpdateItem", in))
}
