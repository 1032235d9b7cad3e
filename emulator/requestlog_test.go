package emulator_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/apigatewaymanagementapi"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iotdataplane"
	"github.com/gorilla/websocket"

	"github.com/iotemu/iotemu/apigw"
	"github.com/iotemu/iotemu/emulator"
	"github.com/iotemu/iotemu/testkit"
)

// logCapture is a slog handler keeping every record's message and
// attributes, for tests that assert the request log; the handlers derived
// by WithAttrs share its sink.
type logCapture struct {
	level slog.Level
	sink  *logSink
	attrs []slog.Attr
}

type logSink struct {
	mu    sync.Mutex
	lines []capturedLine
}

type capturedLine struct {
	level slog.Level
	msg   string
	attrs map[string]string
}

func (l capturedLine) String() string { return fmt.Sprintf("%s %q %v", l.level, l.msg, l.attrs) }

func newLogCapture(level slog.Level) *logCapture { return &logCapture{level: level, sink: &logSink{}} }

func (h *logCapture) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level }

func (h *logCapture) Handle(_ context.Context, r slog.Record) error {
	line := capturedLine{level: r.Level, msg: r.Message, attrs: map[string]string{}}
	for _, a := range h.attrs {
		line.attrs[a.Key] = a.Value.String()
	}
	r.Attrs(func(a slog.Attr) bool { line.attrs[a.Key] = a.Value.String(); return true })
	h.sink.mu.Lock()
	h.sink.lines = append(h.sink.lines, line)
	h.sink.mu.Unlock()
	return nil
}

func (h *logCapture) WithAttrs(as []slog.Attr) slog.Handler {
	return &logCapture{level: h.level, sink: h.sink, attrs: append(append([]slog.Attr{}, h.attrs...), as...)}
}

func (h *logCapture) WithGroup(string) slog.Handler { return h }

// wait returns the first line whose message contains msg and whose
// attributes include attrs, waiting up to 5 s.
func (h *logCapture) wait(t *testing.T, msg string, attrs map[string]string) capturedLine {
	t.Helper()
	var found capturedLine
	testkit.Eventually(t, 5*time.Second, func() error {
		h.sink.mu.Lock()
		defer h.sink.mu.Unlock()
	lines:
		for _, l := range h.sink.lines {
			if !strings.Contains(l.msg, msg) {
				continue
			}
			for k, v := range attrs {
				if l.attrs[k] != v {
					continue lines
				}
			}
			found = l
			return nil
		}
		return fmt.Errorf("no log line %q with %v among %d lines", msg, attrs, len(h.sink.lines))
	})
	return found
}

// TestRequestLogHTTPAndMQTT: at info, one line per HTTP operation named
// as the model names it, per MQTT CONNECT, SUBSCRIBE, PUBLISH and
// disconnect, per rule match and action outcome; payloads only at debug.
func TestRequestLogHTTPAndMQTT(t *testing.T) {
	t.Parallel()
	logs := newLogCapture(slog.LevelInfo)
	emu := testkit.Start(t, testkit.WithLogger(slog.New(logs)))
	ctx := context.Background()
	if _, err := iotClient(emu).CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String("log-thing")}); err != nil {
		t.Fatal(err)
	}
	logs.wait(t, "iot.CreateThing => 200", map[string]string{"op": "iot.CreateThing", "status": "200"})
	_, err := iotClient(emu).DescribeThing(ctx, &iot.DescribeThingInput{ThingName: aws.String("missing")})
	if err == nil {
		t.Fatal("DescribeThing of a missing thing succeeded")
	}
	logs.wait(t, "iot.DescribeThing => 404 ResourceNotFoundException", map[string]string{"errorType": "ResourceNotFoundException"})
	if _, err := iotClient(emu).ListAuditFindings(ctx, &iot.ListAuditFindingsInput{}); err == nil {
		t.Fatal("an unemulated operation succeeded")
	}
	logs.wait(t, "iot.ListAuditFindings => 501 NotImplementedException", nil)

	emu.AddRule(t, "log_rule", "SELECT * FROM 'log/+'")
	if _, err := iotClient(emu).CreateTopicRule(ctx, &iot.CreateTopicRuleInput{RuleName: aws.String("log_republish"),
		TopicRulePayload: republishPayload("SELECT * FROM 'log/+' WHERE t > 0", "log-out/${topic()}")}); err != nil {
		t.Fatal(err)
	}
	c := emu.Connect(t, "log-client")
	logs.wait(t, "MQTT CONNECT log-client => accepted", map[string]string{"client": "log-client", "transport": "mqtt", "result": "accepted"})
	c.Subscribe(t, "log/#", 1)
	logs.wait(t, "MQTT SUBSCRIBE log/# from log-client => granted QoS 1", map[string]string{"filter": "log/#"})
	c.Publish(t, "log/a", 1, false, []byte(`{"t":1}`))
	line := logs.wait(t, "MQTT PUBLISH log/a from log-client => accepted", map[string]string{"qos": "1", "bytes": "7"})
	if _, ok := line.attrs["payload"]; ok {
		t.Errorf("the payload is logged at info: %v", line)
	}
	logs.wait(t, "rule log_republish matched log/a", map[string]string{"fired": "true", "client": "log-client"})
	logs.wait(t, "rule log_republish action republish => ok", map[string]string{"resource": "log-out/log/a"})
	c.Publish(t, "log/b", 1, false, []byte(`{"t":0}`))
	logs.wait(t, "rule log_republish matched log/b (WHERE false)", map[string]string{"fired": "false"})
	c.Disconnect()
	logs.wait(t, "MQTT disconnect log-client => ", nil)
}

