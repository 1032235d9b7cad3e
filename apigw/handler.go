package apigw

import (
	"net/http"
	"net/url"
	"strings"
)

// Handler returns the Server's HTTP handler: the WebSocket API at
// GET /{stage} (or /{stage}/) and the management API at
// /{stage}/@connections/{connectionId}, also accepted without the stage.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	segs := strings.Split(strings.TrimPrefix(r.URL.EscapedPath(), "/"), "/")
	for i, seg := range segs {
		if u, err := url.PathUnescape(seg); err == nil {
			segs[i] = u
		}
	}
	switch {
	case s.cfg.ControlPlane != nil && len(segs) >= 2 && segs[0] == "v2" && !isUpgrade(r):
		// The apigatewayv2 control plane's paths (/v2/apis, /v2/tags...)
		// are never a WebSocket URL (/{stage}) nor a management one.
		s.cfg.ControlPlane.ServeHTTP(w, r)
	case len(segs) == 3 && segs[1] == "@connections":
		s.serveManagement(w, r, segs[0], segs[2])
	case len(segs) == 2 && segs[0] == "@connections":
		// serverless-offline's path, without the stage (docs/compatibility.md "API Gateway WebSocket mimic").
		s.serveManagement(w, r, "", segs[1])
	case len(segs) == 1 || len(segs) == 2 && segs[1] == "":
		s.mu.Lock()
		a, ok := s.apis[segs[0]]
		s.mu.Unlock()
		if !ok {
			writeMessage(w, http.StatusForbidden, "Forbidden")
			return
		}
		s.handshake(w, r, a)
	default:
		writeMessage(w, http.StatusForbidden, "Forbidden")
	}
}

// isUpgrade reports whether r asks for a WebSocket.
func isUpgrade(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}

// writeMessage answers API Gateway's plain JSON error, {"message": "…"}.
func writeMessage(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(`{"message":"` + msg + `"}`)) // the client went away; nothing to report
}
