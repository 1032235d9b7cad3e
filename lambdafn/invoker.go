package lambdafn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/iotemu/iotemu/internal/awsid"
	"github.com/iotemu/iotemu/sigv4"
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
	// Endpoint is the Lambda Invoke API for this function when it is
	// neither in process nor a command; it is a per-function endpoint
	// (the bare name goes in the path). "" means the Invoker's per-function
	// endpoints, else its default endpoint.
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
	Via           string // ViaInProcess, ViaCommand or the endpoint's URL
}

// Response.Via of an invocation not sent to an endpoint.
const (
	ViaInProcess = "in-process" // a handler of the Registry
	ViaCommand   = "command"    // a process of Commands
)

// InvokerConfig configures an Invoker.
type InvokerConfig struct {
	// Functions are the in-process handlers, tried first (nil: none).
	Functions *Registry
	// Commands are the functions run as processes, tried next (nil:
	// none). The Invoker does not own them: their owner closes them.
	Commands *Commands
	// Endpoints are per-function Lambda Invoke API base URLs by function
	// name (the binary's -lambda-endpoints name=url,...), tried before
	// Endpoint. The bare name goes in their path.
	Endpoints map[string]string
	// Endpoint is the default Lambda Invoke API base URL (LocalStack,
	// MiniStack, the Runtime Interface Emulator...); "" means none.
	Endpoint string
	// NameInPath sends the bare function name, not the reference as given
	// (a full ARN), to the default endpoint too; needed when it is a
	// Runtime Interface Emulator.
	NameInPath bool
	// HTTPClient sends Invoke API requests (nil: http.DefaultClient).
	HTTPClient *http.Client
	// Region and the credentials sign Invoke API requests with SigV4; an
	// empty AccessKeyID sends them unsigned.
	Region                                     string
	AccessKeyID, SecretAccessKey, SessionToken string
	// Inject, when set, is asked before every invocation (iotemu's fault
	// injection): an error fails it as the function would (an Unhandled
	// FunctionError with the error's message), timeout as Lambda answers a
	// function that timed out (Sandbox.Timedout), without running it.
	Inject func(function string) (timeout bool, err error)
}

// Invoker is the one component that decides, for every caller (rules,
// API Gateway routes and authorizers, custom authorizers), how a function
// reference (a name, a full or partial ARN) is invoked, resolving it the
// same way for each:
//
//  1. in process when its Registry has the function;
//  2. as a command when its Commands have it;
//  3. through the Lambda Invoke API at the request's endpoint, else the
//     function's endpoint in Endpoints, else the default endpoint;
//  4. else ErrFunctionNotFound.
//
// It is safe for concurrent use.
type Invoker struct {
	functions  *Registry
	commands   *Commands
	endpoints  map[string]string
	endpoint   string
	nameInPath bool
	api        invokeAPI
	inject     func(function string) (bool, error)

	mu     sync.Mutex
	serial map[string]*sync.Mutex // by endpoint and function
	added  map[string]string      // per-function endpoints of SetEndpoint, over endpoints
}

// NewInvoker returns an Invoker.
func NewInvoker(cfg InvokerConfig) *Invoker {
	client := cfg.HTTPClient
	if client == nil {
		client = http.DefaultClient
	}
	signer := sigv4.Signer{AccessKeyID: cfg.AccessKeyID, SecretAccessKey: cfg.SecretAccessKey, SessionToken: cfg.SessionToken}
	return &Invoker{
		functions: cfg.Functions, commands: cfg.Commands, endpoints: cfg.Endpoints, endpoint: cfg.Endpoint,
		nameInPath: cfg.NameInPath, inject: cfg.Inject,
		api:    invokeAPI{client: client, region: cfg.Region, signer: signer},
		serial: map[string]*sync.Mutex{}, added: map[string]string{},
	}
}

