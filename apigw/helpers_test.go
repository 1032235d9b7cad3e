package apigw_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/iotemu/iotemu/apigw"
)

const waitFor = 5 * time.Second

// start runs a Server for the test and closes it at the end, checking that
// Close succeeds.
func start(tb testing.TB, cfg apigw.Config) *apigw.Server {
	tb.Helper()
	s, err := apigw.New(cfg)
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	if err := s.Start(context.Background()); err != nil {
		tb.Fatalf("Start: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.Close(ctx); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return s
}

// dial connects to stage, failing the test on error.
func dial(tb testing.TB, s *apigw.Server, path string, hdr http.Header) *websocket.Conn {
	tb.Helper()
	ws, resp, err := websocket.DefaultDialer.Dial(s.URL()+path, hdr)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		tb.Fatalf("dial %s: %v (status %d)", path, err, status)
	}
	tb.Cleanup(func() { _ = ws.Close() })
	return ws
}

// dialStatus dials and returns the HTTP status of a refused handshake.
func dialStatus(tb testing.TB, s *apigw.Server, path string, hdr http.Header) int {
	tb.Helper()
	ws, resp, err := websocket.DefaultDialer.Dial(s.URL()+path, hdr)
	if err == nil {
		_ = ws.Close()
		return http.StatusSwitchingProtocols
	}
	if resp == nil {
		tb.Fatalf("dial %s: %v", path, err)
	}
	return resp.StatusCode
}

// next reads one message within waitFor.
func next(tb testing.TB, ws *websocket.Conn) string {
	tb.Helper()
	_ = ws.SetReadDeadline(time.Now().Add(waitFor))
	_, b, err := ws.ReadMessage()
	if err != nil {
		tb.Fatalf("read: %v", err)
	}
	return string(b)
}

// closeOf reads until the server's close frame and returns it.
func closeOf(tb testing.TB, ws *websocket.Conn) *websocket.CloseError {
	tb.Helper()
	_ = ws.SetReadDeadline(time.Now().Add(waitFor))
	for {
		_, _, err := ws.ReadMessage()
		if err == nil {
			continue
		}
		var ce *websocket.CloseError
		if !errors.As(err, &ce) {
			tb.Fatalf("read: got %v, want a close frame", err)
		}
		return ce
	}
}

func send(tb testing.TB, ws *websocket.Conn, msg string) {
	tb.Helper()
	if err := ws.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
		tb.Fatalf("write: %v", err)
	}
}

// recorder is an integration recording every event and answering with
// respond (or {"statusCode":200}).
type recorder struct {
	events  chan map[string]any
	respond func(ev map[string]any) ([]byte, error)
}

func newRecorder() *recorder { return &recorder{events: make(chan map[string]any, 100)} }

func (r *recorder) Invoke(_ context.Context, event []byte) ([]byte, error) {
	var ev map[string]any
	if err := json.Unmarshal(event, &ev); err != nil {
		return nil, err
	}
	r.events <- ev
	if r.respond != nil {
		return r.respond(ev)
	}
	return []byte(`{"statusCode":200}`), nil
}

// next returns the next recorded event within waitFor.
func (r *recorder) next(tb testing.TB) map[string]any {
	tb.Helper()
	select {
	case ev := <-r.events:
		return ev
	case <-time.After(waitFor):
		tb.Fatal("no event within the deadline")
		return nil
	}
}

// rc returns ev's requestContext.
func rc(ev map[string]any) map[string]any { return ev["requestContext"].(map[string]any) }

// seqIDs is an ID generator giving predictable IDs per kind.
type seqIDs struct {
	mu sync.Mutex
	n  map[apigw.IDKind]int
}

func (s *seqIDs) next(k apigw.IDKind) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.n == nil {
		s.n = map[apigw.IDKind]int{}
	}
	s.n[k]++
	prefix := map[apigw.IDKind]string{apigw.ConnectionID: "conn", apigw.RequestID: "req", apigw.MessageID: "msg"}[k]
	return fmt.Sprintf("%s%0*d=", prefix, 15-len(prefix), s.n[k])
}
