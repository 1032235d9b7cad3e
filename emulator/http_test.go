package emulator_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iotdataplane"
	"github.com/aws/smithy-go"
	"github.com/gorilla/websocket"

	"github.com/iotemu/iotemu/testkit"
)

// dataClient is an AWS SDK v2 iot-data client pointed at the emulator.
func dataClient(emu *testkit.Emulator) *iotdataplane.Client {
	return iotdataplane.New(iotdataplane.Options{
		BaseEndpoint: aws.String(emu.Endpoint()),
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
	})
}

// TestPublishSDK publishes with the Go SDK v2 to MQTT subscribers: topic
// with slashes (sent percent-encoded), QoS 1, retain, and binary payload.
func TestPublishSDK(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	inbox := emu.Connect(t, "sub").Subscribe(t, "sdk/#", 1)
	payload := []byte{0, 0xff, '{', 0x80}
	_, err := dataClient(emu).Publish(context.Background(), &iotdataplane.PublishInput{
		Topic: aws.String("sdk/a b/c"), Qos: 1, Payload: payload,
	})
	if err != nil {
		t.Fatal(err)
	}
	got := inbox.Next(t, wait)
	if got.Topic != "sdk/a b/c" || !bytes.Equal(got.Payload, payload) || got.QoS != 1 {
		t.Fatalf("got %+v, want sdk/a b/c with the binary payload at QoS 1", got)
	}
}

// TestPublishSuccessBody checks the wire response AWS sends.
// AWS: observed {"message":"OK","traceId":...} with x-amzn-RequestId, as in
// https://docs.aws.amazon.com/iot/latest/developerguide/custom-auth-tutorial.html#custom-auth-tutorial
func TestPublishSuccessBody(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	resp, err := http.Post(emu.Endpoint()+"/topics/a%2Fb?qos=0", "application/octet-stream", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var got struct{ Message, TraceID string }
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("body %q: %v", body, err)
	}
	rid := resp.Header.Get("x-amzn-RequestId")
	if resp.StatusCode != http.StatusOK || got.Message != "OK" || got.TraceID != rid || rid == "" {
		t.Fatalf("got %d %s (request ID %q), want 200 {\"message\":\"OK\",\"traceId\":<request ID>}", resp.StatusCode, body, rid)
	}
}

// TestPublishBadInput: each malformed request gets AWS's error shape and
// status, and the emulator keeps serving.
func TestPublishBadInput(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	inbox := emu.Subscribe(t, "ok")
	big := bytes.Repeat([]byte("x"), 128*1024+1)
	cases := []struct {
		name, method, path string
		body               []byte
		status             int
		errType            string
	}{
		{"unknown path", "GET", "/nope", nil, 404, "ResourceNotFoundException"},
		{"wrong method", "GET", "/topics/a", nil, 405, "MethodNotAllowedException"},
		{"wildcard topic", "POST", "/topics/a%2F%2B", nil, 400, "InvalidRequestException"},
		{"hash topic", "POST", "/topics/a/%23", nil, 400, "InvalidRequestException"},
		{"empty topic", "POST", "/topics/", nil, 400, "InvalidRequestException"},
		{"topic too long", "POST", "/topics/" + strings.Repeat("t", 257), nil, 400, "InvalidRequestException"},
		{"too many levels", "POST", "/topics/1/2/3/4/5/6/7/8/9", nil, 400, "InvalidRequestException"},
		{"qos 2", "POST", "/topics/a?qos=2", nil, 400, "InvalidRequestException"},
		{"qos not a number", "POST", "/topics/a?qos=x", nil, 400, "InvalidRequestException"},
		{"retain not a bool", "POST", "/topics/a?retain=yes", nil, 400, "InvalidRequestException"},
		{"payload over 128 KB", "POST", "/topics/a", big, 413, "RequestEntityTooLargeException"},
		{"user properties not base64", "POST", "/topics/a", nil, 400, "InvalidRequestException"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, emu.Endpoint()+tc.path, bytes.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if tc.name == "user properties not base64" {
				req.Header.Set("x-amz-mqtt5-user-properties", "!!")
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			var e struct{ Message, TraceID string }
			if err := json.Unmarshal(body, &e); err != nil || e.Message == "" || e.TraceID != resp.Header.Get("x-amzn-RequestId") {
				t.Errorf("body got %q, want {\"message\":...,\"traceId\":<request ID>}", body)
			}
			if resp.StatusCode != tc.status || resp.Header.Get("x-amzn-ErrorType") != tc.errType+":" {
				t.Errorf("got %d %q, want %d %q", resp.StatusCode, resp.Header.Get("x-amzn-ErrorType"), tc.status, tc.errType+":")
			}
		})
	}
	// Still serving after all of that.
	if _, err := dataClient(emu).Publish(context.Background(), &iotdataplane.PublishInput{Topic: aws.String("ok")}); err != nil {
		t.Fatal(err)
	}
	inbox.Next(t, wait)
}

