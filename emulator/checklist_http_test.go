package emulator_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/iotdataplane"
	"github.com/aws/aws-sdk-go-v2/service/iotdataplane/types"
	paho5 "github.com/eclipse/paho.golang/paho"

	"github.com/iotemu/iotemu/testkit"
)

func TestChecklist18PublishSigV4ServiceNames(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	in := emu.Subscribe(t, "a/b")
	for _, service := range []string{"iotdata", "iotdevicegateway"} {
		body := []byte("signed " + service)
		req, _ := http.NewRequest(http.MethodPost, emu.Endpoint()+"/topics/a%2Fb?qos=1&retain=true", bytes.NewReader(body))
		sum := sha256.Sum256(body)
		creds := aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret"}
		if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), service, "us-east-1", time.Now()); err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var out map[string]string
		_ = json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || out["message"] != "OK" || out["traceId"] != resp.Header.Get("x-amzn-RequestId") {
			t.Fatalf("%s: got %d %v, want 200 {message: OK, traceId: request ID}", service, resp.StatusCode, out)
		}
		if got := in.Next(t, wait); string(got.Payload) != string(body) {
			t.Fatalf("got %q, want %q", got.Payload, body)
		}
	}
}

func TestChecklist19HTTPErrorsTyped(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	sdk := dataClient(emu)
	ctx := context.Background()
	_, err := sdk.GetRetainedMessage(ctx, &iotdataplane.GetRetainedMessageInput{Topic: aws.String("none")})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("GetRetainedMessage of nothing: got %T %v, want ResourceNotFoundException", err, err)
	}
	_, err = sdk.ListRetainedMessages(ctx, &iotdataplane.ListRetainedMessagesInput{MaxResults: aws.Int32(500)})
	var ir *types.InvalidRequestException
	if !errors.As(err, &ir) {
		t.Errorf("maxResults 500: got %T %v, want InvalidRequestException", err, err)
	}
	_, err = sdk.GetConnection(ctx, &iotdataplane.GetConnectionInput{ClientId: aws.String("nobody")})
	if !errors.As(err, &nf) {
		t.Errorf("GetConnection of nobody: got %T %v, want ResourceNotFoundException", err, err)
	}
	_, err = sdk.DeleteConnection(ctx, &iotdataplane.DeleteConnectionInput{ClientId: aws.String("$x")})
	if !errors.As(err, &ir) {
		t.Errorf("DeleteConnection of $x: got %T %v, want InvalidRequestException", err, err)
	}
	// Raw wire format, and Publish to a reserved topic it may not use.
	for _, path := range []string{"/topics/$unknown", "/topics/%24aws%2Fthings%2Ft%2Fshadow%2Fupdate?retain=true", "/topics/$aws/events/presence/connected/x"} {
		resp, err := http.Post(emu.Endpoint()+path, "application/octet-stream", strings.NewReader("x"))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden || resp.Header.Get("x-amzn-ErrorType") != "ForbiddenException:" ||
			!strings.Contains(string(body), `"traceId"`) {
			t.Errorf("POST %s: got %d %q %s, want 403 ForbiddenException", path, resp.StatusCode, resp.Header.Get("x-amzn-ErrorType"), body)
		}
	}
	stillServing(t, emu)
}

func TestChecklist20RetainedMessagesAPI(t *testing.T) {
	emu := testkit.Start(t)
	pub := emu.Connect(t, "rapi")
	topics := []string{"r/1", "r/2", "r/3", "r/4", "r/5"}
	for _, tp := range topics {
		pub.Publish(t, tp, 1, true, []byte{0xff, 0, byte(tp[2])})
	}
	sdk := dataClient(emu)
	ctx := context.Background()
	got, err := sdk.GetRetainedMessage(ctx, &iotdataplane.GetRetainedMessageInput{Topic: aws.String("r/3")})
	if err != nil || !bytes.Equal(got.Payload, []byte{0xff, 0, '3'}) || got.Qos != 1 || got.LastModifiedTime == 0 {
		t.Fatalf("GetRetainedMessage: got %+v %v, want the binary payload at QoS 1", got, err)
	}
	var listed []string
	p := iotdataplane.NewListRetainedMessagesPaginator(sdk, &iotdataplane.ListRetainedMessagesInput{MaxResults: aws.Int32(2)})
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, s := range out.RetainedTopics {
			listed = append(listed, *s.Topic)
			if s.PayloadSize != 3 {
				t.Errorf("%s: payloadSize %d, want 3", *s.Topic, s.PayloadSize)
			}
		}
	}
	if strings.Join(listed, ",") != strings.Join(topics, ",") || pages != 3 {
		t.Fatalf("ListRetainedMessages: got %v in %d pages, want %v in 3 (no $SYS)", listed, pages, topics)
	}
	// Empty payload with retain=true clears.
	if _, err := sdk.Publish(ctx, &iotdataplane.PublishInput{Topic: aws.String("r/5"), Retain: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := sdk.GetRetainedMessage(ctx, &iotdataplane.GetRetainedMessageInput{Topic: aws.String("r/5")}); err == nil {
		t.Fatal("r/5 still retained after an empty retained publish")
	}
	// The AWS CLI agrees.
	cli := awsCLI(t)
	cmd := exec.Command(cli, "iot-data", "list-retained-messages", "--endpoint-url", emu.Endpoint())
	cmd.Env = awsEnv()
	out, err := cmd.Output()
	cmdEnv(t, err)
	if !strings.Contains(string(out), `"r/4"`) || strings.Contains(string(out), `"r/5"`) {
		t.Fatalf("aws iot-data list-retained-messages: got %s", out)
	}
}

// cmdEnv reports a CLI failure; the CLI runs with awsEnv.
func cmdEnv(t *testing.T, err error) {
	t.Helper()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		t.Fatalf("aws: %v: %s", err, ee.Stderr)
	} else if err != nil {
		t.Fatal(err)
	}
}

