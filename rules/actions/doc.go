// Package actions runs the AWS IoT rule action types that call other
// services: lambda, http, sqs, sns, dynamoDB, dynamoDBv2, kinesis, firehose,
// s3, cloudwatchMetric, cloudwatchLogs, timestream, stepFunctions and
// cloudwatchAlarm; and it records, without sending, the requests of
// elasticsearch, openSearch, iotAnalytics, iotEvents, iotSiteWise, kafka,
// location and salesforce (iotemu has no client for them: their records
// say "notSent").
//
// Each type is a struct with AWS's TopicRulePayload JSON members (Parse
// builds one from a control-plane Action member). Added to a rules.Engine it
// compiles its substitution templates once (rules.CompilingAction) and, for
// each message, renders its request and reports it (rules.ReportingAction),
// so that every execution becomes a rules.ActionRecord.
//
// Requests go to the endpoint Config names for the service (one base
// endpoint for all, or one per service), SigV4-signed with static
// credentials, through internal/awswire: each in its service's protocol,
// as the AWS SDK for Go v2 puts it on the wire, without linking a service
// client (services.go). A service without an endpoint is not called: the
// action succeeds and its report holds the exact request it would have
// sent (service, operation, input). The Lambda action first tries the
// in-process functions (Config.Functions), then the Lambda Invoke API at its
// endpoint. The HTTP action posts to its URL with net/http.
//
// Env also serves the rules' external functions that call AWS
// (externals.go): aws_lambda through Config.Functions, get_dynamodb through
// the DynamoDB endpoint, get_secret through the Secrets Manager endpoint
// (GetSecretValue).
//
// The package imports no other package of this module besides rules (the
// dependency rule of ARCHITECTURE.md); the emulator gives it its in-process
// Lambda functions through the Invoker interface.
//
// Deviations from AWS are listed in docs/compatibility.md ("Rules engine",
// "Actions").
package actions
