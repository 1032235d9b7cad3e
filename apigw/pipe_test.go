package apigw_test

import (
	"context"
	"errors"
	"net"
	"sync"
	"testing"

	"github.com/gorilla/websocket"

	"github.com/iotemu/iotemu/apigw"
)

// pipeListener is an in-memory listener: Dial hands one end of a net.Pipe
// to Accept. Tests inside a testing/synctest bubble use it, because a
// goroutine blocked on a real socket is not durably blocked and would keep
// the bubble's fake clock from advancing.
type pipeListener struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func newPipeListener() *pipeListener {
	return &pipeListener{conns: make(chan net.Conn), done: make(chan struct{})}
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *pipeListener) Addr() net.Addr { return pipeAddr{} }

// Dial is a websocket.Dialer's NetDialContext.
func (l *pipeListener) Dial(ctx context.Context, _, _ string) (net.Conn, error) {
	client, server := net.Pipe()
	select {
	case l.conns <- server:
		return client, nil
	case <-l.done:
		return nil, errors.New("dial pipe: listener closed")
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "127.0.0.1:13001" }

// startPipe serves cfg on an in-memory listener and returns a dialer for it.
func startPipe(t *testing.T, cfg apigw.Config) (*apigw.Server, websocket.Dialer) {
	t.Helper()
	s, err := apigw.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ln := newPipeListener()
	if err := s.StartOn(ln); err != nil {
		t.Fatalf("StartOn: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(context.Background()); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s, websocket.Dialer{NetDialContext: ln.Dial}
}
