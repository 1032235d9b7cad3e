package apigwv2

import (
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/iotemu/iotemu/apigw"
	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/internal/route"
)

// Installer serves deployed stages: the API Gateway WebSocket mimic.
// PutAPI serves (or re-serves) an API's stage; RemoveAPI takes a stage down.
type Installer interface {
	PutAPI(apigw.API) error
	RemoveAPI(stage string) bool
}

var _ Installer = (*apigw.Server)(nil)

// Config configures a Service.
type Config struct {
	// Region and AccountID appear in ARNs, apiEndpoint and error messages;
	// defaults "us-east-1" and "123456789012".
	Region    string
	AccountID string
	// Installer serves what is deployed; nil records deployments only.
	Installer Installer
	// Endpoint returns the apiEndpoint of a WebSocket API, such as the
	// emulator's "ws://127.0.0.1:4510" (clients append "/"+stage); nil
	// answers AWS's wss://{apiId}.execute-api.{region}.amazonaws.com.
	Endpoint func(apiID string) string
	// Now is the clock of createdDate and lastUpdatedDate; nil: time.Now.
	Now func() time.Time
	// Unemulated answers a request no operation here serves (the root's
	// 501 naming an apigatewayv2 operation iotemu does not emulate); nil
	// answers 404 NotFoundException naming the method and path.
	Unemulated http.Handler
}

// Service is the apigatewayv2 control plane: an in-memory store of APIs
// and their children, served over AWS's restJson1 wire format. It is safe
// for concurrent use.
type Service struct {
	cfg Config
	h   http.Handler

	mu   sync.Mutex // guards everything below; held while calling Installer
	apis *collection[apiState]
	ids  map[string]bool // every ID handed out, so none repeats
}

// New returns an empty Service.
func New(cfg Config) *Service {
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.AccountID == "" {
		cfg.AccountID = "123456789012"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Service{cfg: cfg, apis: newCollection[apiState](), ids: map[string]bool{}}
	s.h = s.router()
	return s
}

// Handler serves the apigatewayv2 REST paths, /v2/apis… and /v2/tags/…,
// as botocore's requestUri name them; mount it at /v2/ of an HTTP server.
func (s *Service) Handler() http.Handler { return s.h }

// op is one operation: its success status and its implementation, run
// with the Service locked.
type op func(r *http.Request, body []byte) (any, error)

func (s *Service) router() http.Handler {
	rt := &route.Router{
		NotFound:         http.HandlerFunc(s.unknownOperation),
		MethodNotAllowed: http.HandlerFunc(s.unknownOperation),
	}
	for _, e := range s.operations() {
		rt.Handle(e.pattern, s.serve(e.status, e.fn), e.method)
	}
	return rt
}

type endpoint struct {
	method, pattern string
	status          int
	fn              op
}

func (s *Service) unknownOperation(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Unemulated != nil {
		s.cfg.Unemulated.ServeHTTP(w, r)
		return
	}
	awsrest.WriteError(w, awsrest.NewRequestID(), notFound("No operation %s %s in this emulator (see docs/compatibility.md, apigatewayv2 control plane)", r.Method, r.URL.Path))
}

// serve reads the body, runs fn under the lock and writes its result with
// status (204 writes no body).
func (s *Service) serve(status int, fn op) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reqID := awsrest.NewRequestID()
		body, err := readBody(r)
		var out any
		if err == nil {
			s.mu.Lock()
			out, err = fn(r, body)
			s.mu.Unlock()
		}
		if err != nil {
			writeErr(w, reqID, err)
			return
		}
		writeResult(w, reqID, status, out)
	})
}

func writeErr(w http.ResponseWriter, reqID string, err error) {
	var ae *awsrest.Error
	if !errors.As(err, &ae) {
		ae = awsrest.Errorf(http.StatusInternalServerError, "InternalServerException", "%v", fmt.Errorf("apigatewayv2: %w", err))
	}
	awsrest.WriteError(w, reqID, ae)
}
