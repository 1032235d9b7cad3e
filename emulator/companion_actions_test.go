//go:build unix

package emulator_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	fhtypes "github.com/aws/aws-sdk-go-v2/service/firehose/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	kintypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/iotemu/iotemu/emulator"
	"github.com/iotemu/iotemu/rules"
	"github.com/iotemu/iotemu/rules/actions"
	"github.com/iotemu/iotemu/testkit"
)

// TestCompanionActions: every rule action MiniStack serves reaches it and
// does what AWS would do, checked with the SDK clients on MiniStack's side
// (the actions themselves send without them, rules/actions/internal/awswire):
// sqs, sns, dynamoDBv2, dynamoDB, kinesis, firehose, s3, stepFunctions,
// cloudwatchLogs, and cloudwatchMetric and cloudwatchAlarm (RPC v2 CBOR,
// which MiniStack decodes with python3-cbor2). A missing queue fails the
// action with SQS's own error code. Timestream is not served by MiniStack
// (rules/actions/wire_test.go checks its wire request).
func TestCompanionActions(t *testing.T) {
	ms := startMiniStack(t)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
	at := aws.String(ms)
	sqsc := sqs.NewFromConfig(cfg, func(o *sqs.Options) { o.BaseEndpoint = at })
	ddb := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = at })
	kin := kinesis.NewFromConfig(cfg, func(o *kinesis.Options) { o.BaseEndpoint = at })
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.BaseEndpoint, o.UsePathStyle = at, true })
	snsc := sns.NewFromConfig(cfg, func(o *sns.Options) { o.BaseEndpoint = at })
	fh := firehose.NewFromConfig(cfg, func(o *firehose.Options) { o.BaseEndpoint = at })
	sf := sfn.NewFromConfig(cfg, func(o *sfn.Options) { o.BaseEndpoint = at })
	logs := cloudwatchlogs.NewFromConfig(cfg, func(o *cloudwatchlogs.Options) { o.BaseEndpoint = at })
	cw := cloudwatch.NewFromConfig(cfg, func(o *cloudwatch.Options) { o.BaseEndpoint = at })
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	q, err := sqsc.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("actions-q")})
	must("CreateQueue", err)
	for _, table := range []string{"readings", "by-device"} {
		key := map[string]string{"readings": "id", "by-device": "device"}[table]
		_, err = ddb.CreateTable(ctx, &dynamodb.CreateTableInput{
			TableName: aws.String(table), BillingMode: ddbtypes.BillingModePayPerRequest,
			AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String(key), AttributeType: ddbtypes.ScalarAttributeTypeS}},
			KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String(key), KeyType: ddbtypes.KeyTypeHash}},
		})
		must("CreateTable "+table, err)
	}
	_, err = kin.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("telemetry"), ShardCount: aws.Int32(1)})
	must("CreateStream", err)
	_, err = s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("archive")})
	must("CreateBucket", err)
	topic, err := snsc.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("alerts")})
	must("CreateTopic", err)
	_, err = fh.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("firehose1"),
		ExtendedS3DestinationConfiguration: &fhtypes.ExtendedS3DestinationConfiguration{BucketARN: aws.String("arn:aws:s3:::archive"),
			RoleARN: aws.String("arn:aws:iam::" + miniStackAccount + ":role/fh")}})
	must("CreateDeliveryStream", err)
	sm, err := sf.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("machine"),
		Definition: aws.String(`{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`), RoleArn: aws.String("arn:aws:iam::" + miniStackAccount + ":role/sf")})
	must("CreateStateMachine", err)
	_, err = logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/iot/actions")})
	must("CreateLogGroup", err)
	withCBOR := exec.Command("/usr/bin/python3", "-c", "import cbor2").Run() == nil
	if !withCBOR && os.Getenv("CI") != "" {
		t.Fatal("MiniStack's CloudWatch needs python3-cbor2 for RPC v2 CBOR")
	}
	if withCBOR {
		_, err = cw.PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{AlarmName: aws.String("hot"), MetricName: aws.String("temp"),
			Namespace: aws.String("iot/actions"), ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold,
			EvaluationPeriods: aws.Int32(1), Period: aws.Int32(60), Statistic: cwtypes.StatisticAverage, Threshold: aws.Float64(30)})
		must("PutMetricAlarm", err)
	}

	role := `"roleArn":"arn:aws:iam::` + miniStackAccount + `:role/iot"`
	ruleActions := map[string]string{
		"to_sqs":      fmt.Sprintf(`{"sqs":{%s,"queueUrl":%q}}`, role, aws.ToString(q.QueueUrl)),
		"to_sns":      fmt.Sprintf(`{"sns":{%s,"targetArn":%q}}`, role, aws.ToString(topic.TopicArn)),
		"to_ddbv2":    `{"dynamoDBv2":{` + role + `,"putItem":{"tableName":"readings"}}}`,
		"to_ddb":      `{"dynamoDB":{` + role + `,"tableName":"by-device","hashKeyField":"device","hashKeyValue":"${topic(2)}","payloadField":"data"}}`,
		"to_kinesis":  `{"kinesis":{` + role + `,"streamName":"telemetry","partitionKey":"${topic(2)}"}}`,
		"to_firehose": `{"firehose":{` + role + `,"deliveryStreamName":"firehose1","separator":"\n"}}`,
		"to_s3":       `{"s3":{` + role + `,"bucketName":"archive","key":"${topic()}/reading.json"}}`,
		"to_sfn":      `{"stepFunctions":{` + role + `,"stateMachineName":"machine","executionNamePrefix":"${topic(2)}-"}}`,
		"to_logs":     `{"cloudwatchLogs":{` + role + `,"logGroupName":"/iot/actions"}}`,
		"to_missing":  fmt.Sprintf(`{"sqs":{%s,"queueUrl":%q}}`, role, strings.Replace(aws.ToString(q.QueueUrl), "actions-q", "no-such-queue", 1)),
	}
	if withCBOR {
		ruleActions["to_metric"] = `{"cloudwatchMetric":{` + role + `,"metricNamespace":"iot/actions","metricName":"temp","metricValue":"${temp}","metricUnit":"None"}}`
		ruleActions["to_alarm"] = `{"cloudwatchAlarm":{` + role + `,"alarmName":"hot","stateReason":"temp ${temp}","stateValue":"ALARM"}}`
	}
	opts := []testkit.Option{
		testkit.WithConfig(func(c *emulator.Config) { c.AccountID = miniStackAccount }),
		testkit.WithRuleActions(func(c *actions.Config) {
			c.Endpoints.Base = ms
			c.Credentials = actions.Credentials{AccessKeyID: "test", SecretAccessKey: "test"}
		}),
	}
	for name, action := range ruleActions {
		opts = append(opts, testkit.WithTopicRule(name, `{"sql":"SELECT * FROM 'ms/+'","awsIotSqlVersion":"2016-03-23","actions":[`+action+`]}`))
	}
	emu := testkit.Start(t, opts...)
	const reading = `{"id":"r1","device":"d1","temp":42.5}`
	if err := emu.Server().Publish(ctx, emulator.Message{Topic: "ms/d1", Payload: []byte(reading), QoS: 1}); err != nil {
		t.Fatal(err)
	}
	records := map[string]rules.ActionRecord{}
	for name := range ruleActions {
		records[name] = emu.WaitActionRecord(t, name, "", 30*time.Second)
		if rec := records[name]; name != "to_missing" && rec.Err != nil {
			t.Errorf("%s: %v", name, rec.Err)
		}
	}

	t.Run("sqs", func(t *testing.T) {
		out, err := sqsc.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl, WaitTimeSeconds: 5})
		if err != nil || len(out.Messages) != 1 || aws.ToString(out.Messages[0].Body) != reading {
			t.Errorf("ReceiveMessage: %v %+v", err, out)
		}
		if res := resultJSON(t, records["to_sqs"]); !strings.Contains(res, `"MessageId"`) {
			t.Errorf("result %s, want SQS's answer", res)
		}
	})
	t.Run("sqs missing queue", func(t *testing.T) {
		rec := records["to_missing"]
		if rec.Err == nil || !strings.Contains(rec.Err.Error(), "api error ") || !strings.Contains(rec.Err.Error(), "NonExistentQueue") {
			t.Errorf("error %v, want SQS's query-compatible code", rec.Err)
		}
	})
	t.Run("sns", func(t *testing.T) {
		if res := resultJSON(t, records["to_sns"]); !strings.Contains(res, `"MessageId":"`) || strings.Contains(res, `"MessageId":""`) {
			t.Errorf("result %s, want SNS's MessageId", res)
		}
	})
	t.Run("dynamodb", func(t *testing.T) {
		it, err := ddb.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("readings"),
			Key: map[string]ddbtypes.AttributeValue{"id": &ddbtypes.AttributeValueMemberS{Value: "r1"}}})
		if err != nil || it.Item == nil {
			t.Fatalf("GetItem readings: %v %v", err, it)
		}
		if n, ok := it.Item["temp"].(*ddbtypes.AttributeValueMemberN); !ok || n.Value != "42.5" {
			t.Errorf("dynamoDBv2 item %v", it.Item)
		}
		it, err = ddb.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("by-device"),
			Key: map[string]ddbtypes.AttributeValue{"device": &ddbtypes.AttributeValueMemberS{Value: "d1"}}})
		if err != nil || it.Item == nil {
			t.Fatalf("GetItem by-device: %v %v", err, it)
		}
		if m, ok := it.Item["data"].(*ddbtypes.AttributeValueMemberM); !ok || m.Value["id"] == nil {
			t.Errorf("dynamoDB item %v", it.Item)
		}
	})
	t.Run("kinesis", func(t *testing.T) {
		shards, err := kin.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("telemetry")})
		if err != nil || len(shards.Shards) == 0 {
			t.Fatalf("ListShards: %v", err)
		}
		it, err := kin.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("telemetry"),
			ShardId: shards.Shards[0].ShardId, ShardIteratorType: kintypes.ShardIteratorTypeTrimHorizon})
		if err != nil {
			t.Fatal(err)
		}
		recs, err := kin.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: it.ShardIterator})
		if err != nil || len(recs.Records) != 1 || string(recs.Records[0].Data) != reading || aws.ToString(recs.Records[0].PartitionKey) != "d1" {
			t.Errorf("GetRecords: %v %+v", err, recs)
		}
	})
	t.Run("s3", func(t *testing.T) {
		obj, err := s3c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("archive"), Key: aws.String("ms/d1/reading.json")})
		if err != nil {
			t.Fatal(err)
		}
		defer obj.Body.Close()
		if b, _ := io.ReadAll(obj.Body); string(b) != reading {
			t.Errorf("object %q", b)
		}
	})
	t.Run("firehose", func(t *testing.T) {
		if res := resultJSON(t, records["to_firehose"]); !strings.Contains(res, `"RecordId"`) {
			t.Errorf("result %s, want Firehose's RecordId", res)
		}
	})
	t.Run("stepFunctions", func(t *testing.T) {
		ex, err := sf.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: sm.StateMachineArn})
		if err != nil || len(ex.Executions) != 1 || !strings.HasPrefix(aws.ToString(ex.Executions[0].Name), "d1-") {
			t.Errorf("ListExecutions: %v %+v", err, ex)
		}
	})
	t.Run("cloudwatchLogs", func(t *testing.T) {
		ev, err := logs.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("/iot/actions"), LogStreamName: aws.String("to_logs")})
		if err != nil || len(ev.Events) != 1 || aws.ToString(ev.Events[0].Message) != reading {
			t.Errorf("GetLogEvents: %v %+v", err, ev)
		}
	})
	t.Run("cloudwatch", func(t *testing.T) {
		if !withCBOR {
			t.Skip("python3-cbor2 is not installed: MiniStack cannot read RPC v2 CBOR")
		}
		ms, err := cw.ListMetrics(ctx, &cloudwatch.ListMetricsInput{Namespace: aws.String("iot/actions")})
		if err != nil || len(ms.Metrics) != 1 || aws.ToString(ms.Metrics[0].MetricName) != "temp" {
			t.Errorf("ListMetrics: %v %+v", err, ms)
		}
		al, err := cw.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{"hot"}})
		if err != nil || len(al.MetricAlarms) != 1 || al.MetricAlarms[0].StateValue != cwtypes.StateValueAlarm ||
			aws.ToString(al.MetricAlarms[0].StateReason) != "temp 42.5" {
			t.Errorf("DescribeAlarms: %v %+v", err, al)
		}
	})
}

