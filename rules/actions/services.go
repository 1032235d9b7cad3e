package actions

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/iotemu/iotemu/rules"
	"github.com/iotemu/iotemu/rules/actions/internal/awswire"
	"github.com/iotemu/iotemu/sigv4"
)

// The services the actions call, as the AWS SDK for Go v2 addresses them
// (service ID, signing name, protocol; what rules/actions/wire_test.go
// records): each request is sent by awswire, without a service client.
// SQS speaks awsJson1_0 and CloudWatch rpcv2Cbor, both query-compatible,
// as the SDK's current models do.
var (
	sqsService            = awswire.Service{ID: "SQS", SigningName: "sqs", JSONVersion: "1.0", TargetPrefix: "AmazonSQS", QueryCompatible: true}
	snsService            = awswire.Service{ID: "SNS", SigningName: "sns", APIVersion: "2010-03-31"}
	dynamodbService       = awswire.Service{ID: "DynamoDB", SigningName: "dynamodb", JSONVersion: "1.0", TargetPrefix: "DynamoDB_20120810"}
	kinesisService        = awswire.Service{ID: "Kinesis", SigningName: "kinesis", JSONVersion: "1.1", TargetPrefix: "Kinesis_20131202"}
	firehoseService       = awswire.Service{ID: "Firehose", SigningName: "firehose", JSONVersion: "1.1", TargetPrefix: "Firehose_20150804"}
	s3Service             = awswire.Service{ID: "S3", SigningName: "s3"}
	cloudwatchService     = awswire.Service{ID: "CloudWatch", SigningName: "monitoring", CBORService: "GraniteServiceVersion20100801", QueryCompatible: true}
	logsService           = awswire.Service{ID: "CloudWatch Logs", SigningName: "logs", JSONVersion: "1.1", TargetPrefix: "Logs_20140328"}
	timestreamService     = awswire.Service{ID: "Timestream Write", SigningName: "timestream", JSONVersion: "1.0", TargetPrefix: "Timestream_20181101"}
	sfnService            = awswire.Service{ID: "SFN", SigningName: "states", JSONVersion: "1.0", TargetPrefix: "AWSStepFunctions"}
	secretsManagerService = awswire.Service{ID: "Secrets Manager", SigningName: "secretsmanager", JSONVersion: "1.1", TargetPrefix: "secretsmanager"}
)

// services are the services with an endpoint; nil means record-only.
type services struct {
	wire                                                         *awswire.Client
	sqs, sns, dynamodb, kinesis, firehose, s3, cw, logs, ts, sfn *awswire.Service
	secrets                                                      *awswire.Service
}

// newServices binds each configured service to its endpoint: static
// credentials, one attempt (the rules engine's own retries are not
// emulated), the actions' HTTP client and timeout.
func newServices(cfg Config) services {
	cr := cfg.Credentials
	// Requests are signed at the wall clock's time, never Config.Now's:
	// the peer checks the skew against its own clock (the SDK did the same).
	s := services{wire: &awswire.Client{
		HTTP: cfg.HTTPClient, Region: cfg.Region, Now: time.Now,
		Signer: sigv4.Signer{AccessKeyID: cr.AccessKeyID, SecretAccessKey: cr.SecretAccessKey, SessionToken: cr.SessionToken},
	}}
	ep := cfg.Endpoints
	bind := func(svc awswire.Service, override string) *awswire.Service {
		u := ep.endpoint(override)
		if u == "" {
			return nil
		}
		svc.Endpoint = u
		return &svc
	}
	s.sqs, s.sns, s.dynamodb = bind(sqsService, ep.SQS), bind(snsService, ep.SNS), bind(dynamodbService, ep.DynamoDB)
	s.kinesis, s.firehose, s.s3 = bind(kinesisService, ep.Kinesis), bind(firehoseService, ep.Firehose), bind(s3Service, ep.S3)
	s.cw, s.logs, s.ts = bind(cloudwatchService, ep.CloudWatch), bind(logsService, ep.CloudWatchLogs), bind(timestreamService, ep.Timestream)
	s.sfn, s.secrets = bind(sfnService, ep.StepFunctions), bind(secretsManagerService, ep.SecretsManager)
	return s
}

// Request is the rendered request of an AWS service action in its
// record: the operation and its input, with AWS's member names.
type Request struct {
	Service   string          `json:"service"`
	Operation string          `json:"operation"`
	Input     json.RawMessage `json:"input"`
}

// NotSent is the result of a request to a service without an endpoint.
type NotSent struct {
	NotSent string `json:"notSent"`
}

// call sends one request, or records it when the service has no endpoint
// (send is nil). The report gets the request and the service's answer.
func (e *Env) call(ctx context.Context, rep *rules.Report, service, op, verb string, input any, send func(context.Context) (any, error)) error {
	rep.Request = Request{Service: service, Operation: op, Input: inputJSON(input)}
	if send == nil {
		rep.Result = NotSent{NotSent: fmt.Sprintf("no endpoint configured for %s", service)}
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, e.cfg.Timeout)
	defer cancel()
	out, err := send(ctx)
	if err != nil {
		return fail(verb, err)
	}
	rep.Result = out
	return nil
}

// jsonSend is the send of an awsJson operation on svc (nil when svc has no
// endpoint): its answer is the result.
func (e *Env) jsonSend(svc *awswire.Service, op string, body any) func(context.Context) (any, error) {
	if svc == nil {
		return nil
	}
	return func(ctx context.Context) (any, error) { return e.services.wire.JSON(ctx, *svc, op, body) }
}

// cborSend is the send of an rpcv2Cbor operation on svc (nil when svc has
// no endpoint): its decoded answer is the result.
func (e *Env) cborSend(svc *awswire.Service, op string, body any) func(context.Context) (any, error) {
	if svc == nil {
		return nil
	}
	return func(ctx context.Context) (any, error) { return e.services.wire.CBOR(ctx, *svc, op, body) }
}
