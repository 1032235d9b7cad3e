package emulator_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	iottypes "github.com/aws/aws-sdk-go-v2/service/iot/types"
	paho5 "github.com/eclipse/paho.golang/paho"
	paho "github.com/eclipse/paho.mqtt.golang"
	"github.com/gorilla/websocket"

	"github.com/iotemu/iotemu/clock"
	"github.com/iotemu/iotemu/emulator"
	"github.com/iotemu/iotemu/jobs"
	"github.com/iotemu/iotemu/testkit"
)

// The services' time-dependent behaviour on a fake clock, and the clock
// over HTTP.

// clockHTTP sends a request to /iotemu/clock and returns status and body.
func clockHTTP(t *testing.T, emu *testkit.Emulator, method, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, emu.Endpoint()+"/iotemu/clock", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestClockHTTP: GET /iotemu/clock tells the time; POST advances or sets a
// manual clock (firing what fell due before it answers); bad requests get
// 400, a wall clock 409.
func TestClockHTTP(t *testing.T) {
	t.Parallel()
	start := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	fake := testkit.NewFakeClock()
	fake.Set(start)
	emu := testkit.Start(t, testkit.WithClock(fake))
	if code, body := clockHTTP(t, emu, http.MethodGet, ""); code != 200 || body != `{"now":"2030-01-01T00:00:00Z","manual":true}`+"\n" {
		t.Fatalf("GET: %d %s", code, body)
	}
	fired := make(chan struct{})
	fake.AfterFunc(5*time.Minute, func() { close(fired) })
	if code, body := clockHTTP(t, emu, http.MethodPost, `{"advance":"5m"}`); code != 200 || !strings.Contains(body, `"now":"2030-01-01T00:05:00Z"`) {
		t.Fatalf("advance: %d %s", code, body)
	}
	select {
	case <-fired:
	default:
		t.Fatal("the timer due at +5m had not fired when POST answered")
	}
	if code, body := clockHTTP(t, emu, http.MethodPost, `{"set":"2030-01-02T00:00:00Z"}`); code != 200 || !strings.Contains(body, `"now":"2030-01-02T00:00:00Z"`) {
		t.Fatalf("set: %d %s", code, body)
	}
	for name, body := range map[string]string{
		"not JSON":         `advance 5m`,
		"bad duration":     `{"advance":"five minutes"}`,
		"negative":         `{"advance":"-5m"}`,
		"set in the past":  `{"set":"2029-01-01T00:00:00Z"}`,
		"both":             `{"advance":"1s","set":"2031-01-01T00:00:00Z"}`,
		"neither":          `{}`,
		"oversized":        `{"advance":"` + strings.Repeat("9", 5000) + `s"}`,
		"bad set":          `{"set":"tomorrow"}`,
		"unexpected value": `{"advance":5}`,
	} {
		if code, got := clockHTTP(t, emu, http.MethodPost, body); code != 400 || !strings.Contains(got, `"message":`) {
			t.Errorf("%s: %d %s, want 400 with a message", name, code, got)
		}
	}
	if !fake.Now().Equal(start.Add(24 * time.Hour)) {
		t.Errorf("a refused request moved the clock to %v", fake.Now())
	}

	wall := testkit.Start(t)
	if code, body := clockHTTP(t, wall, http.MethodPost, `{"advance":"5m"}`); code != 409 || !strings.Contains(body, "-clock manual") {
		t.Errorf("wall clock: %d %s, want 409", code, body)
	}
	if code, body := clockHTTP(t, wall, http.MethodGet, ""); code != 200 || !strings.Contains(body, `"manual":false`) {
		t.Errorf("wall clock GET: %d %s", code, body)
	}
}

// TestClockThingTypeDeprecation: a deprecated thing type can be deleted
// only 5 minutes after its deprecation, on the emulator's clock.
func TestClockThingTypeDeprecation(t *testing.T) {
	t.Parallel()
	fake := testkit.NewFakeClock()
	emu := testkit.Start(t, testkit.WithClock(fake))
	c, ctx := iotClient(emu), context.Background()
	name := aws.String("clocked")
	if _, err := c.CreateThingType(ctx, &iot.CreateThingTypeInput{ThingTypeName: name}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeprecateThingType(ctx, &iot.DeprecateThingTypeInput{ThingTypeName: name}); err != nil {
		t.Fatal(err)
	}
	fake.Advance(4*time.Minute + 59*time.Second)
	_, err := c.DeleteThingType(ctx, &iot.DeleteThingTypeInput{ThingTypeName: name})
	wantAPIError(t, err, "InvalidRequestException", 400)
	fake.Advance(time.Second)
	if _, err := c.DeleteThingType(ctx, &iot.DeleteThingTypeInput{ThingTypeName: name}); err != nil {
		t.Fatalf("delete 5 min after deprecation: %v", err)
	}
}

// TestClockCustomAuthDeadlines: disconnectAfterInSeconds (300 s) ends the
// connection after 300 s of the fake clock, not 299; refreshAfterInSeconds
// invokes the authorizer again at 300 s. (Keep-alive 1200 s: its 1800 s
// deadline is beyond the test.)
func TestClockCustomAuthDeadlines(t *testing.T) {
	t.Parallel()
	fake := testkit.NewFakeClock()
	emu := startCustomAuth(t, testkit.WithClock(fake),
		testkit.WithConfig(func(c *emulator.Config) { c.Limits.CustomAuthSecond = time.Second }))
	rec := record(t, emu.Emulator, "$aws/events/presence/disconnected/#", "cad/sentinel/#")
	c := emu.Connect5(t, &paho5.Connect{ClientID: "cad-ttl", CleanStart: true, KeepAlive: 1200,
		Username: username("tok", "ttl:dan", nil), UsernameFlag: true})
	emu.Connect5(t, &paho5.Connect{ClientID: "cad-rf", CleanStart: true, KeepAlive: 1200,
		Username: username("tok", "refresh:eve", nil), UsernameFlag: true})
	waitArmedN(t, fake, 2, 299*time.Second, 300*time.Second)
	fake.Advance(299 * time.Second)
	noEventYet(t, emu.Emulator, rec, "$aws/events/presence/disconnected/cad-ttl", "cad/sentinel/1")
	if n := emu.fn.count("refresh:eve"); n != 1 {
		t.Fatalf("authorizer invoked %d times for refresh:eve before 300 s, want 1", n)
	}
	fake.Advance(time.Second)
	if d, ok := c.WaitDisconnect(wait); !ok || d.ReasonCode != 0xA0 {
		t.Fatalf("disconnect: %+v %v", d, ok)
	}
	evs := rec.waitFor(t, "$aws/events/presence/disconnected/cad-ttl")
	if ev := event(t, evs[len(evs)-1]); ev["disconnectReason"] != "CUSTOMAUTH_TTL_EXPIRATION" {
		t.Fatalf("event: %v", ev)
	}
	testkit.Eventually(t, wait, func() error {
		if emu.fn.count("refresh:eve") < 2 {
			return errNotYet
		}
		return nil
	})
}

// TestClockSigV4Window: a request signed at the emulator's "now" is
// accepted; the same signature is expired once the fake clock has moved
// 10 minutes, and a presigned /mqtt URL likewise.
func TestClockSigV4Window(t *testing.T) {
	t.Parallel()
	fake := testkit.NewFakeClock()
	emu := testkit.Start(t, testkit.WithClock(fake), testkit.WithStrictAuth(webCredential, cliCredential))
	at := fake.Now()
	if status, _, body := signedRequest(t, emu, http.MethodPost, "/topics/web%2Fnews", "x", webCredential, at); status != 200 {
		t.Fatalf("signed now: %d %s", status, body)
	}
	host := strings.TrimSuffix(strings.TrimPrefix(emu.WebSocketURL(), "ws://"), "/mqtt")
	presigned := presignWS(host, webCredential, at)
	fake.Advance(10 * time.Minute)
	if status, errType, body := signedRequest(t, emu, http.MethodPost, "/topics/web%2Fnews", "x", webCredential, at); status != 403 ||
		!strings.HasPrefix(errType, "InvalidSignatureException") {
		t.Fatalf("signed 10 min ago: %d %s %s", status, errType, body)
	}
	wsRefused(t, presigned, "InvalidSignatureException", "Signature expired")
}

// TestClockCertificateValidity: in strict mode a registered, ACTIVE
// certificate connects until its notAfter on the emulator's clock, and is
// refused after it; registering it is refused too.
func TestClockCertificateValidity(t *testing.T) {
	t.Parallel()
	fake := testkit.NewFakeClock()
	emu := testkit.Start(t, testkit.WithClock(fake), testkit.WithStrictAuth())
	dev := emu.CreateDevice(t, "clock-dev", allowAllPolicy)
	c := emu.Connect(t, "clock-dev", emu.AsDevice(dev))
	c.Disconnect()
	fake.Set(dev.Certificate.Leaf.NotAfter.Add(time.Second))
	o := paho.NewClientOptions().SetClientID("clock-dev").SetAutoReconnect(false).SetConnectRetry(false)
	emu.AsDevice(dev)(o)
	late := paho.NewClient(o)
	if tok := late.Connect(); !tok.WaitTimeout(wait) || tok.Error() == nil {
		late.Disconnect(0)
		t.Fatal("connected with a certificate past its notAfter")
	}
}

// clockAPIGateway starts an emulator on a fake clock with a WebSocket API
// whose "hello" route answers "hi", and connects a client to it.
func clockAPIGateway(t *testing.T) (*clock.Fake, *websocket.Conn) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "apis.yaml")
	fixture := "apis:\n  - name: clocked\n    stage: prod\n    routes:\n      - key: hello\n        routeResponseSelectionExpression: $default\n        integration: {mock: {body: hi}}\n"
	if err := os.WriteFile(path, []byte(fixture), 0o600); err != nil {
		t.Fatal(err)
	}
	fake := testkit.NewFakeClock()
	emu := testkit.Start(t, testkit.WithClock(fake), testkit.WithFixtures(path))
	ws, _, err := websocket.DefaultDialer.Dial(emu.WebSocketAPIURL("prod"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ws.Close() })
	return fake, ws
}

