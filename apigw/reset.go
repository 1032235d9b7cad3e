package apigw

import (
	"context"
	"fmt"
)

// CloseConnections closes every established connection with 1001 "Going
// away" (their $disconnect routes run) and waits until all are gone or ctx
// ends; the APIs stay (the emulator's reset API).
func (s *Server) CloseConnections(ctx context.Context) error {
	for _, c := range s.snapshotConns() {
		c.requestClose(closeGoingAway, reasonGoingAway, true)
	}
	for {
		s.mu.Lock()
		n, gone := len(s.conns), s.gone
		s.mu.Unlock()
		if n == 0 {
			return nil
		}
		select {
		case <-gone:
		case <-ctx.Done():
			return fmt.Errorf("close connections: %d still open: %w", n, ctx.Err())
		}
	}
}

func (s *Server) snapshotConns() []*conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	conns := make([]*conn, 0, len(s.conns))
	for _, c := range s.conns {
		conns = append(conns, c)
	}
	return conns
}
