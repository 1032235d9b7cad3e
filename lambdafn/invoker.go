package lambdafn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// InvocationType is the Invoke API's X-Amz-Invocation-Type.
// AWS: https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#lambda-Invoke-request-InvocationType
type InvocationType string

// The invocation types iotemu uses.
const (
	RequestResponse InvocationType = "RequestResponse" // synchronous: the result is returned
	Event           InvocationType = "Event"           // asynchronous: 202, no result
)

// Request is one invocation.
type Request struct {
	// Function is a name, a full ARN or a partial ARN.
	Function string
	// Payload is the event JSON.
	Payload []byte
	// Type is RequestResponse when empty.
	Type InvocationType
	// Endpoint is the Lambda Invoke API for this function when it is not
	// registered in process; "" means the Invoker's default endpoint.
	Endpoint string
	// Serial runs one invocation of this function at that endpoint at a
	// time, as the Runtime Interface Emulator requires.
	Serial bool
}

func (r Request) invocationType() InvocationType {
	if r.Type == "" {
		return RequestResponse
	}
	return r.Type
}

// Response is what an invocation returned.
type Response struct {
	Payload       []byte // the result JSON (synchronous), or the error document of a function error
	StatusCode    int    // 200 (RequestResponse) or 202 (Event), as the Invoke API answers
	FunctionError string // "Unhandled" when the function failed
	Via           string // ViaInProcess or the endpoint's URL
}

// ViaInProcess is Response.Via of an in-process invocation.
const ViaInProcess = "in-process"

// InvokerConfig configures an Invoker.
type InvokerConfig struct {
	// Functions are the in-process handlers, tried first (nil: none).
	Functions *Registry
	// Endpoint is the default Lambda Invoke API base URL (LocalStack,
	// MiniStack, the Runtime Interface Emulator...); "" means none.
	Endpoint string
	// HTTPClient sends Invoke API requests (nil: http.DefaultClient).
	HTTPClient *http.Client
	// Region and the credentials sign Invoke API requests with SigV4; an
	// empty AccessKeyID sends them unsigned.
	Region                                     string
	AccessKeyID, SecretAccessKey, SessionToken string
}

// Invoker is the one component that decides, for every caller (rules,
// API Gateway routes and authorizers, custom authorizers), how a function
// reference is invoked: in process when its Registry has the function,
// else through the Lambda Invoke API at the request's or the default
// endpoint, else ErrFunctionNotFound. It is safe for concurrent use.
type Invoker struct {
	functions *Registry
	endpoint  string
	api       invokeAPI

	mu     sync.Mutex
	serial map[string]*sync.Mutex // by endpoint and function
}

// NewInvoker returns an Invoker.
func NewInvoker(cfg InvokerConfig) *Invoker {
	client := cfg.HTTPClient
	if client == nil {
		client = http.DefaultClient
	}
	creds := aws.Credentials{AccessKeyID: cfg.AccessKeyID, SecretAccessKey: cfg.SecretAccessKey, SessionToken: cfg.SessionToken}
	return &Invoker{
		functions: cfg.Functions, endpoint: cfg.Endpoint,
		api:    invokeAPI{client: client, region: cfg.Region, creds: creds},
		serial: map[string]*sync.Mutex{},
	}
}

// Functions returns the in-process registry (nil when there is none).
func (i *Invoker) Functions() *Registry { return i.functions }

// Invoke runs one invocation. A function that ran and failed returns its
// Response (FunctionError set, Payload its error document) together with a
// *FunctionError; a function nobody can run returns an error matching
// ErrFunctionNotFound and Via "".
func (i *Invoker) Invoke(ctx context.Context, req Request) (Response, error) {
	if i.functions != nil && i.functions.Has(req.Function) {
		return i.inProcess(ctx, req)
	}
	ep := req.Endpoint
	if ep == "" {
		ep = i.endpoint
	}
	if ep == "" {
		return Response{}, fmt.Errorf("invoke %s: %w (no in-process function, no Lambda endpoint)", req.Function, ErrFunctionNotFound)
	}
	if req.Serial {
		l := i.lock(ep + " " + req.Function)
		l.Lock()
		defer l.Unlock()
	}
	res, err := i.api.invoke(ctx, ep, req)
	res.Via = ep
	return res, err
}

func (i *Invoker) inProcess(ctx context.Context, req Request) (Response, error) {
	out, err := i.functions.Invoke(ctx, req.Function, req.Payload)
	status := 200
	if req.invocationType() == Event {
		status = 202
	}
	res := Response{StatusCode: status, Via: ViaInProcess}
	var fe *FunctionError
	if errors.As(err, &fe) {
		res.FunctionError = "Unhandled"
		res.Payload, _ = json.Marshal(fe) // two strings always marshal
		return res, err
	}
	if err != nil {
		return Response{}, err
	}
	if json.Valid(out) {
		res.Payload = out
	}
	return res, nil
}

func (i *Invoker) lock(key string) *sync.Mutex {
	i.mu.Lock()
	defer i.mu.Unlock()
	l, ok := i.serial[key]
	if !ok {
		l = &sync.Mutex{}
		i.serial[key] = l
	}
	return l
}
