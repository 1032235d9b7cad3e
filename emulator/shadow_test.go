package emulator_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/iotdataplane"
	"github.com/aws/aws-sdk-go-v2/service/iotdataplane/types"
	"github.com/aws/smithy-go"

	"github.com/iotemu/iotemu/testkit"
)

// TestShadowHTTPErrors: each shadow error reaches the Go SDK as the typed
// error of the iot-data model, with AWS's status and message.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-error-messages.html#device-shadow-error-messages
func TestShadowHTTPErrors(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t, testkit.WithShadow("t1", "", `{"state":{"reported":{"a":1}}}`))
	c := dataClient(emu)
	ctx := context.Background()
	huge := fmt.Sprintf(`{"state":{"reported":{"big":"%s"}}}`, strings.Repeat("x", 9000))
	cases := []struct {
		name   string
		call   func() error
		status int
		target any
		msg    string
	}{
		{"missing shadow", func() error {
			_, err := c.GetThingShadow(ctx, &iotdataplane.GetThingShadowInput{ThingName: aws.String("nobody")})
			return err
		}, 404, new(*types.ResourceNotFoundException), "No shadow exists with name: 'nobody'"},
		{"version conflict", func() error {
			_, err := c.UpdateThingShadow(ctx, &iotdataplane.UpdateThingShadowInput{ThingName: aws.String("t1"), Payload: []byte(`{"state":{"reported":{"a":2}},"version":7}`)})
			return err
		}, 409, new(*types.ConflictException), "Version conflict"},
		{"invalid JSON", func() error {
			_, err := c.UpdateThingShadow(ctx, &iotdataplane.UpdateThingShadowInput{ThingName: aws.String("t1"), Payload: []byte(`{"state":`)})
			return err
		}, 400, new(*types.InvalidRequestException), "Invalid JSON"},
		{"state over 8 KB", func() error {
			_, err := c.UpdateThingShadow(ctx, &iotdataplane.UpdateThingShadowInput{ThingName: aws.String("t1"), Payload: []byte(huge)})
			return err
		}, 413, new(*types.RequestEntityTooLargeException), "The payload exceeds the maximum size allowed"},
		{"delete missing", func() error {
			_, err := c.DeleteThingShadow(ctx, &iotdataplane.DeleteThingShadowInput{ThingName: aws.String("t1"), ShadowName: aws.String("nope")})
			return err
		}, 404, new(*types.ResourceNotFoundException), ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			var respErr *awshttp.ResponseError
			var apiErr smithy.APIError
			if !errors.As(err, tc.target) || !errors.As(err, &respErr) || !errors.As(err, &apiErr) {
				t.Fatalf("got %v, want %T", err, tc.target)
			}
			if respErr.HTTPStatusCode() != tc.status {
				t.Errorf("status got %d, want %d", respErr.HTTPStatusCode(), tc.status)
			}
			if tc.msg != "" && apiErr.ErrorMessage() != tc.msg {
				t.Errorf("message got %q, want %q", apiErr.ErrorMessage(), tc.msg)
			}
		})
	}
	// The shadow is untouched by the failed requests.
	out, err := c.GetThingShadow(ctx, &iotdataplane.GetThingShadowInput{ThingName: aws.String("t1")})
	if err != nil || !strings.Contains(string(out.Payload), `"version":1`) {
		t.Fatalf("got %s %v, want version 1", out.Payload, err)
	}
}

// TestShadowNotificationsFromHTTP: an HTTP update publishes the same MQTT
// notifications as an MQTT one, at min(1, subscription QoS).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-comms-app.html#device-shadow-comms-app
func TestShadowNotificationsFromHTTP(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	dev := emu.Connect(t, "lamp")
	delta1 := dev.Subscribe(t, "$aws/things/lamp/shadow/update/delta", 1)
	docs0 := emu.Connect(t, "dash").Subscribe(t, "$aws/things/lamp/shadow/update/documents", 0)
	_, err := dataClient(emu).UpdateThingShadow(context.Background(), &iotdataplane.UpdateThingShadowInput{
		ThingName: aws.String("lamp"), Payload: []byte(`{"state":{"desired":{"on":true}}}`),
	})
	if err != nil {
		t.Fatal(err)
	}
	d := delta1.Next(t, wait)
	var delta struct {
		State   map[string]any
		Version int
	}
	if err := json.Unmarshal(d.Payload, &delta); err != nil || delta.State["on"] != true || delta.Version != 1 || d.QoS != 1 {
		t.Fatalf("delta got %s at QoS %d, want state.on=true version 1 at QoS 1", d.Payload, d.QoS)
	}
	if m := docs0.Next(t, wait); m.QoS != 0 || !strings.Contains(string(m.Payload), `"current"`) {
		t.Fatalf("documents got %s at QoS %d, want a documents message at QoS 0", m.Payload, m.QoS)
	}
}

