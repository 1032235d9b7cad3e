package actions

import (
	"context"
	"net/http"
	"time"

	"github.com/iotemu/iotemu/lambdafn"

	"github.com/iotemu/iotemu/internal/awsid"

	"github.com/iotemu/iotemu/rules"
)

// DefaultTimeout bounds one action's request when Config.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// Config configures an Env. The zero value records every AWS service
// request without sending it and posts HTTP actions for real.
type Config struct {
	// Region signs AWS requests and appears in ARNs (default us-east-1).
	Region string
	// AccountID appears in ARNs built from names (default 123456789012).
	AccountID string
	// Endpoints are the AWS-compatible endpoints requests go to.
	Endpoints Endpoints
	// Credentials sign AWS requests (default "iotemu"/"iotemu").
	Credentials Credentials
	// Functions runs the Lambda action's functions. Nil means a
	// lambdafn.Invoker of its own with no in-process function, sending to
	// the Lambda endpoint (Endpoints.Lambda, else Base) signed with
	// Credentials.
	Functions Invoker
	// HTTPClient sends HTTP actions and AWS requests (default: a client
	// with Timeout).
	HTTPClient *http.Client
	// Timeout bounds each request (default DefaultTimeout).
	Timeout time.Duration
	// ConfirmHTTPDestinations sends AWS's destination confirmation request
	// before an HTTP action's first message to a destination; the
	// destination is enabled when the endpoint answers 2xx.
	ConfirmHTTPDestinations bool
	// EnableURLBase is the enableUrl prefix of confirmation requests
	// (default https://iot.<region>.amazonaws.com).
	EnableURLBase string
	// NewUUID makes execution names, partition keys and confirmation
	// tokens (default random version 4 UUIDs).
	NewUUID func() string
	// Now is the clock of CloudWatch and Timestream timestamps.
	Now func() time.Time
}

// Endpoints are the base URLs of AWS-compatible services (LocalStack,
// MiniStack, Floci, moto server...). Base serves every service without an
// override; "" everywhere means record-only.
type Endpoints struct {
	Base string
	// Per-service overrides.
	Lambda, SQS, SNS, DynamoDB, Kinesis, Firehose, S3, CloudWatch, CloudWatchLogs, Timestream, StepFunctions string
	// SecretsManager serves the rules' get_secret function.
	SecretsManager string
}

// Credentials are static AWS credentials.
type Credentials struct {
	AccessKeyID, SecretAccessKey, SessionToken string
}

// Invoker runs Lambda functions by name or ARN: the emulator's one
// lambdafn.Invoker, in process else through the Lambda Invoke API. It
// returns an error matching lambdafn.ErrFunctionNotFound for a function
// nobody can run.
type Invoker interface {
	Invoke(ctx context.Context, req lambdafn.Request) (lambdafn.Response, error)
}

var _ Invoker = (*lambdafn.Invoker)(nil)

func (c Config) withDefaults() Config {
	if c.Region == "" {
		c.Region = "us-east-1"
	}
	if c.AccountID == "" {
		c.AccountID = "123456789012"
	}
	if c.Credentials.AccessKeyID == "" {
		c.Credentials = Credentials{AccessKeyID: "iotemu", SecretAccessKey: "iotemu"}
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: c.Timeout}
	}
	if c.EnableURLBase == "" {
		c.EnableURLBase = "https://iot." + c.Region + ".amazonaws.com"
	}
	if c.NewUUID == nil {
		c.NewUUID = awsid.NewUUID
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Functions == nil {
		c.Functions = lambdafn.NewInvoker(c.invokerConfig(nil))
	}
	return c
}

// invokerConfig is the lambdafn.InvokerConfig of these settings: the Lambda
// endpoint, the HTTP client and the SigV4 credentials of the other
// actions' AWS requests.
func (c Config) invokerConfig(functions *lambdafn.Registry) lambdafn.InvokerConfig {
	return lambdafn.InvokerConfig{
		Functions: functions, Endpoint: c.Endpoints.endpoint(c.Endpoints.Lambda), HTTPClient: c.HTTPClient,
		Region: c.Region, AccessKeyID: c.Credentials.AccessKeyID, SecretAccessKey: c.Credentials.SecretAccessKey,
		SessionToken: c.Credentials.SessionToken,
	}
}

// InvokerConfig returns the lambdafn.InvokerConfig that sends to these
// settings' Lambda endpoint with their credentials, running functions of
// the given registry in process: how the emulator builds its one Invoker.
func (c Config) InvokerConfig(functions *lambdafn.Registry) lambdafn.InvokerConfig {
	return c.withDefaults().invokerConfig(functions)
}

// endpoint returns the endpoint of one service: its override or Base.
func (e Endpoints) endpoint(override string) string {
	if override != "" {
		return override
	}
	return e.Base
}

// messageTime is the broker's receive time of the message, or now.
func messageTime(out rules.Output, e *Env) time.Time {
	if !out.Message.Timestamp.IsZero() {
		return out.Message.Timestamp
	}
	return e.cfg.Now()
}
