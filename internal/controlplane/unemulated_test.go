package controlplane_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/internal/controlplane"
	"github.com/iotemu/iotemu/internal/route"
	"github.com/iotemu/iotemu/registry"
	"github.com/iotemu/iotemu/rules"
)

type host string

func (h host) EndpointAddress(string) string { return string(h) }

type noActions struct{}

func (noActions) Parse(string, []byte, string) (rules.Action, error) { return nil, nil }

// newRouter mounts a control plane the way the emulator's HTTP mux does,
// with its answer to unemulated operations in front of 404 and 405.
func newRouter(t *testing.T, logs io.Writer) http.Handler {
	t.Helper()
	reg, err := registry.New(registry.Config{Region: "us-east-1", AccountID: "123456789012"})
	if err != nil {
		t.Fatal(err)
	}
	engine, err := rules.NewEngine(rules.Config{AccountID: "123456789012", Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	cp, err := controlplane.New(controlplane.Config{
		Registry: reg, Rules: engine, Actions: noActions{}, Endpoints: host("localhost"),
		Logger: slog.New(slog.NewTextHandler(logs, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	answer := func(status int, typ, msg string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			awsrest.WriteError(w, awsrest.RequestID(w), &awsrest.Error{Status: status, Type: typ, Message: msg})
		})
	}
	rt := &route.Router{
		NotFound:         cp.Unemulated(answer(http.StatusNotFound, awsrest.ResourceNotFound, "Not Found")),
		MethodNotAllowed: cp.Unemulated(answer(http.StatusMethodNotAllowed, awsrest.MethodNotAllowed, "not supported")),
	}
	cp.Register(rt)
	return rt
}

func TestUnemulatedOperations(t *testing.T) {
	tests := []struct {
		name, method, path string
		wantStatus         int
		wantType, wantMsg  string
	}{
		{"unemulated operation", http.MethodPut, "/fleet-metric/m1", 501, "NotImplementedException", "iotemu does not emulate iot:CreateFleetMetric"},
		{"unemulated method on an emulated path", http.MethodPost, "/things", 501, "NotImplementedException", "iotemu does not emulate iot:RegisterThing"},
		{"greedy parameter", http.MethodGet, "/destinations/arn:aws:iot:us-east-1:123456789012:ruledestination/http/abc", 501, "NotImplementedException", "iotemu does not emulate iot:GetTopicRuleDestination"},
		{"nested unemulated path", http.MethodGet, "/jobs/j1/things", 501, "NotImplementedException", "iotemu does not emulate iot:ListJobExecutionsForJob"},
		{"unknown path", http.MethodGet, "/no-such-operation", 404, "ResourceNotFoundException", "Not Found"},
		{"unknown path under a known prefix", http.MethodGet, "/things/t1/no/such", 404, "ResourceNotFoundException", "Not Found"},
		{"wrong method on an emulated path", http.MethodDelete, "/things", 405, "MethodNotAllowedException", "not supported"},
		{"emulated operation still served", http.MethodGet, "/things/missing", 404, "ResourceNotFoundException", "Thing missing cannot be found."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			rec := httptest.NewRecorder()
			newRouter(t, &logs).ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, strings.NewReader("{}")))
			if rec.Code != tt.wantStatus {
				t.Fatalf("got status %d, want %d (%s)", rec.Code, tt.wantStatus, rec.Body)
			}
			if got := rec.Header().Get("x-amzn-ErrorType"); got != tt.wantType+":" {
				t.Errorf("got x-amzn-ErrorType %q, want %q", got, tt.wantType+":")
			}
			var body struct{ Message string }
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || !strings.HasPrefix(body.Message, tt.wantMsg) {
				t.Errorf("got body %s (%v), want message %q", rec.Body, err, tt.wantMsg)
			}
			logged := strings.Contains(logs.String(), "level=WARN") && strings.Contains(logs.String(), "operation not emulated")
			if logged != (tt.wantStatus == 501) {
				t.Errorf("got log %q, want a warning only for 501", logs.String())
			}
		})
	}
}