// SetEndpoint gives the function name (a name or ARN; stored by name) a
// Lambda Invoke API endpoint of its own, as InvokerConfig.Endpoints does,
// at any time (fixtures applied to a running emulator). An endpoint set
// already for that name is an error unless it is the same.
func (i *Invoker) SetEndpoint(function, endpoint string) error {
	name := resolve(function)
	if !namePattern.MatchString(name) {
		return fmt.Errorf("set endpoint: %q is not a function name or ARN", function)
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	cur := i.added[name]
	if cur == "" {
		cur = i.endpoints[name]
	}
	if cur != "" && cur != endpoint {
		return fmt.Errorf("set endpoint of %s: it has endpoint %s already", name, cur)
	}
	i.added[name] = endpoint
	return nil
}

// Functions returns the in-process registry (nil when there is none).
func (i *Invoker) Functions() *Registry { return i.functions }

// Invoke runs one invocation. A function that ran and failed returns its
// Response (FunctionError set, Payload its error document) together with a
// *FunctionError; a function nobody can run returns an error matching
// ErrFunctionNotFound and Via "".
func (i *Invoker) Invoke(ctx context.Context, req Request) (Response, error) {
	if i.inject != nil {
		if timeout, err := i.inject(req.Function); err != nil {
			return injectedFailure(req, err, timeout)
		}
	}
	if i.functions != nil && i.functions.Has(req.Function) {
		out, err := i.functions.Invoke(ctx, req.Function, req.Payload)
		return local(req, ViaInProcess, out, err)
	}
	if i.commands != nil && i.commands.Has(req.Function) {
		out, err := i.commands.Invoke(ctx, req.Function, req.Payload)
		return local(req, ViaCommand, out, err)
	}
	ep, name, perFunction := i.route(req)
	if ep == "" {
		return Response{}, fmt.Errorf("invoke %s: %w (no in-process function, no command, no Lambda endpoint)", req.Function, ErrFunctionNotFound)
	}
	if req.Serial || perFunction {
		l := i.lock(ep + " " + name)
		l.Lock()
		defer l.Unlock()
	}
	res, err := i.api.invoke(ctx, ep, name, req)
	res.Via = ep
	return res, err
}

// route picks the Invoke API endpoint of a request and the FunctionName
// of its path. A per-function endpoint (the request's, or Endpoints')
// gets the bare name: the Runtime Interface Emulator serves only
// /functions/function/ and /functions/{AWS_LAMBDA_FUNCTION_NAME}/ and
// answers 404 to an ARN, while MiniStack and LocalStack accept both. The
// default endpoint gets the reference as given (a full ARN keeps its
// region and account for LocalStack), unless NameInPath. Invocations at a
// per-function endpoint are serialised (perFunction), since such an
// endpoint is typically one RIE, which runs one invocation at a time.
// AWS: https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#lambda-Invoke-request-FunctionName
// AWS: https://github.com/aws/aws-lambda-runtime-interface-emulator/blob/develop/cmd/aws-lambda-rie/http.go
func (i *Invoker) route(req Request) (endpoint, name string, perFunction bool) {
	bare := resolve(req.Function)
	if req.Endpoint != "" {
		return req.Endpoint, bare, false // req.Serial says
	}
	i.mu.Lock()
	ep := i.added[bare]
	i.mu.Unlock()
	if ep == "" {
		ep = i.endpoints[bare]
	}
	if ep != "" {
		return ep, bare, true
	}
	if i.nameInPath {
		return i.endpoint, bare, false
	}
	return i.endpoint, req.Function, false
}

// local turns the result of an in-process or command invocation into the
// Response the Invoke API would give.
func local(req Request, via string, out []byte, err error) (Response, error) {
	status := 200
	if req.invocationType() == Event {
		status = 202
	}
	res := Response{StatusCode: status, Via: via}
	var fe *FunctionError
	if errors.As(err, &fe) {
		res.FunctionError = "Unhandled"
		res.Payload = out
		if !json.Valid(out) {
			res.Payload, _ = json.Marshal(fe) // two strings always marshal
		}
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

// injectedFailure answers an invocation failed by fault injection as the
// function itself would have failed: Unhandled with the error's message,
// or Lambda's timeout answer (the timeout is reported as 3 s, Lambda's
// default).
// AWS: https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-invocation.html#troubleshooting-timeouts
func injectedFailure(req Request, err error, timeout bool) (Response, error) {
	fe := &FunctionError{Type: "InjectedFault", Message: err.Error()}
	if timeout {
		fe = timedOut(awsid.NewUUID(), 3*time.Second).fe
	}
	out, _ := json.Marshal(fe) // two strings always marshal
	return local(req, ViaInProcess, out, fe)
}
