package apigw_test

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/iotemu/iotemu/apigw"
	"github.com/iotemu/iotemu/internal/certs"
)

// TestSniffedTLSHostile: on a port serving both, a connection that opens
// a TLS record and then sends garbage is closed (no hang, no crash), and
// both a wss:// and a ws:// client are served afterwards.
func TestSniffedTLSHostile(t *testing.T) {
	t.Parallel()
	ca, err := certs.NewAuthority("test CA", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ca.IssueServer([]string{"127.0.0.1"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	s := start(t, apigw.Config{
		TLS:  &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12, NextProtos: []string{"http/1.1"}},
		APIs: []apigw.API{{Stage: "s", Routes: []apigw.Route{{Key: "$default", Integration: apigw.Mock{Body: "ok"}, TwoWay: true}}}},
	})
	c, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, _ = c.Write([]byte{0x16, 0x03, 0x01, 0x00, 0x05, 'h', 'e', 'l', 'l', 'o'})
	_ = c.SetReadDeadline(time.Now().Add(waitFor))
	if _, err := io.ReadAll(c); err != nil {
		t.Fatalf("garbage after a TLS record header: %v, want the connection closed", err)
	}

	secure := websocket.Dialer{TLSClientConfig: &tls.Config{RootCAs: ca.Pool(), MinVersion: tls.VersionTLS12}, HandshakeTimeout: waitFor}
	for _, url := range []string{s.TLSURL() + "/s", s.URL() + "/s"} {
		ws, _, err := secure.Dial(url, nil)
		if err != nil {
			t.Fatalf("%s: %v", url, err)
		}
		_ = ws.SetReadDeadline(time.Now().Add(waitFor))
		_ = ws.WriteMessage(websocket.TextMessage, []byte("hi"))
		if _, got, err := ws.ReadMessage(); err != nil || string(got) != "ok" {
			t.Errorf("%s: %q, %v", url, got, err)
		}
		ws.Close()
	}
	if plain := start(t, apigw.Config{}); plain.TLSURL() != "" {
		t.Errorf("TLSURL without TLS: %q", plain.TLSURL())
	}
}

// TestSniffedCloseWithSilentClient: a client that connected to a
// TLS-enabled port and sent nothing (its sniff in progress) does not hold
// Close past its context: the connection is closed then.
func TestSniffedCloseWithSilentClient(t *testing.T) {
	t.Parallel()
	ca, err := certs.NewAuthority("test CA", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ca.IssueServer([]string{"127.0.0.1"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	s, err := apigw.New(apigw.Config{TLS: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// A sentinel: a second, served connection proves the first was accepted.
	if ws, _, err := websocket.DefaultDialer.Dial(s.URL()+"/none", nil); err == nil {
		ws.Close()
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Second)
	defer cancel()
	start := time.Now()
	_ = s.Close(ctx) // Shutdown's deadline error: the client never became idle
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Close took %s", d)
	}
	_ = c.SetReadDeadline(time.Now().Add(waitFor))
	if _, err := io.ReadAll(c); err != nil {
		t.Errorf("the silent client's connection: %v, want it closed by Close", err)
	}
}