// TestPublishSDKErrors: the SDK maps the emulator's error to a typed error.
func TestPublishSDKErrors(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	_, err := dataClient(emu).Publish(context.Background(), &iotdataplane.PublishInput{Topic: aws.String("a/+")})
	var invalid interface{ ErrorCode() string }
	if !errors.As(err, &invalid) || invalid.ErrorCode() != "InvalidRequestException" {
		t.Fatalf("got %v, want InvalidRequestException", err)
	}
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorMessage() == "" {
		t.Fatalf("got %v, want an API error with a message", err)
	}
}

// TestPublishAWSCLI runs `aws iot-data publish --endpoint-url` (Debian's
// awscli, which .ci/run installs).
func TestPublishAWSCLI(t *testing.T) {
	aws := awsCLI(t)
	emu := testkit.Start(t)
	inbox := emu.Connect(t, "sub").Subscribe(t, "cli/#", 1)
	cmd := exec.Command(aws, "iot-data", "publish", "--endpoint-url", emu.Endpoint(),
		"--topic", "cli/t", "--qos", "1", "--cli-binary-format", "raw-in-base64-out", "--payload", `{"from":"cli"}`)
	cmd.Env = awsEnv()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("aws iot-data publish: %v\n%s", err, out)
	}
	if got := inbox.Next(t, wait); string(got.Payload) != `{"from":"cli"}` {
		t.Fatalf("got %q, want %q", got.Payload, `{"from":"cli"}`)
	}
}

// TestHealth: 200 with status, version and endpoints.
func TestHealth(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	resp, err := http.Get(emu.Endpoint() + "/health")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var h struct {
		Status, Version string
		Endpoints       map[string]string
	}
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || h.Status != "ok" || h.Endpoints["mqtt"] != emu.MQTTURL() || h.Endpoints["http"] != emu.Endpoint() {
		t.Fatalf("got %d %+v, want 200 ok with the endpoints", resp.StatusCode, h)
	}
}

// TestCACertificate: GET /ca.pem returns the CA that signs the server
// certificate, so a client trusting it can connect over TLS.
func TestCACertificate(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	resp, err := http.Get(emu.Endpoint() + "/ca.pem")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	pemBytes, _ := io.ReadAll(resp.Body)
	if !bytes.Equal(pemBytes, emu.Server().CACertificatePEM()) || !bytes.HasPrefix(pemBytes, []byte("-----BEGIN CERTIFICATE-----")) {
		t.Fatalf("got %q, want the CA certificate PEM", pemBytes)
	}
}

// TestWebSocketSubprotocol: the mqtt subprotocol is echoed, and SigV4 query
// parameters are accepted (permissive mode does not verify them).
func TestWebSocketSubprotocol(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	for _, proto := range []string{"mqtt", "mqttv3.1"} {
		u, _ := url.Parse(emu.WebSocketURL())
		u.RawQuery = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20260101%2Fus-east-1%2Fiotdevicegateway%2Faws4_request" +
			"&X-Amz-Date=20260101T000000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=00&X-Amz-Security-Token=tok"
		d := websocket.Dialer{Subprotocols: []string{proto}}
		c, resp, err := d.Dial(u.String(), nil)
		if err != nil {
			t.Fatalf("dial with %q: %v", proto, err)
		}
		c.Close()
		if got := resp.Header.Get("Sec-WebSocket-Protocol"); got != proto {
			t.Errorf("Sec-WebSocket-Protocol got %q, want %q", got, proto)
		}
	}
}
