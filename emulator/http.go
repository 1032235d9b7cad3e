package emulator

import (
	"net/http"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/internal/iotdata"
	"github.com/iotemu/iotemu/internal/route"
	"github.com/iotemu/iotemu/internal/topic"
)

// routes builds the one handler served on the HTTP and HTTPS ports.
func (s *Server) routes() http.Handler {
	// An AWS operation iotemu does not emulate answers 501 naming it; an
	// unknown path the 404 observed from IoT endpoints, a known path with
	// another method 405 (docs/compatibility.md "iot-data HTTP API").
	// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_iotdata_Publish.html#API_iotdata_Publish_Errors
	// (MethodNotAllowedException).
	rt := &route.Router{
		NotFound: s.control.Unemulated(apiError(http.StatusNotFound, awsrest.ResourceNotFound, "Not Found")),
		MethodNotAllowed: s.control.Unemulated(apiError(http.StatusMethodNotAllowed, awsrest.MethodNotAllowed,
			"The specified combination of HTTP verb and URI is not supported.")),
	}
	rt.HandleFunc("/health", s.handleHealth, http.MethodGet, http.MethodHead)
	rt.HandleFunc("/ca.pem", s.handleCA, http.MethodGet, http.MethodHead)
	rt.HandleFunc("/mqtt", s.handleWebSocket, http.MethodGet)
	iotdata.New(iotdata.Config{
		Publisher: s.broker, Retained: s.broker, Connections: s.broker, Shadows: s.shadows,
		PayloadBytes: s.cfg.Limits.PayloadBytes,
		Topic:        topic.Limits{MaxBytes: s.cfg.Limits.TopicBytes, MaxLevels: s.cfg.Limits.TopicLevels},
	}).Register(rt)
	rt.HandleFunc("/iotemu/actions", s.handleActionRecords, http.MethodGet)
	rt.HandleFunc("/iotemu/state", s.handleState, http.MethodGet)
	rt.HandleFunc("/iotemu/state/{area}", s.handleAreaState, http.MethodGet)
	rt.HandleFunc("/iotemu/reset", s.handleReset, http.MethodPost)
	rt.HandleFunc("/iotemu/clock", s.handleGetClock, http.MethodGet)
	rt.HandleFunc("/iotemu/clock", s.handlePostClock, http.MethodPost)
	rt.HandleFunc("/iotemu/faults", s.handleFaults, http.MethodGet, http.MethodPost, http.MethodDelete)
	rt.HandleFunc("/iotemu/faults/{id}", s.handleFault, http.MethodDelete)
	rt.HandleFunc("/iotemu/console/messages", s.handleConsoleMessages, http.MethodGet)
	rt.HandleFunc("/iotemu/console/apigw/{connectionId}", s.handleConsoleAPIGWPost, http.MethodPost)
	rt.Handle("/console", consoleAssets(), http.MethodGet, http.MethodHead)
	rt.Handle("/console/{file}", consoleAssets(), http.MethodGet, http.MethodHead)
	// The apigatewayv2 control plane (also on the API Gateway port).
	rt.HandleFunc("/v2/{path...}", func(w http.ResponseWriter, r *http.Request) { s.apigwv2.Handler().ServeHTTP(w, r) },
		http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete)
	s.control.Register(rt)
	s.credentialsProvider().Register(rt)
	return withRequestID(s.withRequestLog(s.withPersistence(s.withAuth(s.withJobsData(rt)))))
}

// withRequestID gives every response an x-amzn-RequestId, as AWS does.
func withRequestID(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("x-amzn-RequestId", awsrest.NewRequestID())
		h.ServeHTTP(w, r)
	})
}

// requestID returns the ID withRequestID assigned to this response.
func requestID(w http.ResponseWriter) string { return w.Header().Get("x-amzn-RequestId") }

func writeError(w http.ResponseWriter, err *awsrest.Error) {
	awsrest.WriteError(w, requestID(w), err)
}

func apiError(status int, typ, msg string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeError(w, &awsrest.Error{Status: status, Type: typ, Message: msg})
	})
}

// health is the body of GET /health.
type health struct {
	Status    string    `json:"status"`
	Version   string    `json:"version"`
	Endpoints Endpoints `json:"endpoints"`
}

// handleHealth answers 200 only when every listener is bound and serving;
// Start binds all of them before any is served, so a request reaching this
// handler while Start runs sees 503.
func (s *Server) handleHealth(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	state := s.state
	eps := s.endpointsLocked()
	s.mu.Unlock()
	if state != started {
		writeError(w, &awsrest.Error{Status: http.StatusServiceUnavailable, Type: awsrest.ServiceUnavailable, Message: "starting or stopping"})
		return
	}
	awsrest.WriteJSON(w, requestID(w), health{Status: "ok", Version: s.cfg.Version, Endpoints: eps})
}

// handleCA serves the CA certificate so that clients can trust the TLS
// listeners without copying files out of a container.
func (s *Server) handleCA(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/x-pem-file")
	_, _ = w.Write(s.ca.CertPEM) // the client went away; nothing to report it to
}
