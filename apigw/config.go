package apigw

import (
	"crypto/tls"
	"errors"
	"fmt"
	"github.com/iotemu/iotemu/clock"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// Config configures a Server. The zero value serves no API yet (add them
// with AddAPI) with AWS's limits, on 127.0.0.1 and a port the system picks.
type Config struct {
	// Addr is where Start listens; default "127.0.0.1:0".
	Addr string

	// APIs are the WebSocket APIs served from the start.
	APIs []API

	// Functions runs Function integrations (Lambda functions by name or
	// ARN); nil means Function integrations fail as a missing function.
	Functions FunctionInvoker

	// Region and AccountID appear in authorizers' methodArn.
	Region    string // default "us-east-1"
	AccountID string // default "123456789012"

	Limits Limits
	Compat Compat

	// Clock runs the idle and maximum-duration limits; nil is the wall
	// clock.
	Clock clock.Clock
	// Now is the clock of events and GetConnection; nil means Clock.Now.
	Now func() time.Time
	// NewID makes connection, request and message IDs; nil means AWS's
	// shape: 11 random bytes in URL-safe base64 ("R1kmxc2VNjMCFIA=").
	NewID func(IDKind) string

	// TLS, when set, serves wss:// and https:// (@connections) on the same
	// port as ws:// and http://: a connection whose first byte opens a TLS
	// handshake is served over TLS with it (docs/compatibility.md "API
	// Gateway WebSocket mimic" "TLS on the API port"). Its NextProtos
	// should offer only http/1.1 (WebSocket upgrades are HTTP/1.1).
	TLS *tls.Config

	// HTTPReadTimeout and HTTPIdleTimeout bound the reading of one request
	// (body included) and a kept-alive connection between requests on this
	// port, so that a client sending slowly holds only its own connection
	// for a while; zero means 30 s and 60 s (not AWS figures: AWS documents
	// none). WebSocket connections are not bound by them once upgraded.
	HTTPReadTimeout, HTTPIdleTimeout time.Duration

	// Logger receives the server's logs; nil discards them.
	Logger *slog.Logger
	// ControlPlane, when set, serves the non-WebSocket requests under /v2/
	// on this port: the apigatewayv2 control plane, so that an SDK pointed
	// at the API port finds it too.
	ControlPlane http.Handler
}

// Limits are API Gateway's WebSocket quotas; zero means AWS's value. Tests
// shorten the durations.
// AWS: apigateway-execution-service-websocket-limits-table.html (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html#apigateway-execution-service-websocket-limits-table).
type Limits struct {
	MessageBytes       int           // inbound message and PostToConnection data, default 131072 (128 KB)
	FrameBytes         int           // inbound frame, default 32768 (32 KB); enforced on listeners the Server serves itself
	IdleTimeout        time.Duration // default 10 min without a data message either way
	MaxDuration        time.Duration // connection duration, default 2 h
	IntegrationTimeout time.Duration // default 29 s
	// SendQueue is how many outbound messages a connection buffers before
	// PostToConnection answers LimitExceededException; default 256. (Not
	// an AWS quota: AWS's buffer size is not documented.)
	SendQueue int
}

// Compat holds deliberate or unconfirmed deviations from AWS, each named;
// the zero value is the behaviour believed to be AWS's. docs/compatibility.md
// ("API Gateway WebSocket mimic") lists them.
type Compat struct {
	// EchoFirstSubprotocol answers a handshake whose $connect integration
	// returned no Sec-WebSocket-Protocol with the client's first requested
	// protocol, as serverless-offline does. AWS never picks one itself, so
	// browsers fail such connections (https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-connect-route-subprotocol.html#websocket-connect-route-subprotocol).
	EchoFirstSubprotocol bool
	// CopyConnectHeaders copies every header of the $connect integration's
	// response into the 101 response; by default only Sec-WebSocket-Protocol
	// (which other headers AWS copies is unconfirmed: docs/compatibility.md "API Gateway WebSocket mimic").
	CopyConnectHeaders bool
	// PingResetsIdle lets ping and pong frames reset the idle timer. By
	// default only data messages do (unconfirmed on AWS: docs/compatibility.md "API Gateway WebSocket mimic").
	PingResetsIdle bool
}

// IDKind says which identifier NewID is asked for.
type IDKind int

// The identifiers of events and connections.
const (
	ConnectionID IDKind = iota // requestContext.connectionId
	RequestID                  // requestId = extendedRequestId
	MessageID                  // messageId of MESSAGE events
)

// AWS: apigateway-execution-service-websocket-limits-table.html.
const (
	defaultMessageBytes       = 128 * 1024
	defaultFrameBytes         = 32 * 1024
	defaultIdleTimeout        = 10 * time.Minute
	defaultMaxDuration        = 2 * time.Hour
	defaultIntegrationTimeout = 29 * time.Second
	defaultSendQueue          = 256
)

func (c Config) withDefaults() Config {
	if c.Addr == "" {
		c.Addr = "127.0.0.1:0"
	}
	if c.Region == "" {
		c.Region = "us-east-1"
	}
	if c.AccountID == "" {
		c.AccountID = "123456789012"
	}
	c.Limits = c.Limits.withDefaults()
	c.Clock = clock.OrReal(c.Clock)
	if c.Now == nil {
		c.Now = c.Clock.Now
	}
	if c.NewID == nil {
		c.NewID = func(IDKind) string { return newAWSID() }
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

func (l Limits) withDefaults() Limits {
	set := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	setD := func(v *time.Duration, d time.Duration) {
		if *v == 0 {
			*v = d
		}
	}
	set(&l.MessageBytes, defaultMessageBytes)
	set(&l.FrameBytes, defaultFrameBytes)
	set(&l.SendQueue, defaultSendQueue)
	setD(&l.IdleTimeout, defaultIdleTimeout)
	setD(&l.MaxDuration, defaultMaxDuration)
	setD(&l.IntegrationTimeout, defaultIntegrationTimeout)
	return l
}

func (l Limits) validate() error {
	if l.MessageBytes < 0 || l.FrameBytes < 0 || l.SendQueue < 0 || l.IdleTimeout < 0 || l.MaxDuration < 0 || l.IntegrationTimeout < 0 {
		return errors.New("limits must not be negative")
	}
	return nil
}

// API is one WebSocket API with one stage.
type API struct {
	// ID is the apiId (10 lowercase letters and digits); default: random.
	ID string
	// Name is for humans and logs.
	Name string
	// Stage is the first path segment of the API's URL; default "prod".
	// Stages are unique per Server, since all APIs share one port.
	Stage string
	// RouteSelectionExpression picks a route from a message, such as
	// "$request.body.action" (the default).
	RouteSelectionExpression string
	// DomainName is requestContext.domainName and the Host of DISCONNECT
	// events; default: the Host the client connected to, so that
	// "http://"+domainName+"/"+stage is the management endpoint.
	DomainName string
	// Routes by key: $connect, $disconnect, $default or a custom key.
	Routes []Route
	// Authorizer is a Lambda REQUEST authorizer on $connect, or nil.
	Authorizer *Authorizer
	// StageVariables are the stage's variables, passed to integrations and
	// the authorizer as stageVariables (omitted from events when empty).
	// AWS: https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-api-stages.html#websocket-api-stages.stage-variables
	StageVariables map[string]string
}

// Route is one route of an API.
type Route struct {
	Key         string
	Integration Integration
	// TwoWay sends the integration's body back to the client, as a route
	// response with RouteResponseSelectionExpression "$default" does.
	TwoWay bool
}

// Authorizer is a Lambda REQUEST authorizer on $connect.
// AWS: apigateway-websocket-api-lambda-auth.html.
type Authorizer struct {
	Name        string
	Integration Integration
	// IdentitySource lists request parameters that must be present and
	// non-empty, or the handshake gets 401 without calling the function:
	// "route.request.header.<Name>" or "route.request.querystring.<name>".
	IdentitySource []string
}

var apiIDPattern = regexp.MustCompile(`^[a-z0-9]{10}$`)

// validate checks api (defaulted) and returns its routes by key.
func (api *API) validate() error {
	var errs []error
	if !apiIDPattern.MatchString(api.ID) {
		errs = append(errs, fmt.Errorf("api id %q is not 10 lowercase letters or digits", api.ID))
	}
	if strings.ContainsAny(api.Stage, "/@?#") || api.Stage == "" {
		errs = append(errs, fmt.Errorf("stage %q is not a path segment", api.Stage))
	}
	seen := map[string]bool{}
	for i, r := range api.Routes {
		switch {
		case r.Key == "":
			errs = append(errs, fmt.Errorf("routes[%d]: key is required", i))
		case strings.HasPrefix(r.Key, "$") && r.Key != KeyConnect && r.Key != KeyDisconnect && r.Key != KeyDefault:
			// AWS: websocket-api-develop-routes.html "This prefix is reserved for predefined routes."
			errs = append(errs, fmt.Errorf("routes[%d]: key %q: the $ prefix is reserved", i, r.Key))
		case seen[r.Key]:
			errs = append(errs, fmt.Errorf("routes[%d]: duplicate key %q", i, r.Key))
		case r.Integration == nil:
			errs = append(errs, fmt.Errorf("routes[%d] (%s): integration is required", i, r.Key))
		}
		seen[r.Key] = true
	}
	if a := api.Authorizer; a != nil {
		if a.Integration == nil {
			errs = append(errs, errors.New("authorizer: integration is required"))
		}
		for _, src := range a.IdentitySource {
			if _, _, err := parseIdentitySource(src); err != nil {
				errs = append(errs, fmt.Errorf("authorizer: %w", err))
			}
		}
	}
	return errors.Join(errs...)
}

// The predefined route keys. AWS: websocket-api-develop-routes.html.
const (
	KeyConnect    = "$connect"
	KeyDisconnect = "$disconnect"
	KeyDefault    = "$default"
)
