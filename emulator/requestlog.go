package emulator

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/iotemu/iotemu/internal/controlplane"
	"github.com/iotemu/iotemu/rules"
)

// The request log of the HTTP ports: one line per request at info, named
// as LocalStack names them, "iot.CreateThing => 200" or
// "iot-data.Publish => 403 ForbiddenException" (README "Operate it").

// withRequestLog logs every request once it is answered. The WebSocket
// upgrade (/mqtt) is left unwrapped, since the broker logs the connection.
func (s *Server) withRequestLog(next http.Handler) http.Handler {
	log := s.log.With("component", "http")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") != "" {
			next.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		op := operationOf(r)
		msg := op + " => " + strconv.Itoa(rec.status)
		errType := strings.TrimSuffix(w.Header().Get("x-amzn-ErrorType"), ":")
		if errType != "" {
			msg += " " + errType
		}
		level := slog.LevelInfo
		if r.URL.Path == "/health" || r.URL.Path == "/ca.pem" {
			level = slog.LevelDebug // probes would drown the log
		}
		attrs := []slog.Attr{slog.String("op", op), slog.Int("status", rec.status),
			slog.String("method", r.Method), slog.String("path", r.URL.EscapedPath()),
			slog.Duration("duration", time.Since(start))}
		if errType != "" {
			attrs = append(attrs, slog.String("errorType", errType))
		}
		log.LogAttrs(r.Context(), level, msg, attrs...)
	})
}

// operationOf names a request: the model operation ("iot.CreateThing"),
// else its API and path ("iot-jobs-data GET /things/t/jobs", "iotemu GET
// /iotemu/state", "HTTP GET /unknown").
func operationOf(r *http.Request) string {
	path := r.URL.EscapedPath()
	switch {
	case strings.HasPrefix(path, jobsDataPrefix+"/") ||
		strings.Contains(r.Header.Get("Authorization"), "/iot-jobs-data/aws4_request"):
		return "iot-jobs-data " + r.Method + " " + strings.TrimPrefix(path, jobsDataPrefix)
	case strings.HasPrefix(path, "/iotemu/") || path == "/health" || path == "/ca.pem":
		return "iotemu " + r.Method + " " + path
	}
	if name, ok := controlplane.OperationName(r.Method, path, r.URL.Query()); ok {
		return name
	}
	return "HTTP " + r.Method + " " + path
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (r *statusRecorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// onAction keeps an action record and writes its request log line:
// "rule R action republish => ok" or "=> error: ...".
func (s *Server) onAction(rec rules.ActionRecord) {
	s.records.add(rec)
	kind := rec.Type
	if kind == "" {
		kind = "(go)"
	}
	if rec.ErrorAction {
		kind = "errorAction " + kind
	}
	attrs := []slog.Attr{slog.String("component", "rules"), slog.String("rule", rec.Rule), slog.String("action", rec.Type),
		slog.Bool("errorAction", rec.ErrorAction), slog.String("resource", rec.Resource), slog.String("topic", rec.Topic)}
	if rec.TraceID != "" {
		attrs = append(attrs, slog.String("traceId", rec.TraceID))
	}
	if rec.Error != "" {
		attrs = append(attrs, slog.String("error", rec.Error))
		s.log.LogAttrs(context.Background(), slog.LevelWarn, "rule "+rec.Rule+" action "+kind+" => error: "+rec.Error, attrs...)
		return
	}
	s.log.LogAttrs(context.Background(), slog.LevelInfo, "rule "+rec.Rule+" action "+kind+" => ok", attrs...)
}
