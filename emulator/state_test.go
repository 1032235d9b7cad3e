package emulator_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/gorilla/websocket"

	"github.com/iotemu/iotemu/apigw"
	"github.com/iotemu/iotemu/emulator"
	"github.com/iotemu/iotemu/testkit"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files of emulator/testdata")

// stateFixtures is the start state the reset test returns to.
const stateFixtures = `
things:
  - name: fixture-thing
    attributes: {room: hall}
shadows:
  - thing: fixture-thing
    document: {"state": {"reported": {"on": true}}}
rules:
  - name: fixture_rule
    topicRulePayload:
      sql: "SELECT * FROM 'fixture/in'"
      actions: [{republish: {topic: fixture/out, roleArn: "arn:aws:iam::123456789012:role/r"}}]
`

// fillEveryArea puts something in every area of the state: an MQTT client
// with a subscription, a retained message, a shadow, a thing with a
// certificate, a rule that matched and ran its action, an API Gateway
// connection and a job.
func fillEveryArea(t *testing.T, emu *testkit.Emulator) {
	t.Helper()
	ctx := context.Background()
	c := emu.Connect(t, "device-1")
	c.Subscribe(t, "dev/#", 1)
	c.Publish(t, "dev/status", 1, true, []byte("online"))
	emu.UpdateShadow(t, "thing-1", "", `{"state":{"reported":{"temp":21}}}`)
	cp := iotClient(emu)
	if _, err := cp.CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String("thing-1")}); err != nil {
		t.Fatal(err)
	}
	cert, err := cp.CreateKeysAndCertificate(ctx, &iot.CreateKeysAndCertificateInput{SetAsActive: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cp.AttachThingPrincipal(ctx, &iot.AttachThingPrincipalInput{ThingName: aws.String("thing-1"), Principal: cert.CertificateArn}); err != nil {
		t.Fatal(err)
	}
	if _, err := cp.CreateTopicRule(ctx, &iot.CreateTopicRuleInput{RuleName: aws.String("state_rule"),
		TopicRulePayload: republishPayload("SELECT * FROM 'dev/+'", "out/${topic()}")}); err != nil {
		t.Fatal(err)
	}
	c.Publish(t, "dev/temp", 1, false, []byte(`{"t":21}`))
	emu.WaitActionRecord(t, "state_rule", "republish", 5*time.Second)
	ws, _, err := websocket.DefaultDialer.Dial(emu.WebSocketAPIURL("prod"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ws.Close() })
	emu.CreateJob(t, "job-1", `{"op":"reboot"}`, "thing-1")
	testkit.Eventually(t, 5*time.Second, func() error {
		if st := emu.State(t); len(st.APIGateway) != 1 || len(st.Rules) == 0 || len(st.Rules[0].RecentMatches) == 0 {
			return errors.New("the API Gateway connection or the rule match is not in the state yet")
		}
		return nil
	})
}

func stateAPI() testkit.Option {
	return testkit.WithWebSocketAPI(apigw.API{ID: "stateapi01", Name: "state", Stage: "prod",
		Routes: []apigw.Route{{Key: "$default", Integration: apigw.Mock{Body: "ok"}}}})
}

// TestStateGolden: GET /iotemu/state with every area filled has the
// documented shape (emulator/testdata/state_full.json, volatile values
// masked); GET /iotemu/state/{area} answers one area.
func TestStateGolden(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t, stateAPI(), testkit.WithConfig(func(c *emulator.Config) { c.Compat.ECDSAKeysAndCertificate = true }))
	fillEveryArea(t, emu)
	status, body := httpDo(t, http.MethodGet, emu.Endpoint()+"/iotemu/state")
	if status != http.StatusOK {
		t.Fatalf("GET /iotemu/state: %d %s", status, body)
	}
	golden(t, "state_full.json", body)
	status, body = httpDo(t, http.MethodGet, emu.Endpoint()+"/iotemu/state/connections")
	if status != http.StatusOK {
		t.Fatalf("GET /iotemu/state/connections: %d %s", status, body)
	}
	golden(t, "state_connections.json", body)
	if status, body := httpDo(t, http.MethodGet, emu.Endpoint()+"/iotemu/state/nope"); status != http.StatusNotFound {
		t.Fatalf("GET /iotemu/state/nope: %d %s, want 404", status, body)
	}
}

