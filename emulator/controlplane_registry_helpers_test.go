package emulator_test

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"

	"github.com/iotemu/iotemu/emulator"
	"github.com/iotemu/iotemu/testkit"
)

// wantAPIError fails unless err is an AWS error of the given shape and
// HTTP status, as the SDK decoded it.
func wantAPIError(t *testing.T, err error, code string, status int) {
	t.Helper()
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != code {
		t.Fatalf("got error %v, want %s", err, code)
	}
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != status {
		t.Fatalf("got %v, want status %d", err, status)
	}
	if apiErr.ErrorMessage() == "" {
		t.Fatalf("%s: empty message", code)
	}
}

// startFastKeys starts an emulator whose CreateKeysAndCertificate makes
// ECDSA keys, so that tests creating many certificates stay fast.
func startFastKeys(t *testing.T) *testkit.Emulator {
	t.Helper()
	return testkit.Start(t, testkit.WithConfig(func(c *emulator.Config) { c.Compat.ECDSAKeysAndCertificate = true }))
}

// rawRequest sends a request to the emulator's HTTP port and returns the
// status, x-amzn-ErrorType and body.
func rawRequest(t *testing.T, emu *testkit.Emulator, method, path, body string, header map[string]string) (int, string, string) {
	t.Helper()
	req, err := http.NewRequest(method, emu.Endpoint()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body2, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("x-amzn-ErrorType"), string(body2)
}

const allowAllPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*"}]}`