// TestClockAPIGatewayIdle: an API Gateway WebSocket connection idle for
// 10 minutes of the fake clock is closed with 1001 Going away.
func TestClockAPIGatewayIdle(t *testing.T) {
	t.Parallel()
	fake, ws := clockAPIGateway(t)
	waitArmed(t, fake, 9*time.Minute, 10*time.Minute)
	fake.Advance(9 * time.Minute)
	_ = ws.SetReadDeadline(time.Now().Add(wait))
	_ = ws.WriteMessage(websocket.TextMessage, []byte(`{"action":"hello"}`))
	if _, got, err := ws.ReadMessage(); err != nil || string(got) != "hi" {
		t.Fatalf("after 9 idle minutes: %q %v", got, err)
	}
	// The message counted as activity: 10 minutes after it, not after the
	// connect, the connection closes.
	fake.Advance(9 * time.Minute)
	_ = ws.WriteMessage(websocket.TextMessage, []byte(`{"action":"hello"}`))
	if _, got, err := ws.ReadMessage(); err != nil || string(got) != "hi" {
		t.Fatalf("9 minutes after the last message: %q %v", got, err)
	}
	// The idle timer, armed for 19 minutes before the message, re-arms
	// itself inside this Advance for 28 and fires there.
	fake.Advance(10 * time.Minute)
	_, _, err := ws.ReadMessage()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.CloseGoingAway {
		t.Fatalf("after 10 idle minutes: %v, want close 1001", err)
	}
}

