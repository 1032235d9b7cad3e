package lambdafn_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/iotemu/iotemu/lambdafn"
)

type event struct {
	Name string `json:"name"`
}

func TestRegistryInvoke(t *testing.T) {
	r := lambdafn.New(lambdafn.Config{Region: "eu-west-1", AccountID: "111122223333", NewRequestID: func() string { return "req-1" }})
	var gotARN, gotReq string
	err := r.Register("greet", func(ctx context.Context, e event) (map[string]string, error) {
		lc, _ := lambdacontext.FromContext(ctx)
		gotARN, gotReq = lc.InvokedFunctionArn, lc.AwsRequestID
		if e.Name == "" {
			return nil, errors.New("no name")
		}
		return map[string]string{"hello": e.Name}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, function, payload, want, wantErrType string
		wantNotFound                               bool
	}{
		{name: "by name", function: "greet", payload: `{"name":"a"}`, want: `{"hello":"a"}`},
		{name: "by ARN", function: "arn:aws:lambda:eu-west-1:111122223333:function:greet", payload: `{"name":"b"}`, want: `{"hello":"b"}`},
		{name: "by qualified ARN", function: "arn:aws:lambda:eu-west-1:111122223333:function:greet:live", payload: `{"name":"c"}`, want: `{"hello":"c"}`},
		{name: "by partial ARN", function: "111122223333:function:greet", payload: `{"name":"d"}`, want: `{"hello":"d"}`},
		{name: "function error", function: "greet", payload: `{}`, wantErrType: "errorString"},
		{name: "missing", function: "nope", payload: `{}`, wantNotFound: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := r.Invoke(context.Background(), tt.function, []byte(tt.payload))
			var fe *lambdafn.FunctionError
			switch {
			case tt.wantNotFound:
				if !errors.Is(err, lambdafn.ErrFunctionNotFound) {
					t.Fatalf("got %v, want ErrFunctionNotFound", err)
				}
			case tt.wantErrType != "":
				if !errors.As(err, &fe) || fe.Type != tt.wantErrType || fe.Message != "no name" {
					t.Fatalf("got %v, want function error %s", err, tt.wantErrType)
				}
			case err != nil || string(out) != tt.want:
				t.Fatalf("got %s, %v, want %s", out, err, tt.want)
			}
		})
	}
	if gotARN != "arn:aws:lambda:eu-west-1:111122223333:function:greet" || gotReq != "req-1" {
		t.Errorf("lambda context: got %s %s", gotARN, gotReq)
	}
}

func TestRegistryPanicAndValidation(t *testing.T) {
	r := lambdafn.New(lambdafn.Config{})
	if err := r.Register("boom", func() error { panic("kaput") }); err != nil {
		t.Fatal(err)
	}
	_, err := r.Invoke(context.Background(), "boom", []byte(`{}`))
	var fe *lambdafn.FunctionError
	if !errors.As(err, &fe) || fe.Message != "kaput" || fe.Type != "string" {
		t.Errorf("got %v, want a function error for the panic", err)
	}
	if err := r.Register("bad name!", func() {}); err == nil {
		t.Error("got nil, want an error for an invalid name")
	}
	if err := r.Register("notfunc", 42); err == nil {
		t.Error("got nil, want an error for a non-function handler")
	}
	if got := r.Names(); len(got) != 1 || got[0] != "boom" {
		t.Errorf("got %v, want [boom]", got)
	}
}

// TestConcurrentInvocationsDoNotShareResults: aws-lambda-go reuses its
// output buffer between invocations of one Handler; concurrent invocations
// here must each get their own result.
func TestConcurrentInvocationsDoNotShareResults(t *testing.T) {
	r := lambdafn.New(lambdafn.Config{})
	if err := r.Register("echo", func(in map[string]int) (map[string]int, error) { return in, nil }); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			want := fmt.Sprintf(`{"n":%d}`, i)
			for range 20 {
				out, err := r.Invoke(context.Background(), "echo", []byte(want))
				if err != nil || strings.TrimSpace(string(out)) != want {
					t.Errorf("got %s, %v; want %s", out, err, want)
					return
				}
			}
		})
	}
	wg.Wait()
}