func TestChecklist21ListNamedShadowsUnknownThing(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	out, err := dataClient(emu).ListNamedShadowsForThing(context.Background(),
		&iotdataplane.ListNamedShadowsForThingInput{ThingName: aws.String("no-such-thing")})
	if err != nil || len(out.Results) != 0 || out.NextToken != nil {
		t.Fatalf("got %+v %v, want 200 with empty results", out, err)
	}
}

// TestConnectionAPIs: GetConnection, ListSubscriptions, SendDirectMessage
// (with and without a PUBACK) and DeleteConnection with the SDK.
func TestConnectionAPIs(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	rec := record(t, emu, "will/#", "$aws/events/presence/disconnected/#")
	sdk := dataClient(emu)
	ctx := context.Background()
	dev := emu.Connect5(t, &paho5.Connect{ClientID: "dev-1", CleanStart: true, KeepAlive: 60,
		WillMessage: &paho5.WillMessage{Topic: "will/dev-1", Payload: []byte("bye")}})
	dev.Subscribe(t, "cmd/+", 1)
	conn, err := sdk.GetConnection(ctx, &iotdataplane.GetConnectionInput{ClientId: aws.String("dev-1"), IncludeSocketInformation: true})
	if err != nil || !conn.Connected || conn.KeepAliveDuration != 60 || *conn.SourceIp != "127.0.0.1" || conn.TargetPort == 0 || !conn.CleanSession {
		t.Fatalf("GetConnection: got %+v %v", conn, err)
	}
	subs, err := sdk.ListSubscriptions(ctx, &iotdataplane.ListSubscriptionsInput{ClientId: aws.String("dev-1")})
	if err != nil || len(subs.Subscriptions) != 1 || *subs.Subscriptions[0].TopicFilter != "cmd/+" || subs.Subscriptions[0].Qos != 1 {
		t.Fatalf("ListSubscriptions: got %+v %v", subs, err)
	}
	_, err = sdk.SendDirectMessage(ctx, &iotdataplane.SendDirectMessageInput{ClientId: aws.String("dev-1"),
		Topic: aws.String("direct/x"), Payload: []byte{1, 2}, Confirmation: true, Timeout: 2})
	if err != nil {
		t.Fatalf("SendDirectMessage with confirmation: %v", err)
	}
	if got := dev.Received().Next(t, wait); got.Topic != "direct/x" || got.QoS != 1 || !bytes.Equal(got.Payload, []byte{1, 2}) {
		t.Fatalf("direct message: got %+v", got)
	}
	// A client that never acknowledges: 504 GatewayTimeoutException.
	r, _, _ := dialRaw(t, emu.Server().MQTTAddr(), 4, "silent", nil)
	_, err = sdk.SendDirectMessage(ctx, &iotdataplane.SendDirectMessageInput{ClientId: aws.String("silent"),
		Topic: aws.String("direct/y"), Payload: []byte("x"), Confirmation: true, Timeout: 1})
	var gt *types.GatewayTimeoutException
	if !errors.As(err, &gt) {
		t.Fatalf("no PUBACK: got %T %v, want GatewayTimeoutException", err, err)
	}
	_ = r
	// DeleteConnection: DISCONNECT 0x98, Will sent, API_INITIATED_DISCONNECT.
	if _, err := sdk.DeleteConnection(ctx, &iotdataplane.DeleteConnectionInput{ClientId: aws.String("dev-1")}); err != nil {
		t.Fatal(err)
	}
	if d, ok := dev.WaitDisconnect(wait); !ok || d.ReasonCode != 0x98 {
		t.Fatalf("DeleteConnection: got %v, want DISCONNECT 0x98", d)
	}
	evs := rec.waitFor(t, "$aws/events/presence/disconnected/dev-1")
	if len(evs) < 2 || evs[len(evs)-2].Topic != "will/dev-1" || event(t, evs[len(evs)-1])["disconnectReason"] != "API_INITIATED_DISCONNECT" {
		t.Fatalf("got %v, want the Will then API_INITIATED_DISCONNECT", evs)
	}
	after, err := sdk.GetConnection(ctx, &iotdataplane.GetConnectionInput{ClientId: aws.String("dev-1")})
	if err != nil || after.Connected || *after.DisconnectReason != "API_INITIATED_DISCONNECT" || after.DisconnectedSince == 0 {
		t.Fatalf("GetConnection after delete: got %+v %v", after, err)
	}
	// preventWillMessage suppresses the Will.
	emu.Connect5(t, &paho5.Connect{ClientID: "dev-2", CleanStart: true, KeepAlive: 60,
		WillMessage: &paho5.WillMessage{Topic: "will/dev-2", Payload: []byte("bye")}})
	if _, err := sdk.DeleteConnection(ctx, &iotdataplane.DeleteConnectionInput{ClientId: aws.String("dev-2"), PreventWillMessage: true}); err != nil {
		t.Fatal(err)
	}
	evs = rec.waitFor(t, "$aws/events/presence/disconnected/dev-2")
	if evs[len(evs)-2].Topic == "will/dev-2" {
		t.Fatal("preventWillMessage: the Will was published")
	}
	stillServing(t, emu)
}