// TestClockAPIGatewayMaxDuration: an API Gateway WebSocket connection that
// stays active (a message every 9 minutes of the fake clock) is closed at
// API Gateway's 2-hour connection limit, with 1001 Going away.
// AWS: https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html#apigateway-execution-service-websocket-limits-table
func TestClockAPIGatewayMaxDuration(t *testing.T) {
	t.Parallel()
	fake, ws := clockAPIGateway(t)
	waitArmed(t, fake, 9*time.Minute, 10*time.Minute)
	for elapsed := 9 * time.Minute; elapsed < 2*time.Hour; elapsed += 9 * time.Minute {
		fake.Advance(9 * time.Minute)
		_ = ws.SetReadDeadline(time.Now().Add(wait))
		_ = ws.WriteMessage(websocket.TextMessage, []byte(`{"action":"hello"}`))
		if _, got, err := ws.ReadMessage(); err != nil || string(got) != "hi" {
			t.Fatalf("after %v: %q %v", elapsed, got, err)
		}
	}
	// 117 minutes in: the 2-hour limit falls before the idle one.
	fake.Advance(3 * time.Minute)
	_ = ws.SetReadDeadline(time.Now().Add(wait))
	_, _, err := ws.ReadMessage()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.CloseGoingAway {
		t.Fatalf("at 2 hours: %v, want close 1001", err)
	}
}

