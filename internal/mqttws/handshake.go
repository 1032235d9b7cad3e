package mqttws

import (
	"bufio"
	"bytes"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"net"
	"net/http"
	"sync"
)

// The AWS IoT Device SDK for Python v1 sends a Sec-WebSocket-Key of 128
// random bytes (RFC 6455 says 16; gorilla/websocket refuses any other
// length) and looks for the literal, lowercase "sec-websocket-accept: " in
// the response. AWS accepts that SDK, so /mqtt does too: Lenient lets
// gorilla upgrade such a request and rewrites gorilla's handshake response
// with lowercase header names and the accept value of the key actually
// sent. HTTP header names are case-insensitive, so other clients are
// unaffected.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/protocols.html#mqtt-ws

// ErrBadKey is Lenient's answer to a missing or non-base64 key.
var ErrBadKey = errors.New("sec-websocket-key is not a non-empty base64 value")

// placeholderKey is a valid 16-byte key that gorilla checks in place of the
// client's.
var placeholderKey = base64.StdEncoding.EncodeToString(make([]byte, 16))

// acceptGUID is RFC 6455's handshake GUID.
const acceptGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// AcceptKey is the Sec-WebSocket-Accept value of a client key.
func AcceptKey(key string) string {
	sum := sha1.Sum([]byte(key + acceptGUID))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// Lenient prepares an upgrade request for gorilla's Upgrader: it returns
// the ResponseWriter to pass to Upgrade, or ErrBadKey (nothing answered).
func Lenient(w http.ResponseWriter, r *http.Request) (http.ResponseWriter, error) {
	key := r.Header.Get("Sec-Websocket-Key")
	if _, err := base64.StdEncoding.DecodeString(key); key == "" || err != nil {
		return nil, ErrBadKey
	}
	r.Header.Set("Sec-Websocket-Key", placeholderKey)
	return &lenientWriter{ResponseWriter: w, accept: AcceptKey(key)}, nil
}

// lenientWriter hands gorilla a connection whose first write, the
// handshake response, is rewritten.
type lenientWriter struct {
	http.ResponseWriter
	accept string
}

func (w *lenientWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("hijack: response writer is not a Hijacker")
	}
	c, brw, err := h.Hijack()
	if err != nil {
		return nil, nil, err
	}
	return &handshakeConn{Conn: c, accept: w.accept}, brw, nil
}

// handshakeConn rewrites the first write (gorilla writes the whole
// handshake response at once) and passes every later one through.
type handshakeConn struct {
	net.Conn
	accept string
	once   sync.Once
}

func (c *handshakeConn) Write(p []byte) (int, error) {
	first := false
	c.once.Do(func() { first = true })
	if !first {
		return c.Conn.Write(p)
	}
	if _, err := c.Conn.Write(rewriteHandshake(p, c.accept)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// rewriteHandshake lowercases the header names of a 101 response and sets
// its Sec-WebSocket-Accept.
func rewriteHandshake(p []byte, accept string) []byte {
	head, rest, ok := bytes.Cut(p, []byte("\r\n\r\n"))
	if !ok {
		return p
	}
	lines := bytes.Split(head, []byte("\r\n"))
	out := append([]byte(nil), lines[0]...) // status line
	for _, l := range lines[1:] {
		name, value, _ := bytes.Cut(l, []byte(": "))
		name = bytes.ToLower(name)
		if string(name) == "sec-websocket-accept" {
			value = []byte(accept)
		}
		out = append(out, "\r\n"...)
		out = append(out, name...)
		out = append(out, ": "...)
		out = append(out, value...)
	}
	out = append(out, "\r\n\r\n"...)
	return append(out, rest...)
}
