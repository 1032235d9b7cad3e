package main

import (
	"io"
	"strings"
	"testing"
)

// TestActionFlags: flags and IOTEMU_ variables configure the actions.
func TestActionFlags(t *testing.T) {
	env := map[string]string{"IOTEMU_LAMBDA_ENDPOINT": "http://127.0.0.1:9001", "IOTEMU_AWS_ENDPOINTS": "sqs=http://127.0.0.1:9324,states=http://127.0.0.1:8083"}
	o, err := loadOptions([]string{"-aws-endpoint", "http://127.0.0.1:4566", "-action-timeout", "3s", "-http-confirm-destinations"},
		func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	a := o.emulator.Actions
	if a.Endpoints.Base != "http://127.0.0.1:4566" || a.Endpoints.Lambda != "http://127.0.0.1:9001" || a.Endpoints.SQS != "http://127.0.0.1:9324" ||
		a.Endpoints.StepFunctions != "http://127.0.0.1:8083" || a.Timeout.String() != "3s" || !a.ConfirmHTTPDestinations {
		t.Errorf("actions config = %+v", a)
	}
	if _, err := loadOptions([]string{"-aws-endpoints", "nope=x"}, func(string) string { return "" }, io.Discard); err == nil {
		t.Error("unknown service accepted")
	}
}

// TestLambdaEndpointsFlag: -lambda-endpoints (and IOTEMU_LAMBDA_ENDPOINTS)
// gives functions endpoints of their own, by name; an ARN is stored by its
// name; a malformed entry is refused naming it.
func TestLambdaEndpointsFlag(t *testing.T) {
	t.Parallel()
	o, err := loadOptions([]string{"-lambda-endpoints", "onconnect=http://127.0.0.1:9000, arn:aws:lambda:us-east-1:123456789012:function:push=http://127.0.0.1:9001"},
		func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if got := o.emulator.Lambda.Endpoints; len(got) != 2 || got["onconnect"] != "http://127.0.0.1:9000" || got["push"] != "http://127.0.0.1:9001" {
		t.Errorf("endpoints = %v", got)
	}
	env := map[string]string{"IOTEMU_LAMBDA_ENDPOINTS": "a=http://h:1"}
	if o, err = loadOptions(nil, func(k string) string { return env[k] }, io.Discard); err != nil || o.emulator.Lambda.Endpoints["a"] != "http://h:1" {
		t.Errorf("from the environment: %v %v", o.emulator.Lambda.Endpoints, err)
	}
	for _, bad := range []string{"noequals", "a=ftp://h", "bad name!=http://h:1"} {
		if _, err := loadOptions([]string{"-lambda-endpoints", bad}, func(string) string { return "" }, io.Discard); err == nil || !strings.Contains(err.Error(), "-lambda-endpoints") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}
