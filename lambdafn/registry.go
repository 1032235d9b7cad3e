package lambdafn

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/iotemu/iotemu/internal/awsid"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

// Registry maps function names to in-process handlers. It is safe for
// concurrent use; the zero value is not, use New.
type Registry struct {
	region, account string
	newID           func() string

	mu  sync.RWMutex
	fns map[string]*function
}

// function is one registered handler. aws-lambda-go's Handler returns its
// result in a pooled buffer that its next invocation reuses, because on AWS
// one execution environment runs one invocation at a time. Each concurrent
// invocation here therefore gets a Handler of its own from a pool, like a
// separate execution environment, and the result is copied before the
// Handler goes back.
type function struct {
	envs sync.Pool // of lambda.Handler
}

func newFunction(handler any) *function {
	f := &function{}
	f.envs.New = func() any { return lambda.NewHandler(handler) }
	return f
}

func (f *function) invoke(ctx context.Context, payload []byte) ([]byte, error) {
	h := f.envs.Get().(lambda.Handler)
	defer f.envs.Put(h)
	out, err := h.Invoke(ctx, payload)
	return bytes.Clone(out), err
}

// Config configures a Registry; zero fields get defaults.
type Config struct {
	Region    string // in InvokedFunctionArn, default "us-east-1"
	AccountID string // default "123456789012"
	// NewRequestID makes the AwsRequestID of each invocation; nil means
	// random UUIDs.
	NewRequestID func() string
}

// ErrFunctionNotFound reports an invocation of a name nothing is
// registered under (Lambda's ResourceNotFoundException).
var ErrFunctionNotFound = errors.New("function not found")

// FunctionError is a function's error result, as Lambda returns it.
type FunctionError struct {
	Type    string `json:"errorType"`
	Message string `json:"errorMessage"`
}

func (e *FunctionError) Error() string {
	return fmt.Sprintf("function error %s: %s", e.Type, e.Message)
}

// ErrorType returns errorType.
func (e *FunctionError) ErrorType() string { return e.Type }

// ErrorMessage returns errorMessage.
func (e *FunctionError) ErrorMessage() string { return e.Message }

// New returns an empty Registry.
func New(cfg Config) *Registry {
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.AccountID == "" {
		cfg.AccountID = "123456789012"
	}
	if cfg.NewRequestID == nil {
		cfg.NewRequestID = awsid.NewUUID
	}
	return &Registry{region: cfg.Region, account: cfg.AccountID, newID: cfg.NewRequestID, fns: map[string]*function{}}
}

// namePattern is Lambda's function name rule. AWS: API_CreateFunction.html#lambda-CreateFunction-request-FunctionName.
var namePattern = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)

// Register adds handler under a function name or ARN, replacing any
// handler of that name. handler is anything lambda.Start accepts.
func (r *Registry) Register(function string, handler any) error {
	name := resolve(function)
	if !namePattern.MatchString(name) {
		return fmt.Errorf("register %q: not a function name or ARN", function)
	}
	if t := reflect.TypeOf(handler); t == nil || t.Kind() != reflect.Func && !t.Implements(reflect.TypeFor[lambda.Handler]()) {
		return fmt.Errorf("register %s: handler is %T, not a function", name, handler)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fns[name] = newFunction(handler)
	return nil
}

// Names lists the registered function names, sorted.
func (r *Registry) Names() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]string, 0, len(r.fns))
	for n := range r.fns {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// ARN returns the function's ARN in this registry's region and account.
func (r *Registry) ARN(function string) string {
	return awsid.ARN("lambda", r.region, r.account, "function:"+resolve(function))
}

// Invoke runs the function synchronously with payload (its event JSON) and
// returns its result JSON. A handler error or panic is a *FunctionError.
func (r *Registry) Invoke(ctx context.Context, function string, payload []byte) (out []byte, err error) {
	name := resolve(function)
	r.mu.RLock()
	h, ok := r.fns[name]
	r.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("invoke %s: %w", name, ErrFunctionNotFound)
	}
	defer func() {
		if p := recover(); p != nil {
			// AWS: aws-lambda-go lambda/errors.go lambdaPanicResponse.
			out, err = nil, &FunctionError{Type: typeName(p), Message: fmt.Sprint(p)}
		}
	}()
	ctx = lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{AwsRequestID: r.newID(), InvokedFunctionArn: r.ARN(name)})
	out, err = h.invoke(ctx, payload)
	if err != nil {
		return nil, &FunctionError{Type: typeName(err), Message: err.Error()}
	}
	return out, nil
}

// resolve turns a name, a full ARN or a partial ARN (with or without a
// qualifier) into the function name.
// AWS: API_Invoke.html#lambda-Invoke-request-FunctionName.
func resolve(function string) string {
	parts := strings.Split(function, ":")
	for i, p := range parts {
		if p == "function" && i+1 < len(parts) {
			return parts[i+1]
		}
	}
	if len(parts) == 2 { // name:qualifier
		return parts[0]
	}
	return function
}

// typeName names an error or panic value as aws-lambda-go's runtime does.
// AWS: aws-lambda-go lambda/errors.go getErrorType.
func typeName(v any) string {
	t := reflect.TypeOf(v)
	if t.Kind() == reflect.Pointer {
		return t.Elem().Name()
	}
	return t.Name()
}

// Has reports whether a handler is registered under the function's name.
func (r *Registry) Has(function string) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	_, ok := r.fns[resolve(function)]
	return ok
}