// TestRequestLogPayloadAtDebug: at debug the PUBLISH line carries the
// payload, as text when it is UTF-8 and in base64 otherwise.
func TestRequestLogPayloadAtDebug(t *testing.T) {
	t.Parallel()
	logs := newLogCapture(slog.LevelDebug)
	emu := testkit.Start(t, testkit.WithLogger(slog.New(logs)))
	c := emu.Connect(t, "debug-client")
	c.Publish(t, "dbg/text", 0, false, []byte("hello"))
	logs.wait(t, "MQTT PUBLISH dbg/text", map[string]string{"payload": "hello"})
	c.Publish(t, "dbg/bin", 0, false, []byte{0xff, 0x00})
	logs.wait(t, "MQTT PUBLISH dbg/bin", map[string]string{"payloadBase64": "/wA="})
}

// TestRequestLogAPIGateway: a connection, a routed message and a post to
// the connection each have their line.
func TestRequestLogAPIGateway(t *testing.T) {
	t.Parallel()
	logs := newLogCapture(slog.LevelInfo)
	emu := testkit.Start(t, testkit.WithLogger(slog.New(logs)), testkit.WithWebSocketAPI(apigw.API{ID: "logapi0001", Stage: "logs",
		Routes: []apigw.Route{{Key: "$default", Integration: apigw.Mock{Body: "ok"}}}}))
	ws, _, err := websocket.DefaultDialer.Dial(emu.WebSocketAPIURL("logs"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	line := logs.wait(t, "API Gateway $connect logs => 101 connected", nil)
	if err := ws.WriteMessage(websocket.TextMessage, []byte(`{"action":"x"}`)); err != nil {
		t.Fatal(err)
	}
	logs.wait(t, "API Gateway route $default from "+line.attrs["connectionId"], nil)
	mgmt := apigatewaymanagementapi.New(apigatewaymanagementapi.Options{BaseEndpoint: aws.String(emu.ConnectionsEndpoint("logs")),
		Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")})
	if _, err := mgmt.PostToConnection(context.Background(), &apigatewaymanagementapi.PostToConnectionInput{
		ConnectionId: aws.String(line.attrs["connectionId"]), Data: []byte("hi")}); err != nil {
		t.Fatal(err)
	}
	logs.wait(t, "API Gateway PostToConnection "+line.attrs["connectionId"]+" => 200", nil)
}

// denyPolicy allows connecting and publishing to logs/*, and denies
// logs/secret in a statement with a Sid.
const denyPolicy = `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":"iot:Connect","Resource":"*"},
 {"Effect":"Allow","Action":"iot:Publish","Resource":"arn:aws:iot:us-east-1:123456789012:topic/logs/*"},
 {"Sid":"NoSecret","Effect":"Deny","Action":"iot:Publish","Resource":"arn:aws:iot:us-east-1:123456789012:topic/logs/secret"}]}`

// TestRequestLogDenials: every strict-mode denial names the action, the
// resource and the deciding statement, or says that no statement allows;
// the iot-data operation's line carries AWS's error type.
func TestRequestLogDenials(t *testing.T) {
	t.Parallel()
	logs := newLogCapture(slog.LevelInfo)
	reader := emulator.Credential{AccessKeyID: "AKIDREADER", SecretAccessKey: "s", PolicyDocuments: []string{
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:GetRetainedMessage","Resource":"*"}]}`}}
	emu := testkit.Start(t, testkit.WithLogger(slog.New(logs)), testkit.WithStrictAuth(cliCredential, reader))
	d := emu.CreateDevice(t, "log-device", denyPolicy)

	emu.Connect(t, "log-device", emu.AsDevice(d)).Publish(t, "logs/secret", 0, false, []byte("x"))
	line := logs.wait(t, "denied iot:Publish on arn:aws:iot:us-east-1:123456789012:topic/logs/secret", map[string]string{
		"client": "log-device", "effect": "ExplicitDeny", "policy": d.PolicyName, "statement": "2", "sid": "NoSecret"})
	if !strings.Contains(line.msg, `denied by policy "`+d.PolicyName+`" statement 2 (Sid "NoSecret")`) {
		t.Errorf("denial line %v does not name the statement", line)
	}
	logs.wait(t, "MQTT PUBLISH logs/secret from log-device => denied by policy", nil)

	emu.Connect(t, "log-device", emu.AsDevice(d)).Publish(t, "elsewhere", 0, false, []byte("x"))
	logs.wait(t, "denied iot:Publish on arn:aws:iot:us-east-1:123456789012:topic/elsewhere: no statement allows",
		map[string]string{"effect": "ImplicitDeny"})

	data := iotdataplane.New(iotdataplane.Options{BaseEndpoint: aws.String(emu.Endpoint()), Region: "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("AKIDREADER", "s", "")})
	if _, err := data.Publish(context.Background(), &iotdataplane.PublishInput{Topic: aws.String("logs/http")}); err == nil {
		t.Fatal("a denied Publish succeeded")
	}
	logs.wait(t, "denied iot:Publish on arn:aws:iot:us-east-1:123456789012:topic/logs/http: no statement allows", nil)
	logs.wait(t, "iot-data.Publish => 403 ForbiddenException", map[string]string{"op": "iot-data.Publish"})
}
