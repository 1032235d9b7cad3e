package emulator_test

import (
	"context"
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/apigatewaymanagementapi"
	"github.com/chromedp/chromedp"

	"github.com/iotemu/iotemu/apigw"
	"github.com/iotemu/iotemu/testkit"
)

// wsTokenPage opens the WebSocket of its query's url with its token as
// the subprotocol, as browser dashboards pass a token (a browser cannot
// set headers on a WebSocket), and records what happens in window.events.
const wsTokenPage = `<!doctype html><meta charset="utf-8"><script>
window.events = [];
const q = new URLSearchParams(location.search);
const ws = new WebSocket(q.get("url"), [q.get("token")]);
ws.onopen = () => window.events.push("open " + ws.protocol);
ws.onmessage = m => window.events.push("message " + m.data);
ws.onclose = e => window.events.push("close " + e.code);
</script>`

// TestBrowserAPIGatewayWSS: a page served from another origin, in
// headless Chromium trusting the emulator's certificate, connects with
// wss:// to the API Gateway port with its token as the subprotocol; the
// $connect Lambda sees the page's Origin and the token, and echoes it, so
// the browser opens the socket; a backend's PostToConnection over https
// reaches the page. A wrong token is refused by $connect and the browser
// never opens the socket.
func TestBrowserAPIGatewayWSS(t *testing.T) {
	page := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(wsTokenPage))
	}))
	t.Cleanup(page.Close)
	origins := make(chan string, 2)
	ids := make(chan string, 1)
	emu := testkit.Start(t,
		testkit.WithLambda("connect", func(ev events.APIGatewayWebsocketProxyRequest) (events.APIGatewayProxyResponse, error) {
			origins <- ev.Headers["Origin"]
			token := ev.Headers["Sec-WebSocket-Protocol"]
			if token != "browser-token" {
				return events.APIGatewayProxyResponse{StatusCode: http.StatusUnauthorized}, nil
			}
			ids <- ev.RequestContext.ConnectionID
			// AWS: https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-connect-route-subprotocol.html
			return events.APIGatewayProxyResponse{StatusCode: 200, Headers: map[string]string{"Sec-WebSocket-Protocol": token}}, nil
		}),
		testkit.WithWebSocketAPI(apigw.API{Stage: "live", Routes: []apigw.Route{{Key: "$connect", Integration: apigw.Function("connect")}}}),
	)
	apiAddr := strings.TrimPrefix(emu.Server().Endpoints().APIGatewayTLS, "wss://")
	ctx := trustingBrowser(t, page.Certificate(), serverCertificate(t, apiAddr, emu.CAPool()))
	wss := "wss://localhost:" + portOf(emu.Server().Endpoints().APIGatewayTLS) + "/live"
	open := func(ctx context.Context, token string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(page.URL+"/?"+url.Values{"url": {wss}, "token": {token}}.Encode())); err != nil {
			t.Fatal(err)
		}
	}

	open(ctx, "browser-token")
	waitEvent(t, ctx, "open browser-token")
	if got := <-origins; got != page.URL {
		t.Errorf("$connect saw Origin %q, want the page's %q", got, page.URL)
	}
	client := apigatewaymanagementapi.New(apigatewaymanagementapi.Options{
		Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("a", "b", ""),
		BaseEndpoint: aws.String(emu.ConnectionsTLSEndpoint("live")),
		HTTPClient:   &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: emu.CAPool(), MinVersion: tls.VersionTLS12}}},
	})
	if _, err := client.PostToConnection(t.Context(), &apigatewaymanagementapi.PostToConnectionInput{ConnectionId: aws.String(<-ids), Data: []byte(`{"celsius":21.5}`)}); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, ctx, `message {"celsius":21.5}`)

	tab, cancel := chromedp.NewContext(ctx)
	defer cancel()
	open(tab, "wrong-token")
	waitEvent(t, tab, "close 1006")
	if <-origins != page.URL {
		t.Error("the refused handshake's $connect did not see the page's Origin")
	}
}