// TestClockJobTimeout: an execution IN_PROGRESS longer than the job's
// inProgressTimeoutInMinutes (5) becomes TIMED_OUT once the fake clock has
// moved 5 minutes, not at 4.
func TestClockJobTimeout(t *testing.T) {
	t.Parallel()
	fake := testkit.NewFakeClock()
	emu := testkit.Start(t, testkit.WithClock(fake), testkit.WithThing("clock-job-thing", nil))
	c, ctx := iotClient(emu), context.Background()
	thing, err := c.DescribeThing(ctx, &iot.DescribeThingInput{ThingName: aws.String("clock-job-thing")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateJob(ctx, &iot.CreateJobInput{JobId: aws.String("clock-job"), Targets: []string{aws.ToString(thing.ThingArn)},
		Document: aws.String(`{"op":"x"}`), TimeoutConfig: &iottypes.TimeoutConfig{InProgressTimeoutInMinutes: aws.Int64(5)}}); err != nil {
		t.Fatal(err)
	}
	dp := emu.Server().Jobs().DataPlane()
	if _, err := dp.UpdateJobExecution(ctx, jobs.UpdateJobExecutionInput{JobID: "clock-job", ThingName: "clock-job-thing", Status: "IN_PROGRESS"}); err != nil {
		t.Fatal(err)
	}
	status := func() string {
		out, err := c.DescribeJobExecution(ctx, &iot.DescribeJobExecutionInput{JobId: aws.String("clock-job"), ThingName: aws.String("clock-job-thing")})
		if err != nil {
			t.Fatal(err)
		}
		return string(out.Execution.Status)
	}
	fake.Advance(4 * time.Minute)
	// The jobs goroutine acts on the clock's tick after Advance returns;
	// running its Tick here makes the "not yet" check deterministic.
	if err := emu.Server().Jobs().Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if s := status(); s != "IN_PROGRESS" {
		t.Fatalf("after 4 min: %s", s)
	}
	fake.Advance(time.Minute + time.Second)
	testkit.Eventually(t, wait, func() error {
		if status() != "TIMED_OUT" {
			return errNotYet
		}
		return nil
	})
}

// TestClockJobRollout: a job with maximumPerMinute 2 over five things
// queues two executions in its first minute of the fake clock, two more
// in the next, the last in the third.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-configurations-details.html#job-rollout-using
func TestClockJobRollout(t *testing.T) {
	t.Parallel()
	fake := testkit.NewFakeClock()
	opts := []testkit.Option{testkit.WithClock(fake)}
	for i := range 5 {
		opts = append(opts, testkit.WithThing(fmt.Sprintf("rollout-%d", i), nil))
	}
	emu := testkit.Start(t, opts...)
	c, ctx := iotClient(emu), context.Background()
	var targets []string
	for i := range 5 {
		thing, err := c.DescribeThing(ctx, &iot.DescribeThingInput{ThingName: aws.String(fmt.Sprintf("rollout-%d", i))})
		if err != nil {
			t.Fatal(err)
		}
		targets = append(targets, aws.ToString(thing.ThingArn))
	}
	if _, err := c.CreateJob(ctx, &iot.CreateJobInput{JobId: aws.String("clock-rollout"), Targets: targets, Document: aws.String(`{"op":"x"}`),
		JobExecutionsRolloutConfig: &iottypes.JobExecutionsRolloutConfig{MaximumPerMinute: aws.Int32(2)}}); err != nil {
		t.Fatal(err)
	}
	executions := func() int {
		out, err := c.ListJobExecutionsForJob(ctx, &iot.ListJobExecutionsForJobInput{JobId: aws.String("clock-rollout")})
		if err != nil {
			t.Fatal(err)
		}
		return len(out.ExecutionSummaries)
	}
	// Tick after each Advance, as the jobs goroutine would on the clock's
	// tick, so that each count is deterministic.
	for minute, want := range []int{2, 4, 5} {
		if minute > 0 {
			fake.Advance(time.Minute)
		}
		if err := emu.Server().Jobs().Tick(ctx); err != nil {
			t.Fatal(err)
		}
		if n := executions(); n != want {
			t.Fatalf("minute %d: %d executions, want %d", minute, n, want)
		}
	}
}
