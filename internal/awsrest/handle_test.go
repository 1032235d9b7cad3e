package awsrest_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/iotemu/iotemu/internal/awsrest"
)

var errCustom = errors.New("custom")

func TestHandle(t *testing.T) {
	mapErr := func(err error) *awsrest.Error {
		if errors.Is(err, errCustom) {
			return &awsrest.Error{Status: 409, Type: "ResourceAlreadyExistsException", Message: "exists",
				Members: map[string]string{"resourceId": "id1", "resourceArn": "arn1"}}
		}
		return nil
	}
	tests := []struct {
		name       string
		decodeErr  error
		callErr    error
		out        any
		wantStatus int
		wantType   string
		wantBody   string
	}{
		{"output", nil, nil, struct {
			A string `json:"a"`
		}{"x"}, 200, "", `{"a":"x"}`},
		{"no members", nil, nil, struct{}{}, 200, "", `{}`},
		{"no body", nil, nil, awsrest.NoBody{}, 200, "", ``},
		{"decode error", awsrest.Invalid("bad %s", "input"), nil, nil, 400, "InvalidRequestException:", `{"message":"bad input","traceId":"rid"}`},
		{"mapped error with members", nil, errCustom, nil, 409, "ResourceAlreadyExistsException:",
			`{"message":"exists","resourceArn":"arn1","resourceId":"id1","traceId":"rid"}`},
		{"other error", nil, errors.New("boom"), nil, 500, "InternalFailureException:", `{"message":"boom","traceId":"rid"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var gotCtx context.Context
			h := awsrest.Handle(mapErr,
				func(r *http.Request) (string, error) { return r.URL.Path, tt.decodeErr },
				func(ctx context.Context, in string) (any, error) { gotCtx = ctx; return tt.out, tt.callErr })
			rec := httptest.NewRecorder()
			rec.Header().Set("x-amzn-RequestId", "rid")
			req := httptest.NewRequest(http.MethodGet, "/p", nil).WithContext(context.WithValue(context.Background(), ctxKey{}, "v"))
			h.ServeHTTP(rec, req)
			if rec.Code != tt.wantStatus || rec.Header().Get("x-amzn-ErrorType") != tt.wantType || rec.Body.String() != tt.wantBody {
				t.Errorf("got %d %q %s, want %d %q %s", rec.Code, rec.Header().Get("x-amzn-ErrorType"), rec.Body, tt.wantStatus, tt.wantType, tt.wantBody)
			}
			if tt.decodeErr == nil && (gotCtx == nil || gotCtx.Value(ctxKey{}) != "v") {
				t.Error("call did not get the request's context")
			}
		})
	}
}

type ctxKey struct{}
