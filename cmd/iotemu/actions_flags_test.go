package main

import (
	"io"
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
