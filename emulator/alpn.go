package emulator

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"
)

// AWS's port 443 serves HTTPS and MQTT over WSS without asking for a client
// certificate (a browser cancels a cross-origin wss:// handshake to a
// server that asks), and chooses by ALPN: x-amzn-mqtt-ca is MQTT with an
// X.509 client certificate, x-amzn-http-ca HTTPS with one, mqtt MQTT with a
// custom authorizer. The HTTPSALPN listener has that shape; 8883 and 8443
// keep theirs.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/protocols.html#protocol-port-mapping

const (
	alpnMQTTCert = "x-amzn-mqtt-ca" // MQTT, X.509 client certificate
	alpnHTTPCert = "x-amzn-http-ca" // HTTPS, X.509 client certificate
	alpnMQTT     = "mqtt"           // MQTT, custom authentication
	alpnHTTP1    = "http/1.1"       // HTTPS and WSS (no HTTP/2: /mqtt upgrades need HTTP/1.1)
)

// alpnHandshakeTimeout bounds a client's TLS handshake on the listener.
const alpnHandshakeTimeout = 10 * time.Second

// alpnTLSConfig picks the client-certificate request by the protocols the
// client offers.
func (s *Server) alpnTLSConfig() *tls.Config {
	with := func(base *tls.Config, auth tls.ClientAuthType, proto string) *tls.Config {
		c := base.Clone()
		c.ClientAuth, c.NextProtos = auth, []string{proto}
		return c
	}
	mqttCert := with(s.mqttTLSConfig(), s.mqttTLSConfig().ClientAuth, alpnMQTTCert)
	httpCert := with(s.httpsTLSConfig(), s.httpsTLSConfig().ClientAuth, alpnHTTPCert)
	mqtt := with(s.tls, tls.NoClientCert, alpnMQTT)
	plain := with(s.tls, tls.NoClientCert, alpnHTTP1)
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		GetConfigForClient: func(h *tls.ClientHelloInfo) (*tls.Config, error) {
			switch {
			case slices.Contains(h.SupportedProtos, alpnMQTTCert):
				return mqttCert, nil
			case slices.Contains(h.SupportedProtos, alpnHTTPCert):
				return httpCert, nil
			case slices.Contains(h.SupportedProtos, alpnMQTT):
				return mqtt, nil
			}
			return plain, nil
		},
	}
}

// serveALPN serves the listener: MQTT connections go to the broker, the
// others to an HTTP server of the emulator's routes (closed by Close with
// the other HTTP servers, which closes ln and ends the accept loop).
func (s *Server) serveALPN(ln net.Listener) {
	httpConns := newConnQueue(ln)
	srv := s.newHTTPServer(s.http)
	// Non-nil and empty: no HTTP/2, whatever the client negotiated.
	srv.TLSNextProto = map[string]func(*http.Server, *tls.Conn, http.Handler){}
	s.servers = append(s.servers, srv)
	s.serving.Go(func() {
		if err := srv.Serve(httpConns); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("http server stopped", "listener", listenerHTTPSALPN, "error", err)
		}
	})
	tl := tls.NewListener(ln, s.alpnTLSConfig())
	s.serving.Go(func() {
		for {
			c, err := tl.Accept()
			if err != nil {
				return // closed by Close (httpConns.Close)
			}
			s.serving.Go(func() { s.dispatchALPN(c.(*tls.Conn), httpConns) })
		}
	})
}

// dispatchALPN completes a connection's handshake and hands it on by the
// protocol negotiated.
func (s *Server) dispatchALPN(c *tls.Conn, httpConns *connQueue) {
	ctx, cancel := context.WithTimeout(httpConns.ctx, alpnHandshakeTimeout) // Close ends pending handshakes
	defer cancel()
	if err := c.HandshakeContext(ctx); err != nil {
		s.log.Debug("tls handshake failed", "listener", listenerHTTPSALPN, "remote", c.RemoteAddr(), "error", err)
		_ = c.Close() // the client gave up or was refused
		return
	}
	switch c.ConnectionState().NegotiatedProtocol {
	case alpnMQTTCert, alpnMQTT:
		if err := s.broker.ServeConn(listenerMQTTALPN, c); err != nil {
			s.log.Debug("mqtt client ended", "listener", listenerHTTPSALPN, "remote", c.RemoteAddr(), "error", err)
		}
	default:
		httpConns.push(httpsConn{c})
	}
}

// httpsConn hides the *tls.Conn from net/http, which closes a connection
// whose ALPN protocol (x-amzn-http-ca) it has no TLSNextProto entry for; as
// a ConnectionState implementer it still gets Request.TLS, and speaks
// HTTP/1.1.
type httpsConn struct{ *tls.Conn }

// connQueue is a net.Listener whose connections were accepted (and their
// TLS handshake done) elsewhere. Close closes the real listener too.
type connQueue struct {
	ln     net.Listener
	conns  chan net.Conn
	ctx    context.Context // cancelled by Close
	cancel context.CancelFunc
	closer sync.Once
}

func newConnQueue(ln net.Listener) *connQueue {
	ctx, cancel := context.WithCancel(context.Background())
	return &connQueue{ln: ln, conns: make(chan net.Conn), ctx: ctx, cancel: cancel}
}

// push hands c to the HTTP server, or closes it once the queue is closed.
func (q *connQueue) push(c net.Conn) {
	select {
	case q.conns <- c:
	case <-q.ctx.Done():
		_ = c.Close() // shutting down
	}
}

func (q *connQueue) Accept() (net.Conn, error) {
	select {
	case c := <-q.conns:
		return c, nil
	case <-q.ctx.Done():
		return nil, net.ErrClosed
	}
}

func (q *connQueue) Close() error {
	var err error
	q.closer.Do(func() {
		q.cancel()
		err = q.ln.Close()
	})
	return err
}

func (q *connQueue) Addr() net.Addr { return q.ln.Addr() }
