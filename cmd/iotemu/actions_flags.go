package main

import (
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/iotemu/iotemu/rules/actions"
)

// actionFlags declares the flags of the rules' service actions and
// returns the function that finishes them after parsing.
func actionFlags(fs *flag.FlagSet, env func(name, def string) string, c *actions.Config) func() error {
	fs.StringVar(&c.Endpoints.Base, "aws-endpoint", env("AWS_ENDPOINT", ""),
		"AWS-compatible endpoint for the rules' actions (sqs, s3, dynamodb...) and get_dynamodb/get_secret; empty: requests are recorded, not sent (IOTEMU_AWS_ENDPOINT)")
	fs.StringVar(&c.Endpoints.Lambda, "lambda-endpoint", env("LAMBDA_ENDPOINT", ""),
		"Lambda Invoke API endpoint for functions not registered in-process (IOTEMU_LAMBDA_ENDPOINT)")
	perService := fs.String("aws-endpoints", env("AWS_ENDPOINTS", ""),
		"per-service endpoints, e.g. sqs=http://127.0.0.1:9324,s3=http://127.0.0.1:9000 (IOTEMU_AWS_ENDPOINTS)")
	fs.StringVar(&c.Credentials.AccessKeyID, "aws-access-key-id", env("AWS_ACCESS_KEY_ID", ""), "static access key of the actions' requests (IOTEMU_AWS_ACCESS_KEY_ID)")
	fs.StringVar(&c.Credentials.SecretAccessKey, "aws-secret-access-key", env("AWS_SECRET_ACCESS_KEY", ""), "static secret key (IOTEMU_AWS_SECRET_ACCESS_KEY)")
	fs.DurationVar(&c.Timeout, "action-timeout", durationEnv(env("ACTION_TIMEOUT", actions.DefaultTimeout.String())), "timeout of one rule action request (IOTEMU_ACTION_TIMEOUT)")
	fs.BoolVar(&c.ConfirmHTTPDestinations, "http-confirm-destinations", env("HTTP_CONFIRM_DESTINATIONS", "") == "true",
		"send AWS's destination confirmation before an HTTP action's first message (IOTEMU_HTTP_CONFIRM_DESTINATIONS=true) (default: off)")
	return func() error { return parseServiceEndpoints(*perService, &c.Endpoints) }
}

func durationEnv(s string) time.Duration {
	d, err := time.ParseDuration(s)
	if err != nil {
		return actions.DefaultTimeout // an invalid variable means the default
	}
	return d
}

// parseServiceEndpoints reads "service=url,..." into per-service overrides.
func parseServiceEndpoints(s string, e *actions.Endpoints) error {
	fields := map[string]*string{
		"lambda": &e.Lambda, "sqs": &e.SQS, "sns": &e.SNS, "dynamodb": &e.DynamoDB, "kinesis": &e.Kinesis,
		"firehose": &e.Firehose, "s3": &e.S3, "cloudwatch": &e.CloudWatch, "logs": &e.CloudWatchLogs,
		"timestream": &e.Timestream, "states": &e.StepFunctions, "secretsmanager": &e.SecretsManager,
	}
	for _, kv := range strings.Split(s, ",") {
		if kv = strings.TrimSpace(kv); kv == "" {
			continue
		}
		name, url, ok := strings.Cut(kv, "=")
		f, known := fields[name]
		if !ok || !known {
			return fmt.Errorf("-aws-endpoints: %q is not service=url with service one of lambda, sqs, sns, dynamodb, kinesis, firehose, s3, cloudwatch, logs, timestream, states, secretsmanager", kv)
		}
		*f = url
	}
	return nil
}
