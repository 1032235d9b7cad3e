package apigw

import (
	"context"
	"net"
	"net/http"
	"strconv"

	"github.com/gorilla/websocket"
)

// handshake runs a connection's opening: the authorizer, then $connect,
// and upgrades only if both accept; otherwise the client gets their HTTP
// status and no upgrade. AWS: apigateway-websocket-api-route-keys-connect-disconnect.html
// ("Until execution of the integration associated with the $connect route
// is completed, the upgrade request is pending").
func (s *Server) handshake(w http.ResponseWriter, r *http.Request, a *api) {
	if !websocket.IsWebSocketUpgrade(r) {
		writeMessage(w, http.StatusUpgradeRequired, "Upgrade Required")
		return
	}
	if !s.track() {
		writeMessage(w, http.StatusServiceUnavailable, "Service Unavailable")
		return
	}
	defer s.wg.Done()
	ctx, cancel := context.WithCancel(r.Context())
	defer context.AfterFunc(s.base, cancel)() //nolint:contextcheck // ctx is the request's; the server's base context only ends it early on Close
	defer cancel()

	c := s.newConn(a, r)
	if a.Authorizer != nil {
		auth, status := s.authorize(ctx, c, r)
		if status != 0 {
			s.log.Info("API Gateway $connect "+a.Stage+" => "+strconv.Itoa(status)+" (authorizer)", "api", a.ID, "stage", a.Stage, "status", status)
			writeMessage(w, status, http.StatusText(status))
			return
		}
		c.authorizer = auth
	}
	hdr, res := s.connect(ctx, c, r)
	if res != nil {
		s.log.Info("API Gateway $connect "+a.Stage+" => "+strconv.Itoa(res.StatusCode), "api", a.ID, "stage", a.Stage, "status", res.StatusCode)
		w.WriteHeader(res.StatusCode)
		_, _ = w.Write([]byte(res.Body)) // the client went away; nothing to report
		return
	}
	// Postable from the 101 on: registered just before it is written, so
	// that a client seeing the 101 never races a 410 (messages posted
	// meanwhile wait in the queue). AWS: knowledge-center/410-gone-api-gateway.
	if !s.register(c) {
		writeMessage(w, http.StatusGone, "Gone")
		return
	}
	ws, err := s.upgrader.Upgrade(w, r, hdr)
	if err != nil {
		c.requestClose(closeAbnormal, "", false)
		s.unregister(c)
		s.log.Debug("upgrade failed", "error", err)
		return // gorilla answered the client
	}
	c.setWS(ws)
	// The connection ID is what a backend posts to; a user of the binary
	// without a $connect function of their own reads it here.
	s.log.Info("API Gateway $connect "+a.Stage+" => 101 connected "+c.id, "api", a.ID, "stage", a.Stage, "connectionId", c.id)
	if fc, ok := r.Context().Value(frameConnKey{}).(*frameConn); ok {
		fc.arm(int64(s.cfg.Limits.FrameBytes))
	}
	c.run(s.base) //nolint:contextcheck // the hijacked connection outlives the request: the server owns it and ends it on Close
}

// newConn prepares a connection's identity before its handshake.
func (s *Server) newConn(a *api, r *http.Request) *conn {
	now := s.cfg.Now()
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	domain := a.DomainName
	if domain == "" {
		domain = r.Host
	}
	return &conn{
		srv:         s,
		api:         a,
		id:          s.cfg.NewID(ConnectionID),
		connectedAt: now,
		started:     s.cfg.Clock.Now(),
		identity:    Identity{SourceIP: host, UserAgent: r.UserAgent()},
		domainName:  domain,
		traceID:     newTraceID(now),
		out:         make(chan []byte, s.cfg.Limits.SendQueue),
		closeReq:    make(chan struct{}),
		writerDone:  make(chan struct{}),
	}
}

// connect runs the $connect route. It returns the 101's extra headers, or
// the response refusing the handshake: the integration's own non-2xx
// response, or 502 when it failed or answered a malformed result.
// AWS: https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-route-keys-connect-disconnect.html#apigateway-websocket-api-routes-about-connect, https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-connect-route-subprotocol.html#websocket-connect-route-subprotocol.
func (s *Server) connect(ctx context.Context, c *conn, r *http.Request) (http.Header, *ProxyResponse) {
	rt, ok := c.api.routes[KeyConnect]
	if !ok {
		return nil, nil // AWS: "Setting up an integration for $connect is optional."
	}
	out, err := s.invoke(ctx, rt.Integration, c.connectEvent(r))
	var res *ProxyResponse
	if err == nil {
		res, err = parseProxyResponse(out)
	}
	if err == nil && res.StatusCode == 0 {
		err = ErrMalformedResponse
	}
	if err != nil {
		s.log.Warn("$connect integration failed", "api", c.api.ID, "error", err)
		return nil, &ProxyResponse{StatusCode: http.StatusBadGateway, Body: `{"message": "Internal server error"}`}
	}
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return nil, res
	}
	return s.upgradeHeaders(res, r), nil
}

// upgradeHeaders copies Sec-WebSocket-Protocol from the integration's
// response, and nothing else unless Compat says so.
func (s *Server) upgradeHeaders(res *ProxyResponse, r *http.Request) http.Header {
	hdr := http.Header{}
	if s.cfg.Compat.CopyConnectHeaders {
		for k, v := range res.Headers {
			hdr.Set(k, v)
		}
		for k, vs := range res.MultiValueHeaders {
			hdr[http.CanonicalHeaderKey(k)] = vs
		}
		hdr.Del("Sec-Websocket-Extensions") // gorilla refuses it; negotiation is its own
	}
	if p, ok := res.header("Sec-WebSocket-Protocol"); ok {
		hdr.Set("Sec-Websocket-Protocol", p)
	} else if requested := websocket.Subprotocols(r); s.cfg.Compat.EchoFirstSubprotocol && len(requested) > 0 {
		hdr.Set("Sec-Websocket-Protocol", requested[0])
	}
	return hdr
}
