package apigw_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gorilla/websocket"

	"github.com/iotemu/iotemu/apigw"
)

// disconnectOf waits for the $disconnect event and returns its code and reason.
func disconnectOf(t *testing.T, rec *recorder) (float64, string) {
	t.Helper()
	for {
		ev := rec.next(t)
		if rc(ev)["eventType"] == "DISCONNECT" {
			return rc(ev)["disconnectStatusCode"].(float64), rc(ev)["disconnectReason"].(string)
		}
	}
}

func limitsServer(t *testing.T, lim apigw.Limits) (*apigw.Server, *recorder) {
	t.Helper()
	rec := newRecorder()
	s := start(t, apigw.Config{Limits: lim, APIs: []apigw.API{{Stage: "prod", Routes: []apigw.Route{
		{Key: "$default", Integration: apigw.Mock{Body: "ok"}, TwoWay: true},
		{Key: "$disconnect", Integration: rec},
	}}}})
	return s, rec
}

// TestServerCloses: every limit closes the connection with AWS's code, and
// $disconnect reports it. AWS: https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html#apigateway-execution-service-websocket-limits-table, docs/compatibility.md "API Gateway WebSocket mimic".
func TestServerCloses(t *testing.T) {
	tests := []struct {
		name       string
		lim        apigw.Limits
		dialer     websocket.Dialer
		act        func(t *testing.T, ws *websocket.Conn)
		wantCode   int
		wantReason string
	}{
		{
			name: "message over the message limit: 1009", lim: apigw.Limits{MessageBytes: 1000, FrameBytes: 4096},
			act:      func(t *testing.T, ws *websocket.Conn) { t.Helper(); send(t, ws, strings.Repeat("x", 1001)) },
			wantCode: 1009, wantReason: "Message too big",
		},
		{
			name: "one frame over the frame limit: 1009", lim: apigw.Limits{MessageBytes: 8192, FrameBytes: 1024},
			dialer:   websocket.Dialer{WriteBufferSize: 8192}, // the whole message in one frame
			act:      func(t *testing.T, ws *websocket.Conn) { t.Helper(); send(t, ws, strings.Repeat("x", 2000)) },
			wantCode: 1009, wantReason: "Message too big",
		},
		{
			name: "binary frame: 1003", act: func(t *testing.T, ws *websocket.Conn) {
				t.Helper()
				if err := ws.WriteMessage(websocket.BinaryMessage, []byte{1, 2}); err != nil {
					t.Fatal(err)
				}
			},
			wantCode: 1003, wantReason: "Unsupported data",
		},
		{
			name: "idle timeout: 1001", lim: apigw.Limits{IdleTimeout: 50 * time.Millisecond},
			act:      func(*testing.T, *websocket.Conn) {},
			wantCode: 1001, wantReason: "Going away",
		},
		{
			name: "maximum duration: 1001", lim: apigw.Limits{MaxDuration: 50 * time.Millisecond},
			act:      func(*testing.T, *websocket.Conn) {},
			wantCode: 1001, wantReason: "Going away",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, rec := limitsServer(t, tt.lim)
			ws, _, err := tt.dialer.Dial(s.URL()+"/prod", nil)
			if err != nil {
				t.Fatal(err)
			}
			defer ws.Close()
			tt.act(t, ws)
			ce := closeOf(t, ws)
			if ce.Code != tt.wantCode || ce.Text != tt.wantReason {
				t.Errorf("close frame: got %d %q, want %d %q", ce.Code, ce.Text, tt.wantCode, tt.wantReason)
			}
			if code, reason := disconnectOf(t, rec); int(code) != tt.wantCode || reason != tt.wantReason {
				t.Errorf("$disconnect: got %v %q, want %d %q", code, reason, tt.wantCode, tt.wantReason)
			}
		})
	}
}

