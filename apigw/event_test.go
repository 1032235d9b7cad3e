package apigw_test

import (
	"encoding/json"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gorilla/websocket"

	"github.com/iotemu/iotemu/apigw"
)

// clock is a settable clock for events' timestamps.
type clock struct{ ms atomic.Int64 }

func (c *clock) set(ms int64)   { c.ms.Store(ms) }
func (c *clock) now() time.Time { return time.UnixMilli(c.ms.Load()) }

// queuedIDs hands out given IDs per kind, in order.
type queuedIDs struct {
	mu sync.Mutex
	q  map[apigw.IDKind][]string
}

func (q *queuedIDs) next(k apigw.IDKind) string {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.q[k]) == 0 {
		return "unexpected-id=="
	}
	id := q.q[k][0]
	q.q[k] = q.q[k][1:]
	return id
}

// loadFixture reads one of aws-lambda-go's events recorded from AWS.
func loadFixture(t *testing.T, name string) map[string]any {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestEventsMatchAWSRecordings replays the MESSAGE and DISCONNECT events
// AWS recorded (aws-lambda-go events/testdata, copied to testdata/) with
// the same clock, IDs, domain and user agent, and compares the whole
// events. Only the source IP (loopback here) and the MESSAGE apiId (edited
// in the fixture) differ. AWS: https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-mapping-template-reference.html#apigateway-websocket-api-mapping-template-reference, https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-route-keys-connect-disconnect.html#apigateway-websocket-api-routes-about-disconnect.
func TestEventsMatchAWSRecordings(t *testing.T) {
	const domain = "dl7ptocha9.execute-api.ap-northeast-1.amazonaws.com"
	const ua = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 Safari/537.36"
	clk := &clock{}
	ids := &queuedIDs{q: map[apigw.IDKind][]string{
		apigw.ConnectionID: {"R1kmxc2VNjMCFIA="},
		apigw.RequestID:    {"R1knPH17NjMFftw=", "R1koeHsUtjMFbRw="},
		apigw.MessageID:    {"R1knPc2ntjMCFIA="},
	}}
	rec := newRecorder()
	s := start(t, apigw.Config{Now: clk.now, NewID: ids.next, APIs: []apigw.API{{
		ID: "dl7ptocha9", Stage: "prod", DomainName: domain,
		Routes: []apigw.Route{{Key: "$default", Integration: rec}, {Key: "$disconnect", Integration: rec}},
	}}})

	clk.set(1705751697419)
	ws := dial(t, s, "/prod", map[string][]string{"User-Agent": {ua}})
	clk.set(1705751700453)
	send(t, ws, "{\r\n\t\"a\": 1\r\n}")
	compareEvent(t, rec.next(t), loadFixture(t, "apigw-websocket-request-send-message.json"))

	clk.set(1705751708326)
	// Chrome leaving the page: close 1001 without a reason.
	if err := ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(1001, "")); err != nil {
		t.Fatal(err)
	}
	compareEvent(t, rec.next(t), loadFixture(t, "apigw-websocket-request-disconnect.json"))
}

func compareEvent(t *testing.T, got, want map[string]any) {
	t.Helper()
	rc(want)["identity"].(map[string]any)["sourceIp"] = "127.0.0.1"
	rc(want)["apiId"] = "dl7ptocha9"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s event (-AWS +iotemu):\n%s", rc(want)["eventType"], diff)
	}
}
