package emulator_test

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/iotemu/iotemu/emulator"
)

// browserPage connects Paho JS to the presigned wss:// URL of its query,
// subscribes to web/chat, publishes "from browser" there and records
// everything in window.events.
const browserPage = `<!doctype html><meta charset="utf-8"><script src="/paho-mqtt.js"></script><script>
window.events = [];
const q = new URLSearchParams(location.search);
const c = new Paho.Client(q.get("url"), q.get("id"));
c.onMessageArrived = m => window.events.push("message " + m.destinationName + " " + m.payloadString);
c.onConnectionLost = e => window.events.push("lost " + e.errorCode);
c.connect({mqttVersion: 4, timeout: 10,
  onFailure: e => window.events.push("failed " + e.errorCode),
  onSuccess: () => {
    window.events.push("connected");
    c.subscribe("web/chat", {qos: 1, onSuccess: () => {
      window.events.push("subscribed");
      const m = new Paho.Message("from browser");
      m.destinationName = "web/chat";
      m.qos = 1;
      c.send(m);
    }});
  }});
</script>`

// spki is Chromium's --ignore-certificate-errors-spki-list entry for a
// certificate: base64 of the SHA-256 of its SubjectPublicKeyInfo.
func spki(cert *x509.Certificate) string {
	sum := sha256.Sum256(cert.RawSubjectPublicKeyInfo)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// serverCertificate returns the certificate a TLS server at addr presents.
func serverCertificate(t *testing.T, addr string, roots *x509.CertPool) *x509.Certificate {
	t.Helper()
	c, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: roots, ServerName: "localhost"})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Close() }()
	return c.ConnectionState().PeerCertificates[0]
}

// trustingBrowser starts headless Chromium trusting exactly the given
// certificates' keys: --ignore-certificate-errors-spki-list accepts a
// server whose key is listed and checks every other certificate as usual
// (unlike --ignore-certificate-errors); Chromium honours it because
// chromedp gives it its own --user-data-dir. Offline, with no NSS database
// to prepare.
func trustingBrowser(t *testing.T, certs ...*x509.Certificate) context.Context {
	t.Helper()
	path := requireTool(t, "chromium")
	var keys []string
	for _, c := range certs {
		keys = append(keys, spki(c))
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("ignore-certificate-errors-spki-list", strings.Join(keys, ",")))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	return ctx
}

// waitEvent waits until the page recorded an event starting with prefix.
func waitEvent(t *testing.T, ctx context.Context, prefix string) {
	t.Helper()
	js := fmt.Sprintf(`window.events && window.events.some(e => e.startsWith(%q))`, prefix)
	if err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](js, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		events, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.events || []`))
		t.Fatalf("page never recorded %q: %v; events %q", prefix, err, events)
	}
}

// TestBrowserWSSPresignedStrict: a page served from another origin
// (HTTPS), in headless Chromium trusting the emulator's certificate,
// connects Paho JS over wss://…/mqtt on the port-443 listener with a
// SigV4-presigned URL in strict mode and exchanges messages both ways; a
// URL signed with a wrong secret is refused at the upgrade, and port 8443,
// which requests a client certificate, fails in the browser.
func TestBrowserWSSPresignedStrict(t *testing.T) {
	paho := filepath.Join(companion(t, "paho.mqtt.javascript-be026e0.tar.gz"), "src", "paho-mqtt.js")
	emu, _ := strictSigV4(t)
	wssHost := "localhost:" + portOf(emu.Server().Endpoints().HTTPSALPN)

	page := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/paho-mqtt.js" {
			w.Header().Set("Content-Type", "text/javascript")
			http.ServeFile(w, r, paho)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(browserPage))
	}))
	t.Cleanup(page.Close)
	pageCert := page.Certificate()
	emuCert := serverCertificate(t, strings.TrimPrefix(emu.Server().Endpoints().HTTPSALPN, "https://"), emu.CAPool())
	ctx := trustingBrowser(t, pageCert, emuCert)

	fromBrowser := emu.Subscribe(t, "web/chat")
	signed := "wss" + strings.TrimPrefix(presignWS(wssHost, webCredential, time.Now()), "ws")
	open := func(ctx context.Context, u, id string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(page.URL+"/?"+url.Values{"url": {u}, "id": {id}}.Encode())); err != nil {
			t.Fatal(err)
		}
	}
	open(ctx, signed, "browser-1")
	waitEvent(t, ctx, "subscribed")
	if got := fromBrowser.Next(t, wait); string(got.Payload) != "from browser" {
		t.Fatalf("got %q from the browser", got.Payload)
	}
	waitEvent(t, ctx, "message web/chat from browser")
	emu.Publish(t, emulator.Message{Topic: "web/chat", QoS: 1, Payload: []byte("from go")})
	waitEvent(t, ctx, "message web/chat from go")

	wrong := webCredential
	wrong.SecretAccessKey = "not-the-secret"
	tab, cancel := chromedp.NewContext(ctx)
	defer cancel()
	open(tab, "wss"+strings.TrimPrefix(presignWS(wssHost, wrong, time.Now()), "ws"), "browser-2")
	waitEvent(t, tab, "failed")

	// Port 8443 asks every client for a certificate: Chromium gives up on
	// the same, correctly signed, cross-origin handshake there.
	emu8443 := "localhost:" + portOf(emu.HTTPSEndpoint())
	tab8443, cancel8443 := chromedp.NewContext(ctx)
	defer cancel8443()
	open(tab8443, "wss"+strings.TrimPrefix(presignWS(emu8443, webCredential, time.Now()), "ws"), "browser-3")
	waitEvent(t, tab8443, "failed")
}

// portOf returns the port of a URL.
func portOf(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		panic(err)
	}
	return p.Port()
}