// TestFragmentedMessageUnderFrameLimit: a message over 32 KB in frames of
// at most 32 KB is fine ("must be split into multiple frames").
func TestFragmentedMessageUnderFrameLimit(t *testing.T) {
	s, _ := limitsServer(t, apigw.Limits{MessageBytes: 8192, FrameBytes: 1024})
	d := websocket.Dialer{WriteBufferSize: 512}
	ws, _, err := d.Dial(s.URL()+"/prod", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	send(t, ws, strings.Repeat("x", 6000))
	if got := next(t, ws); got != "ok" {
		t.Errorf("got %q, want ok", got)
	}
}

// TestActivityDefersIdle: messages keep a connection past the idle
// timeout; the maximum duration still ends it. The bubble's fake clock makes
// "lived at least the maximum duration" exact, whatever the machine's load.
func TestActivityDefersIdle(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const idle, maxDur = 100 * time.Millisecond, 400 * time.Millisecond
		rec := newRecorder()
		s, d := startPipe(t, apigw.Config{Limits: apigw.Limits{IdleTimeout: idle, MaxDuration: maxDur},
			APIs: []apigw.API{{Stage: "prod", Routes: []apigw.Route{
				{Key: "$default", Integration: apigw.Mock{Body: "ok"}, TwoWay: true},
				{Key: "$disconnect", Integration: rec},
			}}}})
		ws, _, err := d.Dial(s.URL()+"/prod", nil)
		if err != nil {
			t.Fatal(err)
		}
		defer ws.Close()
		began := time.Now()
		for {
			<-time.After(idle / 2) // fake time in the bubble: half the idle timeout between messages
			if err := ws.WriteMessage(websocket.TextMessage, []byte("hi")); err != nil {
				break
			}
			if _, _, err := ws.ReadMessage(); err != nil {
				var ce *websocket.CloseError
				if !errors.As(err, &ce) || ce.Code != 1001 {
					t.Fatalf("got %v, want close 1001", err)
				}
				break
			}
		}
		if lived := time.Since(began); lived < maxDur || lived > maxDur+idle {
			t.Errorf("closed after %v, want the maximum duration %v despite activity", lived, maxDur)
		}
	})
}

// TestClientCloses: the client's own close code and reason reach
// $disconnect; no status becomes 1005 and AWS's reason; a dropped TCP
// connection is 1006. AWS: docs/compatibility.md "API Gateway WebSocket mimic".
func TestClientCloses(t *testing.T) {
	tests := []struct {
		name       string
		closeWith  func(ws *websocket.Conn)
		wantCode   int
		wantReason string
	}{
		{"code and reason", func(ws *websocket.Conn) {
			_ = ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(4000, "bye"))
		}, 4000, "bye"},
		{"no status", func(ws *websocket.Conn) {
			_ = ws.WriteMessage(websocket.CloseMessage, nil)
		}, 1005, "Client-side close frame status not set"},
		{"TCP drop", func(ws *websocket.Conn) { _ = ws.NetConn().Close() }, 1006, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, rec := limitsServer(t, apigw.Limits{})
			ws := dial(t, s, "/prod", nil)
			tt.closeWith(ws)
			if code, reason := disconnectOf(t, rec); int(code) != tt.wantCode || reason != tt.wantReason {
				t.Errorf("got %v %q, want %d %q", code, reason, tt.wantCode, tt.wantReason)
			}
		})
	}
}

// TestCloseIsIdempotentAndDisconnects: Close sends 1001 to every client,
// runs their $disconnect, and answers the same to a second call.
func TestCloseIsIdempotentAndDisconnects(t *testing.T) {
	rec := newRecorder()
	s, err := apigw.New(apigw.Config{APIs: []apigw.API{{Stage: "prod", Routes: []apigw.Route{{Key: "$disconnect", Integration: rec}}}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	ws1, _, err := websocket.DefaultDialer.Dial(s.URL()+"/prod", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws1.Close()
	closed := make(chan error, 1)
	go func() { closed <- s.Close(context.Background()) }()
	if ce := closeOf(t, ws1); ce.Code != 1001 {
		t.Errorf("got close %d, want 1001", ce.Code)
	}
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	if code, _ := disconnectOf(t, rec); code != 1001 {
		t.Errorf("$disconnect: got %v, want 1001", code)
	}
	if err := s.Close(context.Background()); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if n := len(s.Connections()); n != 0 {
		t.Errorf("got %d connections after Close, want 0", n)
	}
}
