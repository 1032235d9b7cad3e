package actions_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/iotemu/iotemu/rules"
	"github.com/iotemu/iotemu/rules/actions"
)

// serviceCases are the SDK actions with what their wire request carries:
// the operation (X-Amz-Target for JSON protocols, Action= for query ones,
// the path for REST ones) and a part of the body.
var serviceCases = []struct {
	kind, body, failedAction, resource, op, bodyPart string
}{
	{"sqs", `{"roleArn":"r","queueUrl":"https://q/1"}`, "SqsAction", "https://q/1", "AmazonSQS.SendMessage", `"MessageBody":"{\"v\":1}"`},
	{"sns", `{"roleArn":"r","targetArn":"arn:aws:sns:us-east-1:123456789012:t"}`, "SnsAction", "arn:aws:sns:us-east-1:123456789012:t", "Action=Publish", "TargetArn=arn%3Aaws%3Asns"},
	{"dynamoDBv2", `{"roleArn":"r","putItem":{"tableName":"t"}}`, "DynamoDBv2Action", "t", "DynamoDB_20120810.PutItem", `"Item":{"v":{"N":"1"}}`},
	{"dynamoDB", `{"roleArn":"r","tableName":"t","hashKeyField":"k","hashKeyValue":"${v}","operation":"UPDATE"}`, "DynamoDBAction", "t", "DynamoDB_20120810.UpdateItem", `"UpdateExpression":"SET #p = :p"`},
	{"kinesis", `{"roleArn":"r","streamName":"s","partitionKey":"p"}`, "KinesisAction", "s", "Kinesis_20131202.PutRecord", `"PartitionKey":"p"`},
	{"firehose", `{"roleArn":"r","deliveryStreamName":"f"}`, "FirehoseAction", "f", "Firehose_20150804.PutRecord", `"DeliveryStreamName":"f"`},
	{"cloudwatchMetric", `{"roleArn":"r","metricNamespace":"ns","metricName":"m","metricValue":"${v}","metricUnit":"Count"}`, "CloudwatchMetricAction", "ns", "PutMetricData", ""}, // RPC v2 CBOR, gzipped
	{"cloudwatchLogs", `{"roleArn":"r","logGroupName":"g"}`, "CloudwatchLogsAction", "g", "Logs_20140328.CreateLogStream", `"logGroupName":"g"`},
	{"timestream", `{"roleArn":"r","databaseName":"d","tableName":"t","dimensions":[{"name":"a","value":"b"}]}`, "TimestreamAction", "d/t", "Timestream_20181101.WriteRecords", `"MeasureName":"v"`},
	{"stepFunctions", `{"roleArn":"r","stateMachineName":"sm"}`, "StepFunctionsAction", "sm", "AWSStepFunctions.StartExecution", `"stateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:sm"`},
	{"s3", `{"roleArn":"r","bucketName":"b","key":"k"}`, "S3Action", "b", "/b/k", `{"v":1}`},
	{"cloudwatchAlarm", `{"roleArn":"r","alarmName":"al-${v}","stateReason":"r","stateValue":"ALARM"}`, "CloudwatchAlarmAction", "al-1", "SetAlarmState", ""}, // RPC v2 CBOR
}

// TestServiceWireAndFailures: each SDK action sends its operation to the
// configured endpoint, signed; a 500 answer and an unreachable endpoint
// each fire the error action with the action's shape name and resource.
func TestServiceWireAndFailures(t *testing.T) {
	type wire struct{ target, auth, body, path string }
	reqs := make(chan wire, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		select {
		case reqs <- wire{r.Header.Get("X-Amz-Target"), r.Header.Get("Authorization"), string(b), r.URL.Path}:
		default:
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"__type":"InternalFailure","message":"peer says no"}`))
	}))
	defer srv.Close()
	dead := closedPort(t)
	msg := rules.Message{Topic: "a/b", ClientID: "c", Payload: []byte(`{"v":1}`)}
	for _, c := range serviceCases {
		t.Run(c.kind, func(t *testing.T) {
			env := newEnv(t, actions.Config{Endpoints: actions.Endpoints{Base: srv.URL}})
			_, ep := run(t, env, "SELECT * FROM 'a/b'", c.kind, c.body, msg)
			checkFailure(t, ep, c.failedAction, c.resource, "500")
			w := <-reqs
			if got := w.target + " " + w.path + " " + w.body; !strings.Contains(got, c.op) || !strings.Contains(w.body, c.bodyPart) {
				t.Errorf("wire request %s; want %q and %q", got, c.op, c.bodyPart)
			}
			if !strings.HasPrefix(w.auth, "AWS4-HMAC-SHA256 Credential=iotemu/") {
				t.Errorf("not signed: %q", w.auth)
			}
			env = newEnv(t, actions.Config{Endpoints: actions.Endpoints{Base: dead}})
			_, ep = run(t, env, "SELECT * FROM 'a/b'", c.kind, c.body, msg)
			checkFailure(t, ep, c.failedAction, c.resource, "connection refused")
		})
	}
}
