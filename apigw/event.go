package apigw

import (
	"net"
	"net/http"
	"net/url"
	"strings"
)

// Event is the Lambda-proxy event of a WebSocket route, in AWS's 2024 shape
// (null fields omitted). It unmarshals into aws-lambda-go's
// events.APIGatewayWebsocketProxyRequest; the field order follows AWS's
// recorded events. AWS: aws-lambda-go events/testdata/apigw-websocket-request-*.json
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-mapping-template-reference.html#apigateway-websocket-api-mapping-template-reference).
type Event struct {
	Headers                         map[string]string   `json:"headers,omitempty"`
	MultiValueHeaders               map[string][]string `json:"multiValueHeaders,omitempty"`
	QueryStringParameters           map[string]string   `json:"queryStringParameters,omitempty"`
	MultiValueQueryStringParameters map[string][]string `json:"multiValueQueryStringParameters,omitempty"`
	StageVariables                  map[string]string   `json:"stageVariables,omitempty"`
	RequestContext                  RequestContext      `json:"requestContext"`
	Body                            *string             `json:"body,omitempty"` // MESSAGE only
	IsBase64Encoded                 bool                `json:"isBase64Encoded"`
}

// RequestContext is the event's requestContext.
type RequestContext struct {
	RouteKey             string         `json:"routeKey"`
	MessageID            string         `json:"messageId,omitempty"`
	DisconnectStatusCode int            `json:"disconnectStatusCode,omitempty"`
	Authorizer           map[string]any `json:"authorizer,omitempty"`
	EventType            string         `json:"eventType"`
	ExtendedRequestID    string         `json:"extendedRequestId"`
	RequestTime          string         `json:"requestTime"`
	MessageDirection     string         `json:"messageDirection"`
	DisconnectReason     *string        `json:"disconnectReason,omitempty"`
	Stage                string         `json:"stage"`
	ConnectedAt          int64          `json:"connectedAt"`
	RequestTimeEpoch     int64          `json:"requestTimeEpoch"`
	Identity             Identity       `json:"identity"`
	RequestID            string         `json:"requestId"`
	DomainName           string         `json:"domainName"`
	ConnectionID         string         `json:"connectionId"`
	APIID                string         `json:"apiId"`
}

// Identity is requestContext.identity: userAgent only when the client sent
// one. AWS: https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-mapping-template-reference.html#apigateway-websocket-api-mapping-template-reference.
type Identity struct {
	UserAgent string `json:"userAgent,omitempty"`
	SourceIP  string `json:"sourceIp"`
}

// The eventType values.
const (
	EventConnect    = "CONNECT"
	EventMessage    = "MESSAGE"
	EventDisconnect = "DISCONNECT"
)

// newEvent fills what every event of c carries; a is the API it is routed
// with (its stage variables).
func (c *conn) newEvent(a *api, routeKey, eventType string) *Event {
	now := c.srv.cfg.Now()
	reqID := c.srv.cfg.NewID(RequestID)
	return &Event{StageVariables: a.StageVariables, RequestContext: RequestContext{
		RouteKey:          routeKey,
		Authorizer:        c.authorizer,
		EventType:         eventType,
		ExtendedRequestID: reqID, // AWS: "Same as $context.extendedRequestId"
		RequestTime:       requestTime(now),
		MessageDirection:  "IN",
		Stage:             c.api.Stage,
		ConnectedAt:       epochMillis(c.connectedAt),
		RequestTimeEpoch:  epochMillis(now),
		Identity:          c.identity,
		RequestID:         reqID,
		DomainName:        c.domainName,
		ConnectionID:      c.id,
		APIID:             c.api.ID,
	}}
}

// connectEvent carries the handshake's headers and query string.
func (c *conn) connectEvent(r *http.Request) *Event {
	ev := c.newEvent(c.api, KeyConnect, EventConnect)
	ev.Headers, ev.MultiValueHeaders = proxyHeaders(r, c.identity.SourceIP, c.traceID, false)
	ev.QueryStringParameters, ev.MultiValueQueryStringParameters = queryParams(r.URL)
	return ev
}