// TestShadowConcurrentMQTTUpdates: many clients update one shadow at once;
// no update is lost and every accepted version is distinct.
func TestShadowConcurrentMQTTUpdates(t *testing.T) {
	t.Parallel()
	const clients, each = 8, 10
	emu := testkit.Start(t)
	accepted := emu.Subscribe(t, "$aws/things/hub/shadow/update/accepted")
	var wg sync.WaitGroup
	for c := range clients {
		dev := emu.Connect(t, fmt.Sprintf("dev-%d", c))
		wg.Go(func() {
			for i := range each {
				dev.Paho().Publish("$aws/things/hub/shadow/update", 1, false,
					fmt.Sprintf(`{"state":{"reported":{"k%d_%d":%d}}}`, c, i, i)).Wait()
			}
		})
	}
	wg.Wait()
	seen := map[int]bool{}
	for range clients * each {
		var doc struct{ Version int }
		if err := json.Unmarshal(accepted.Next(t, wait).Payload, &doc); err != nil {
			t.Fatal(err)
		}
		if seen[doc.Version] {
			t.Fatalf("version %d accepted twice", doc.Version)
		}
		seen[doc.Version] = true
	}
	var final struct {
		State   struct{ Reported map[string]any }
		Version int
	}
	if err := json.Unmarshal(emu.GetShadow(t, "hub", ""), &final); err != nil {
		t.Fatal(err)
	}
	if final.Version != clients*each || len(final.State.Reported) != clients*each {
		t.Fatalf("got version %d with %d keys, want %d and %d", final.Version, len(final.State.Reported), clients*each, clients*each)
	}
}

// TestShadowListPagination pages ListNamedShadowsForThing with the SDK
// through nextToken.
func TestShadowListPagination(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	for i := range 7 {
		emu.SetShadow(t, "multi", fmt.Sprintf("s%d", i), `{"state":{"reported":{}}}`)
	}
	emu.SetShadow(t, "multi", "", `{"state":{"reported":{"classic":true}}}`)
	var names []string
	pages := 0
	in := &iotdataplane.ListNamedShadowsForThingInput{ThingName: aws.String("multi"), PageSize: aws.Int32(3)}
	for {
		out, err := dataClient(emu).ListNamedShadowsForThing(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		names = append(names, out.Results...)
		if out.NextToken == nil {
			break
		}
		in.NextToken = out.NextToken
	}
	if pages != 3 || len(names) != 7 {
		t.Fatalf("got %d pages with %v, want 3 pages with the 7 named shadows (the classic one is not listed)", pages, names)
	}
}

// TestShadowAWSCLI updates and reads a named shadow with the AWS CLI.
func TestShadowAWSCLI(t *testing.T) {
	cli := awsCLI(t)
	emu := testkit.Start(t)
	out := filepath.Join(t.TempDir(), "out.json")
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command(cli, append([]string{"iot-data", "--endpoint-url", emu.Endpoint()}, args...)...)
		cmd.Env = awsEnv()
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("aws %v: %v\n%s", args, err, b)
		}
	}
	run("update-thing-shadow", "--thing-name", "lamp", "--shadow-name", "cfg",
		"--cli-binary-format", "raw-in-base64-out", "--payload", `{"state":{"desired":{"mode":"eco"}}}`, out)
	run("get-thing-shadow", "--thing-name", "lamp", "--shadow-name", "cfg", out)
	b, err := readFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		State struct{ Desired, Delta map[string]any }
	}
	if err := json.Unmarshal(b, &doc); err != nil || doc.State.Desired["mode"] != "eco" || doc.State.Delta["mode"] != "eco" {
		t.Fatalf("got %s, want desired and delta mode=eco", b)
	}
}
