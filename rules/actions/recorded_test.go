package actions_test

import (
	"strings"
	"testing"

	"github.com/iotemu/iotemu/rules"
)

// TestRecordedRequests: without endpoints, every service action succeeds
// and records the exact request it would have sent, with its templates
// rendered against the original message (not the SELECT output).
func TestRecordedRequests(t *testing.T) {
	env := newEnv(t, actionsConfig())
	msg := rules.Message{Topic: "fleet/d1/telemetry", ClientID: "d1", Payload: []byte(`{"id":"d1","temp":21.5,"n":3,"ok":true,"tags":["a"],"o":{"k":"v"}}`)}
	const sel = "SELECT id, temp, n, ok, tags, o FROM 'fleet/+/telemetry'"
	cases := []struct {
		kind, body, resource, request string
	}{
		{"sqs", `{"roleArn":"arn:aws:iam::123456789012:role/r","queueUrl":"https://sqs.us-east-1.amazonaws.com/123456789012/q-${topic(2)}","useBase64":true}`,
			"https://sqs.us-east-1.amazonaws.com/123456789012/q-d1",
			`{"service":"sqs","operation":"SendMessage","input":{"DelaySeconds":0,"MessageBody":"eyJpZCI6ImQxIiwidGVtcCI6MjEuNSwibiI6Mywib2siOnRydWUsInRhZ3MiOlsiYSJdLCJvIjp7ImsiOiJ2In19","QueueUrl":"https://sqs.us-east-1.amazonaws.com/123456789012/q-d1"}}`},
		{"sns", `{"roleArn":"r","targetArn":"arn:aws:sns:us-east-1:123456789012:${id}","messageFormat":"JSON"}`,
			"arn:aws:sns:us-east-1:123456789012:d1",
			`{"service":"sns","operation":"Publish","input":{"Message":"{\"id\":\"d1\",\"temp\":21.5,\"n\":3,\"ok\":true,\"tags\":[\"a\"],\"o\":{\"k\":\"v\"}}","MessageStructure":"json","TargetArn":"arn:aws:sns:us-east-1:123456789012:d1"}}`},
		{"kinesis", `{"roleArn":"r","streamName":"s","partitionKey":"${clientid()}"}`, "s",
			`{"service":"kinesis","operation":"PutRecord","input":{"Data":"eyJpZCI6ImQxIiwidGVtcCI6MjEuNSwibiI6Mywib2siOnRydWUsInRhZ3MiOlsiYSJdLCJvIjp7ImsiOiJ2In19","PartitionKey":"d1","StreamName":"s"}}`},
		{"firehose", `{"roleArn":"r","deliveryStreamName":"fh","separator":"\n"}`, "fh",
			`{"service":"firehose","operation":"PutRecord","input":{"DeliveryStreamName":"fh","Record":{"Data":"eyJpZCI6ImQxIiwidGVtcCI6MjEuNSwibiI6Mywib2siOnRydWUsInRhZ3MiOlsiYSJdLCJvIjp7ImsiOiJ2In19Cg=="}}}`},
		{"s3", `{"roleArn":"r","bucketName":"b","key":"${topic()}/${timestamp()}","cannedAcl":"private"}`, "b",
			`{"service":"s3","operation":"PutObject","input":{"ACL":"private","Body":"{\"id\":\"d1\",\"temp\":21.5,\"n\":3,\"ok\":true,\"tags\":[\"a\"],\"o\":{\"k\":\"v\"}}","Bucket":"b","Key":"fleet/d1/telemetry/1767323045000"}}`},
		{"dynamoDBv2", `{"roleArn":"r","putItem":{"tableName":"t_${topic(2)}"}}`, "t_d1",
			`{"service":"dynamodb","operation":"PutItem","input":{"Item":{"id":{"S":"d1"},"n":{"N":"3"},"o":{"M":{"k":{"S":"v"}}},"ok":{"BOOL":true},"tags":{"L":[{"S":"a"}]},"temp":{"N":"21.5"}},"TableName":"t_d1"}}`},
		{"dynamoDB", `{"roleArn":"r","tableName":"t","hashKeyField":"id","hashKeyValue":"${topic(2)}","rangeKeyField":"ts","rangeKeyValue":"${timestamp()}","rangeKeyType":"NUMBER","payloadField":"data"}`, "t",
			`{"service":"dynamodb","operation":"PutItem","input":{"Item":{"data":{"M":{"id":{"S":"d1"},"n":{"N":"3"},"o":{"M":{"k":{"S":"v"}}},"ok":{"BOOL":true},"tags":{"L":[{"S":"a"}]},"temp":{"N":"21.5"}}},"id":{"S":"d1"},"ts":{"N":"1767323045000"}},"TableName":"t"}}`},
		{"dynamoDB", `{"roleArn":"r","tableName":"t","hashKeyField":"id","hashKeyValue":"${id}","operation":"${'DELETE'}"}`, "t",
			`{"service":"dynamodb","operation":"DeleteItem","input":{"Key":{"id":{"S":"d1"}},"TableName":"t"}}`},
		{"cloudwatchMetric", `{"roleArn":"r","metricNamespace":"ns/${topic(1)}","metricName":"temp","metricValue":"${temp}","metricUnit":"None","metricTimestamp":"${floor(timestamp() / 1000)}"}`, "ns/fleet",
			`{"service":"monitoring","operation":"PutMetricData","input":{"MetricData":[{"MetricName":"temp","Timestamp":"2026-01-02T03:04:05Z","Unit":"None","Value":21.5}],"Namespace":"ns/fleet"}}`},
		{"cloudwatchLogs", `{"roleArn":"r","logGroupName":"/iot/${topic(2)}"}`, "/iot/d1",
			`{"service":"logs","operation":"PutLogEvents","input":{"LogEvents":[{"Message":"{\"id\":\"d1\",\"temp\":21.5,\"n\":3,\"ok\":true,\"tags\":[\"a\"],\"o\":{\"k\":\"v\"}}","Timestamp":1767323045000}],"LogGroupName":"/iot/d1","LogStreamName":"r"}}`},
		{"timestream", `{"roleArn":"r","databaseName":"db","tableName":"tb","dimensions":[{"name":"device","value":"${topic(2)}"}]}`, "db/tb",
			`{"service":"timestream","operation":"WriteRecords","input":{"CommonAttributes":{"Dimensions":[{"Name":"device","Value":"d1"}],"Time":"1767323045000","TimeUnit":"MILLISECONDS"},"DatabaseName":"db","Records":[{"MeasureName":"id","MeasureValue":"d1","MeasureValueType":"VARCHAR"},{"MeasureName":"n","MeasureValue":"3","MeasureValueType":"BIGINT"},{"MeasureName":"o","MeasureValue":"{\"k\":\"v\"}","MeasureValueType":"VARCHAR"},{"MeasureName":"ok","MeasureValue":"true","MeasureValueType":"BOOLEAN"},{"MeasureName":"tags","MeasureValue":"[\"a\"]","MeasureValueType":"VARCHAR"},{"MeasureName":"temp","MeasureValue":"21.5","MeasureValueType":"DOUBLE"}],"TableName":"tb"}}`},
		{"stepFunctions", `{"roleArn":"r","stateMachineName":"sm","executionNamePrefix":"${topic(2)}-"}`, "sm",
			`{"service":"states","operation":"StartExecution","input":{"Input":"{\"id\":\"d1\",\"temp\":21.5,\"n\":3,\"ok\":true,\"tags\":[\"a\"],\"o\":{\"k\":\"v\"}}","Name":"d1-11111111-1111-4111-8111-111111111111","StateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:sm"}}`},
	}
	for _, c := range cases {
		t.Run(c.kind, func(t *testing.T) {
			rec, ep := run(t, env, sel, c.kind, c.body, msg)
			if ep != nil || rec.Err != nil {
				t.Fatalf("action failed: %v %+v", rec.Err, ep)
			}
			if rec.Type != c.kind || rec.Resource != c.resource {
				t.Errorf("type, resource = %q, %q; want %q, %q", rec.Type, rec.Resource, c.kind, c.resource)
			}
			if got := jsonOf(t, rec.Request); got != c.request {
				t.Errorf("request\n got %s\nwant        %s", got, c.request)
			}
			if got := jsonOf(t, rec.Result); !strings.Contains(got, "no endpoint configured") {
				t.Errorf("result = %s, want notSent", got)
			}
		})
	}
}