// messageEvent carries the frame's text unparsed.
func (c *conn) messageEvent(a *api, routeKey, body string) *Event {
	ev := c.newEvent(a, routeKey, EventMessage)
	ev.RequestContext.MessageID = c.srv.cfg.NewID(MessageID)
	ev.Body = &body
	return ev
}

// disconnectEvent carries the close code and reason and AWS's fixed header
// set. AWS: aws-lambda-go events/testdata/apigw-websocket-request-disconnect.json.
func (c *conn) disconnectEvent(a *api, code int, reason string) *Event {
	ev := c.newEvent(a, KeyDisconnect, EventDisconnect)
	ev.RequestContext.DisconnectStatusCode = code
	ev.RequestContext.DisconnectReason = &reason
	ev.Headers = map[string]string{"Host": c.domainName, "x-api-key": "", "X-Forwarded-For": "", "x-restapi": ""}
	ev.MultiValueHeaders = map[string][]string{}
	for k, v := range ev.Headers {
		ev.MultiValueHeaders[k] = []string{v}
	}
	return ev
}

// awsHeaderNames re-cases Go's canonical header names to the spelling AWS
// passes on (clients' own), for handlers that look them up case-sensitively.
// AWS: docs/compatibility.md "API Gateway WebSocket mimic".
var awsHeaderNames = map[string]string{
	"Sec-Websocket-Extensions": "Sec-WebSocket-Extensions",
	"Sec-Websocket-Key":        "Sec-WebSocket-Key",
	"Sec-Websocket-Version":    "Sec-WebSocket-Version",
	"Sec-Websocket-Protocol":   "Sec-WebSocket-Protocol",
}

// proxyHeaders builds headers/multiValueHeaders of a CONNECT event (without
// Connection and Upgrade) or of an authorizer request (with them, and
// content-length 0), adding the X-Forwarded-* and trace headers.
// AWS: https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-mapping-template-reference.html#apigateway-websocket-api-mapping-template-reference, https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-lambda-auth.html#apigateway-websocket-api-lambda-auth.
func proxyHeaders(r *http.Request, sourceIP, traceID string, authorizer bool) (map[string]string, map[string][]string) {
	multi := map[string][]string{}
	for name, vals := range r.Header {
		if !authorizer && (name == "Connection" || name == "Upgrade") {
			continue
		}
		if aws, ok := awsHeaderNames[name]; ok {
			name = aws
		}
		multi[name] = append([]string(nil), vals...)
	}
	multi["Host"] = []string{r.Host}
	if authorizer {
		multi["content-length"] = []string{"0"}
	}
	if _, ok := multi["X-Amzn-Trace-Id"]; !ok {
		multi["X-Amzn-Trace-Id"] = []string{traceID}
	}
	multi["X-Forwarded-For"] = append(multi["X-Forwarded-For"], sourceIP)
	multi["X-Forwarded-Port"] = []string{localPort(r)}
	multi["X-Forwarded-Proto"] = []string{"http"}
	if r.TLS != nil {
		multi["X-Forwarded-Proto"] = []string{"https"}
	}
	single := make(map[string]string, len(multi))
	for k, v := range multi {
		single[k] = strings.Join(v, ", ")
	}
	return single, multi
}

// localPort is the port the client connected to, from Host.
func localPort(r *http.Request) string {
	if _, port, err := net.SplitHostPort(r.Host); err == nil {
		return port
	}
	if r.TLS != nil {
		return "443"
	}
	return "80"
}

// queryParams returns nil maps when the URL has no query: AWS omits the
// keys then. The single-value map holds the last value, as in REST proxy
// events. AWS: https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-mapping-template-reference.html#apigateway-websocket-api-mapping-template-reference.
func queryParams(u *url.URL) (map[string]string, map[string][]string) {
	if u.RawQuery == "" {
		return nil, nil
	}
	multi := map[string][]string(u.Query())
	single := make(map[string]string, len(multi))
	for k, v := range multi {
		single[k] = v[len(v)-1]
	}
	return single, multi
}