// TestResetEmptiesEveryArea: after every area is filled, POST /iotemu/reset
// leaves each empty (golden state_empty.json), and the emulator serves on.
func TestResetEmptiesEveryArea(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t, stateAPI(), testkit.WithConfig(func(c *emulator.Config) { c.Compat.ECDSAKeysAndCertificate = true }))
	fillEveryArea(t, emu)
	if status, body := httpDo(t, http.MethodPost, emu.Endpoint()+"/iotemu/reset"); status != http.StatusNoContent {
		t.Fatalf("POST /iotemu/reset: %d %s", status, body)
	}
	st := emu.State(t)
	for area, n := range map[string]int{
		"connections": len(st.Connections), "retained": len(st.Retained), "shadows": len(st.Shadows),
		"things": len(st.Things), "certificates": len(st.Certificates), "rules": len(st.Rules),
		"apigw": len(st.APIGateway), "jobs": len(st.Jobs),
	} {
		if n != 0 {
			t.Errorf("after reset, %s has %d entries", area, n)
		}
	}
	_, body := httpDo(t, http.MethodGet, emu.Endpoint()+"/iotemu/state")
	golden(t, "state_empty.json", body)
	// The same client ID connects again, and a thing of the same name can
	// be created again.
	emu.Connect(t, "device-1").Subscribe(t, "dev/#", 1)
	if _, err := iotClient(emu).CreateThing(context.Background(), &iot.CreateThingInput{ThingName: aws.String("thing-1")}); err != nil {
		t.Fatal(err)
	}
}

// TestResetReappliesFixtures: a reset returns to the fixtures' start
// state, and a reset of one area leaves the others alone.
func TestResetReappliesFixtures(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "fixtures.yaml")
	if err := os.WriteFile(path, []byte(stateFixtures), 0o600); err != nil {
		t.Fatal(err)
	}
	emu := testkit.Start(t, testkit.WithFixtures(path))
	emu.UpdateShadow(t, "fixture-thing", "", `{"state":{"reported":{"on":false}}}`)
	emu.Connect(t, "keeper").Publish(t, "kept", 1, true, []byte("x"))
	emu.Reset(t, emulator.AreaShadows)
	st := emu.State(t)
	if len(st.Shadows) != 1 || st.Shadows[0].Version != 1 || string(st.Shadows[0].State) != `{"reported":{"on":true}}` {
		t.Fatalf("shadows after reset: %+v", st.Shadows)
	}
	if len(st.Retained) != 1 || len(st.Connections) != 1 {
		t.Fatalf("a shadows reset touched retained %v or connections %v", st.Retained, st.Connections)
	}
	if status, body := httpDo(t, http.MethodPost, emu.Endpoint()+"/iotemu/reset?area=nope"); status != http.StatusBadRequest {
		t.Fatalf("reset of an unknown area: %d %s, want 400", status, body)
	}
	emu.Reset(t)
	st = emu.State(t)
	if len(st.Things) != 1 || st.Things[0].ThingName != "fixture-thing" || len(st.Rules) != 1 || st.Rules[0].RuleName != "fixture_rule" {
		t.Fatalf("after reset: things %+v rules %+v", st.Things, st.Rules)
	}
	if len(st.Retained) != 0 || len(st.Connections) != 0 {
		t.Fatalf("after reset: retained %v connections %v", st.Retained, st.Connections)
	}
}

func httpDo(t *testing.T, method, url string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

// volatile masks what differs between runs: times, ports, generated IDs.
var volatile = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`"\d{4}-\d\d-\d\dT[0-9:.]+(Z|[+-]\d\d:\d\d)"`), `"<time>"`},
	{regexp.MustCompile(`"(sourcePort|timestamp)":\d+`), `"$1":0`},
	{regexp.MustCompile(`"(certificateId|connectionId|traceId|sourceIp)":"[^"]*"`), `"$1":"<$1>"`},
	{regexp.MustCompile(`cert/[0-9a-f]{64}`), `cert/<id>`},
}

// golden compares a JSON body, indented and masked, with testdata/name
// (rewritten with -update).
func golden(t *testing.T, name string, body []byte) {
	t.Helper()
	for _, v := range volatile {
		body = v.re.ReplaceAll(body, []byte(v.with))
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, body, "", "  "); err != nil {
		t.Fatalf("%s: %v in %s", name, err, body)
	}
	buf.WriteByte('\n')
	path := filepath.Join("testdata", name)
	if *updateGolden {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("%s differs from the golden file (run with -update after checking):\n%s", name, buf.Bytes())
	}
}