// TestS3ActionGofakes3: the s3 action's PutObject through the emulator to
// gofakes3, a second S3 implementation (path style, signed, ACL header);
// a missing bucket fails with S3's NoSuchBucket.
func TestS3ActionGofakes3(t *testing.T) {
	fake := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	defer fake.Close()
	s3c := s3.NewFromConfig(aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("a", "b", "")},
		func(o *s3.Options) { o.BaseEndpoint, o.UsePathStyle = aws.String(fake.URL), true })
	ctx := t.Context()
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("box")}); err != nil {
		t.Fatal(err)
	}
	emu := testkit.Start(t,
		testkit.WithRuleActions(func(c *actions.Config) { c.Endpoints.S3 = fake.URL }),
		testkit.WithTopicRule("keep", `{"sql":"SELECT * FROM 'keep/#'","actions":[{"s3":{"roleArn":"r","bucketName":"box","key":"${topic()}/${clientid()} x+y.json","cannedAcl":"private"}}]}`),
		testkit.WithTopicRule("lost", `{"sql":"SELECT * FROM 'keep/#'","actions":[{"s3":{"roleArn":"r","bucketName":"no-such-bucket","key":"k"}}]}`),
	)
	if err := emu.Server().Publish(ctx, emulator.Message{Topic: "keep/a", Payload: []byte(`{"n":1}`)}); err != nil {
		t.Fatal(err)
	}
	if rec := emu.WaitActionRecord(t, "keep", "s3", 10*time.Second); rec.Err != nil {
		t.Fatalf("s3: %v", rec.Err)
	}
	obj, err := s3c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("box"), Key: aws.String("keep/a/n/a x+y.json")})
	if err != nil {
		t.Fatal(err)
	}
	defer obj.Body.Close()
	if b, _ := io.ReadAll(obj.Body); string(b) != `{"n":1}` {
		t.Errorf("object %q", b)
	}
	if rec := emu.WaitActionRecord(t, "lost", "s3", 10*time.Second); rec.Err == nil || !strings.Contains(rec.Err.Error(), "NoSuchBucket") {
		t.Errorf("missing bucket: %v", rec.Err)
	}
}

func resultJSON(t *testing.T, rec rules.ActionRecord) string {
	t.Helper()
	b, err := json.Marshal(rec.Result)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
