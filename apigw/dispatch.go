package apigw

import (
	"context"
	"encoding/base64"
	"fmt"
)

// route handles one inbound text message: select the route, invoke its
// integration, send the body back on two-way routes. No route and no
// $default sends the Forbidden frame; an integration failure sends the
// Internal server error frame, on one-way routes too. The connection stays
// open either way. AWS: https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-api-develop-routes.html#websocket-api-develop-routes, docs/compatibility.md "API Gateway WebSocket mimic", https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-route-response.html#apigateway-websocket-api-route-response.
func (s *Server) route(ctx context.Context, c *conn, data []byte) {
	a := s.live(c)
	key, isJSON := a.sel.evaluate(data)
	rt, ok := a.routes[key]
	if !isJSON || key == KeyConnect || key == KeyDisconnect {
		ok = false
	}
	if !ok {
		rt, ok = a.routes[KeyDefault]
	}
	if !ok {
		s.log.Info("API Gateway route "+key+" => no route, Forbidden", "api", a.ID, "connectionId", c.id, "routeKey", key)
		_ = c.send(errorFrame("Forbidden", c.id, s.cfg.NewID(RequestID))) // fails only when closing
		return
	}
	s.log.Info("API Gateway route "+rt.Key+" from "+c.id, "api", a.ID, "connectionId", c.id, "routeKey", rt.Key, "bytes", len(data))
	ev := c.messageEvent(a, rt.Key, string(data))
	out, err := s.invoke(ctx, rt.Integration, ev)
	var res *ProxyResponse
	if err == nil {
		res, err = parseProxyResponse(out)
	}
	if err != nil {
		s.log.Warn("integration failed", "api", c.api.ID, "route", rt.Key, "connection", c.id, "error", err)
		_ = c.send(errorFrame("Internal server error", c.id, ev.RequestContext.RequestID))
		return
	}
	if !rt.TwoWay {
		return // AWS: one-way routes do not pass the backend response on
	}
	body := []byte(res.Body)
	if res.IsBase64Encoded {
		if b, err := base64.StdEncoding.DecodeString(res.Body); err == nil {
			body = b
		}
	}
	_ = c.send(body) // fails only when closing or full; AWS drops those too
}

// errorFrame is API Gateway's error message, byte for byte, with its
// irregular spacing: {"message": "Forbidden", "connectionId":"…", "requestId":"…"}.
// AWS: docs/compatibility.md "API Gateway WebSocket mimic" (observed frames).
func errorFrame(message, connID, reqID string) []byte {
	return fmt.Appendf(nil, "{\"message\": \"%s\", \"connectionId\":\"%s\", \"requestId\":\"%s\"}", message, connID, reqID)
}

// disconnect runs $disconnect after the socket has closed, best-effort:
// its result is ignored, as AWS says: "$disconnect is a best-effort event".
func (s *Server) disconnect(ctx context.Context, c *conn, code int, reason string) {
	a := s.live(c)
	rt, ok := a.routes[KeyDisconnect]
	if !ok {
		return
	}
	if _, err := s.invoke(ctx, rt.Integration, c.disconnectEvent(a, code, reason)); err != nil {
		s.log.Warn("$disconnect integration failed", "api", c.api.ID, "connection", c.id, "error", err)
	}
}
