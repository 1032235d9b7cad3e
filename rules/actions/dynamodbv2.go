package actions

import (
	"context"

	"github.com/iotemu/iotemu/rules"
)

// DynamoDBv2 is AWS's DynamoDBv2Action: PutItem of the rule output, each
// top-level attribute a column. AWS: dynamodb-v2-rule-action.html;
// service-2.json DynamoDBv2Action (roleArn and putItem.tableName required;
// tableName a template through the API and CLI).
type DynamoDBv2 struct {
	RoleArn string `json:"roleArn,omitempty"`
	PutItem struct {
		TableName string `json:"tableName"`
	} `json:"putItem"`
}

// Type returns "dynamoDBv2".
func (DynamoDBv2) Type() string { return "dynamoDBv2" }

func (a *DynamoDBv2) check(at string) error {
	return required(at, "putItem.tableName", a.PutItem.TableName)
}

func (a *DynamoDBv2) build(e *Env, c rules.ActionCompiler) (executor, error) {
	cc := &compiler{c: c}
	return &ddbv2Action{env: e, table: cc.t(a.PutItem.TableName)}, cc.err
}

type ddbv2Action struct {
	env   *Env
	table *rules.Template
}

// putItemInput is a PutItem input, recorded and sent, the item in wire
// form. AWS: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html#API_PutItem_RequestSyntax
type putItemInput struct {
	TableName string `json:"TableName"`
	Item      item   `json:"Item"`
}

func (a *ddbv2Action) Execute(ctx context.Context, out rules.Output) (rules.Report, error) {
	const verb = "put item to DynamoDB table"
	r := renderer{ctx: ctx, out: out}
	table := r.s(a.table)
	rep := rules.Report{Type: "dynamoDBv2", Resource: table}
	if r.err != nil {
		return rep, fail(verb, r.err)
	}
	it, err := itemOf(out.Payload)
	if err != nil {
		return rep, fail(verb, err)
	}
	in := putItemInput{TableName: table, Item: it}
	return rep, a.env.call(ctx, &rep, "dynamodb", "PutItem", verb, in, a.env.jsonSend(a.env.services.dynamodb, "PutItem", in))
}
