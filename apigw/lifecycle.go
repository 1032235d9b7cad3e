package apigw

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// httpShutdownGrace bounds how long Close lets HTTP requests in flight
// finish.
const httpShutdownGrace = 500 * time.Millisecond

// Close stops the listener, closes every connection with 1001 "Going away"
// (running their $disconnect routes) and waits for every goroutine of the
// Server. It is safe to call more than once and returns the first call's
// result. If ctx ends first, integrations still running are cancelled,
// connections are dropped, and Close returns ctx's error once they are gone.
func (s *Server) Close(ctx context.Context) error {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		<-s.done
		return s.err
	}
	s.closing = true
	srv := s.http
	conns := make([]*conn, 0, len(s.conns))
	for _, c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()

	var errs []error
	if srv != nil {
		// Requests in flight get httpShutdownGrace; a body that stops
		// half-way, or a client that connected and sent nothing, must not
		// hold Close, so what is left is then closed.
		grace, cancel := context.WithTimeout(ctx, httpShutdownGrace)
		if err := srv.Shutdown(grace); err != nil {
			s.log.Debug("http requests still in flight at close; closed", "error", err)
			_ = srv.Close() // closes every connection; nothing left to report
		}
		cancel()
	}
	for _, c := range conns {
		c.requestClose(closeGoingAway, reasonGoingAway, true)
	}
	if err := s.wait(ctx); err != nil {
		errs = append(errs, err)
		s.cancel()
		s.dropAll()
		s.wg.Wait()
	}
	s.cancel()
	s.err = errors.Join(errs...)
	close(s.done)
	return s.err
}

// wait waits for the Server's goroutines, logging after a few seconds what
// still runs, as httptest does.
func (s *Server) wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() { // ends when the WaitGroup does, which Close guarantees
		s.wg.Wait()
		close(done)
	}()
	slow := time.NewTimer(5 * time.Second)
	defer slow.Stop()
	for {
		select {
		case <-done:
			return nil
		case <-slow.C:
			s.log.Warn("close is waiting for connections", "connections", len(s.Connections()))
		case <-ctx.Done():
			return fmt.Errorf("wait for connections: %w", ctx.Err())
		}
	}
}

// dropAll closes every connection's socket without a close handshake.
func (s *Server) dropAll() {
	s.mu.Lock()
	conns := make([]*conn, 0, len(s.conns))
	for _, c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.drop()
	}
}

// track counts a handshake in, unless the Server is closing.
func (s *Server) track() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.wg.Add(1)
	return true
}

// register makes c postable, unless the Server is closing.
func (s *Server) register(c *conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.conns[c.id] = c
	return true
}

func (s *Server) unregister(c *conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, c.id)
	close(s.gone)
	s.gone = make(chan struct{})
}

// lookup returns an established connection; stage "" matches any API.
func (s *Server) lookup(stage, id string) (*conn, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.conns[id]
	if !ok || stage != "" && c.api.Stage != stage {
		return nil, false
	}
	return c, true
}
