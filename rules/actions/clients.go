package actions

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/timestreamwrite"

	"github.com/iotemu/iotemu/rules"
)

// clients are the SDK clients of the services with an endpoint; nil
// means record-only.
type clients struct {
	sqs      *sqs.Client
	sns      *sns.Client
	dynamodb *dynamodb.Client
	kinesis  *kinesis.Client
	firehose *firehose.Client
	s3       *s3.Client
	cw       *cloudwatch.Client
	logs     *cloudwatchlogs.Client
	ts       *timestreamwrite.Client
	sfn      *sfn.Client
}

// newClients builds one client per configured service: static
// credentials, one attempt (no SDK retries: the rules engine's own retries
// are not emulated), checksums only where required (S3 emulators differ).
func newClients(cfg Config) clients {
	ac := aws.Config{
		Region:      cfg.Region,
		Credentials: credentials.NewStaticCredentialsProvider(cfg.Credentials.AccessKeyID, cfg.Credentials.SecretAccessKey, cfg.Credentials.SessionToken),
		HTTPClient:  cfg.HTTPClient,
		Retryer:     func() aws.Retryer { return aws.NopRetryer{} },

		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	}
	ep := cfg.Endpoints
	var c clients
	if u := ep.endpoint(ep.SQS); u != "" {
		c.sqs = sqs.NewFromConfig(ac, func(o *sqs.Options) { o.BaseEndpoint = aws.String(u) })
	}
	if u := ep.endpoint(ep.SNS); u != "" {
		c.sns = sns.NewFromConfig(ac, func(o *sns.Options) { o.BaseEndpoint = aws.String(u) })
	}
	if u := ep.endpoint(ep.DynamoDB); u != "" {
		c.dynamodb = dynamodb.NewFromConfig(ac, func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(u) })
	}
	if u := ep.endpoint(ep.Kinesis); u != "" {
		c.kinesis = kinesis.NewFromConfig(ac, func(o *kinesis.Options) { o.BaseEndpoint = aws.String(u) })
	}
	if u := ep.endpoint(ep.Firehose); u != "" {
		c.firehose = firehose.NewFromConfig(ac, func(o *firehose.Options) { o.BaseEndpoint = aws.String(u) })
	}
	if u := ep.endpoint(ep.S3); u != "" {
		c.s3 = s3.NewFromConfig(ac, func(o *s3.Options) { o.BaseEndpoint, o.UsePathStyle = aws.String(u), true })
	}
	c.addMonitoring(ac, ep)
	return c
}

func (c *clients) addMonitoring(ac aws.Config, ep Endpoints) {
	if u := ep.endpoint(ep.CloudWatch); u != "" {
		c.cw = cloudwatch.NewFromConfig(ac, func(o *cloudwatch.Options) { o.BaseEndpoint = aws.String(u) })
	}
	if u := ep.endpoint(ep.CloudWatchLogs); u != "" {
		c.logs = cloudwatchlogs.NewFromConfig(ac, func(o *cloudwatchlogs.Options) { o.BaseEndpoint = aws.String(u) })
	}
	if u := ep.endpoint(ep.Timestream); u != "" {
		c.ts = timestreamwrite.NewFromConfig(ac, func(o *timestreamwrite.Options) {
			o.BaseEndpoint = aws.String(u)
			o.EndpointDiscovery.EnableEndpointDiscovery = aws.EndpointDiscoveryDisabled
		})
	}
	if u := ep.endpoint(ep.StepFunctions); u != "" {
		c.sfn = sfn.NewFromConfig(ac, func(o *sfn.Options) { o.BaseEndpoint = aws.String(u) })
	}
}

// Request is the rendered request of an AWS service action in its
// record: the SDK operation and its input, with AWS's member names.
type Request struct {
	Service   string          `json:"service"`
	Operation string          `json:"operation"`
	Input     json.RawMessage `json:"input"`
}

// NotSent is the result of a request to a service without an endpoint.
type NotSent struct {
	NotSent string `json:"notSent"`
}

// call sends one SDK request, or records it when the service has no
// client (send is nil). The report gets the request and the output.
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
