package emulator

import (
	"io"
	"log/slog"
	"net/http"
	"time"
)

// HTTPTimeouts bound the connections of the HTTP listeners (HTTP, HTTPS,
// port 443 and the API Gateway port), so that a client sending a request
// slowly, or never finishing its body, holds only its own connection and
// only for a while (issue 13). Zero fields mean the defaults; none is an
// AWS figure (docs/compatibility.md "Isolation"). WebSocket connections
// (/mqtt, API Gateway) are not bound by them once upgraded.
type HTTPTimeouts struct {
	ReadHeader time.Duration // request line and headers, default 10 s
	Read       time.Duration // the whole request, body included, default 30 s
	Idle       time.Duration // a kept-alive connection between requests, default 60 s
}

func (t HTTPTimeouts) withDefaults() HTTPTimeouts {
	if t.ReadHeader == 0 {
		t.ReadHeader = 10 * time.Second
	}
	if t.Read == 0 {
		t.Read = 30 * time.Second
	}
	if t.Idle == 0 {
		t.Idle = 60 * time.Second
	}
	return t
}

// maxDrainBytes is how much of a request body left unread by its handler
// (one refused as too large) is read and discarded before the response
// goes out: a client still sending its body then reads the 413 instead of
// a reset connection. A larger body gets the reset.
const maxDrainBytes = 32 << 20

// newHTTPServer is every HTTP server of the emulator's routes: the
// timeouts, bodies drained, its errors at debug.
func (s *Server) newHTTPServer(h http.Handler) *http.Server {
	t := s.cfg.HTTPTimeouts
	return &http.Server{
		Handler:           drainBody(h),
		ReadHeaderTimeout: t.ReadHeader,
		ReadTimeout:       t.Read,
		IdleTimeout:       t.Idle,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
}

// drainBody reads what the handler left of the request body, up to
// maxDrainBytes (bounded in time by HTTPTimeouts.Read), before the response
// is sent. A hijacked connection's body reads nothing.
func drainBody(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r)
		_, _ = io.CopyN(io.Discard, r.Body, maxDrainBytes) // what is left is the client's problem
	})
}
