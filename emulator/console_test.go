package emulator_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/iotemu/iotemu/apigw"
	"github.com/iotemu/iotemu/emulator"
	"github.com/iotemu/iotemu/testkit"
)

// TestConsoleAssets: /console serves the embedded page, its script and
// style, with a CSP allowing nothing from elsewhere.
func TestConsoleAssets(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	for path, want := range map[string]string{
		"/console": "text/html", "/console/": "text/html", "/console/console.js": "javascript", "/console/console.css": "text/css",
	} {
		resp, err := http.Get(emu.Endpoint() + path)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Type"), want) ||
			!strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'self'") {
			t.Errorf("%s: %d %s %q", path, resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Security-Policy"))
		}
	}
	resp, err := http.Get(emu.Endpoint() + "/console/missing.js")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("missing asset: %d", resp.StatusCode)
	}
}

// TestConsoleFeed: GET /iotemu/console/messages streams published messages
// as server-sent events (text as text, binary as base64), and Close does
// not wait for an open feed.
func TestConsoleFeed(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, emu.Endpoint()+"/iotemu/console/messages", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	lines := bufio.NewScanner(resp.Body)
	next := func() string {
		t.Helper()
		for lines.Scan() {
			if l := lines.Text(); strings.HasPrefix(l, "data: ") || strings.HasPrefix(l, "event: ") {
				return l
			}
		}
		t.Fatalf("feed ended: %v", lines.Err())
		return ""
	}
	if l := next(); l != "event: ready" {
		t.Fatalf("first line %q", l)
	}
	next() // the ready event's data
	emu.Publish(t, emulator.Message{Topic: "feed/text", Payload: []byte("hello"), QoS: 1})
	emu.Publish(t, emulator.Message{Topic: "feed/bin", Payload: []byte{0xff, 0x00}})
	if l := next(); !strings.Contains(l, `"topic":"feed/text"`) || !strings.Contains(l, `"text":"hello"`) {
		t.Fatalf("text event %q", l)
	}
	if l := next(); !strings.Contains(l, `"topic":"feed/bin"`) || !strings.Contains(l, `"payload":"/wA="`) || strings.Contains(l, `"text"`) {
		t.Fatalf("binary event %q", l)
	}
	closeCtx, cancelClose := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancelClose()
	if err := emu.Server().Close(closeCtx); err != nil {
		t.Fatalf("Close with an open feed: %v", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body) // the feed ends with the server
}

// TestConsolePostBox: the console's API Gateway post box answers 410 for
// an unknown connection and 413 above API Gateway's 128 KB.
func TestConsolePostBox(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	for name, tt := range map[string]struct {
		body   string
		status int
	}{
		"unknown connection": {"hi", http.StatusGone},
		"oversized":          {strings.Repeat("x", 128<<10+1), http.StatusRequestEntityTooLarge},
	} {
		resp, err := http.Post(emu.Endpoint()+"/iotemu/console/apigw/nope", "text/plain", strings.NewReader(tt.body))
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != tt.status {
			t.Errorf("%s: %d, want %d", name, resp.StatusCode, tt.status)
		}
	}
}

// TestConsolePostBoxDelivers: the post box's message reaches a live API
// Gateway WebSocket client, found through the state API as the page finds
// it.
func TestConsolePostBoxDelivers(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t, testkit.WithWebSocketAPI(apigw.API{Stage: "prod",
		Routes: []apigw.Route{{Key: "$default", Integration: apigw.Mock{}}}}))
	ws, _, err := websocket.DefaultDialer.Dial(emu.WebSocketAPIURL("prod"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ws.Close() })
	var id string
	testkit.Eventually(t, wait, func() error {
		resp, err := http.Get(emu.Endpoint() + "/iotemu/state/apigw")
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		var state struct {
			APIGW []struct {
				ConnectionID string `json:"connectionId"`
			} `json:"apigw"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&state); err != nil {
			return err
		}
		conns := state.APIGW
		if len(conns) != 1 {
			return fmt.Errorf("%d connections in the state, want 1", len(conns))
		}
		id = conns[0].ConnectionID
		return nil
	})
	resp, err := http.Post(emu.Endpoint()+"/iotemu/console/apigw/"+id, "text/plain", strings.NewReader("from the console"))
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("post box: %d", resp.StatusCode)
	}
	_ = ws.SetReadDeadline(time.Now().Add(wait))
	if _, msg, err := ws.ReadMessage(); err != nil || string(msg) != "from the console" {
		t.Fatalf("client read %q, %v", msg, err)
	}
}
