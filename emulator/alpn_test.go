package emulator_test

import (
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/iotemu/iotemu/testkit"
)

// dialALPN opens TLS to addr offering protos, with a client certificate
// that it reports having been asked for.
func dialALPN(t *testing.T, emu *testkit.Emulator, addr string, protos ...string) (*tls.Conn, *bool) {
	t.Helper()
	cert := emu.ClientCertificate(t, "alpn-device")
	asked := new(bool)
	c, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: emu.CAPool(), ServerName: "localhost", NextProtos: protos,
		GetClientCertificate: func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
			*asked = true
			return &cert, nil
		}})
	if err != nil {
		t.Fatalf("dial %v: %v", protos, err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c, asked
}

// healthOver sends GET /health on c and returns the status line.
func healthOver(t *testing.T, c net.Conn) string {
	t.Helper()
	_ = c.SetDeadline(time.Now().Add(wait))
	if _, err := io.WriteString(c, "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(c)
	status, _, _ := strings.Cut(string(b), "\r\n")
	return status
}

// TestPort443ShapeByALPN: the HTTPSALPN listener asks no certificate of an
// HTTPS/WSS client (a browser's ALPN: h2, http/1.1) and serves it HTTP/1.1;
// with ALPN x-amzn-mqtt-ca it asks for one and speaks MQTT, whose connection
// has the certificate's principal; with x-amzn-http-ca it asks and serves
// HTTPS. Port 8443 keeps asking every client.
func TestPort443ShapeByALPN(t *testing.T) {
	emu := testkit.Start(t)
	addr := strings.TrimPrefix(emu.Server().Endpoints().HTTPSALPN, "https://")

	browser, asked := dialALPN(t, emu, addr, "h2", "http/1.1")
	if *asked {
		t.Fatal("a browser-like client was asked for a certificate")
	}
	if p := browser.ConnectionState().NegotiatedProtocol; p != "http/1.1" {
		t.Fatalf("negotiated %q, want http/1.1", p)
	}
	if s := healthOver(t, browser); !strings.Contains(s, " 200 ") {
		t.Fatalf("GET /health: %q", s)
	}

	mtlsHTTP, asked := dialALPN(t, emu, addr, "x-amzn-http-ca")
	if !*asked {
		t.Fatal("x-amzn-http-ca: no certificate requested")
	}
	if s := healthOver(t, mtlsHTTP); !strings.Contains(s, " 200 ") {
		t.Fatalf("x-amzn-http-ca GET /health: %q", s)
	}

	events := record(t, emu, "$aws/events/presence/connected/+")
	mq, asked := dialALPN(t, emu, addr, "x-amzn-mqtt-ca")
	if !*asked || mq.ConnectionState().NegotiatedProtocol != "x-amzn-mqtt-ca" {
		t.Fatalf("x-amzn-mqtt-ca: asked %v, negotiated %q", *asked, mq.ConnectionState().NegotiatedProtocol)
	}
	if _, err := mq.Write(connectBytes(0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3c, 0x00, 0x04, 'a', 'l', 'p', 'n')); err != nil {
		t.Fatal(err)
	}
	if ack := readPacket(t, mq); ack[0] != 0x20 || ack[3] != 0 {
		t.Fatalf("CONNACK % x", ack)
	}
	if p := connectedPrincipal(t, events, "alpn"); len(p) != 64 {
		t.Fatalf("principalIdentifier %q, want the certificate ID", p)
	}

	_, asked = dialALPN(t, emu, strings.TrimPrefix(emu.HTTPSEndpoint(), "https://"), "http/1.1")
	if !*asked {
		t.Fatal("port 8443 stopped asking for a client certificate")
	}
	resp, err := (&http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: emu.CAPool()}}}).
		Get(emu.Server().Endpoints().HTTPSALPN + "/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.ProtoMajor != 1 {
		t.Fatalf("Go client: %s %s, want 200 over HTTP/1.1", resp.Proto, resp.Status)
	}
}
