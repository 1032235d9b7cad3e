package emulator_test

import (
	"context"
	"crypto/tls"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/apigatewaymanagementapi"
	"github.com/gorilla/websocket"

	"github.com/iotemu/iotemu/apigw"
	"github.com/iotemu/iotemu/testkit"
)

// TestAPIGatewayTLSSamePort: the API port serves wss:// and https:// with
// the emulator's CA beside ws:// and http://. A handler that builds its
// management endpoint as AWS documents, "https://" + domainName + "/" +
// stage, posts back to the connection with the SDK; its event says
// X-Forwarded-Proto https; a plain ws:// client on the same port still
// works, and a TLS client that does not trust the CA is refused without
// disturbing either.
func TestAPIGatewayTLSSamePort(t *testing.T) {
	t.Parallel()
	var emu *testkit.Emulator
	protos := make(chan string, 4)
	emu = testkit.Start(t,
		testkit.WithLambda("connect", func(ev events.APIGatewayWebsocketProxyRequest) (events.APIGatewayProxyResponse, error) {
			protos <- ev.Headers["X-Forwarded-Proto"]
			return events.APIGatewayProxyResponse{StatusCode: 200}, nil
		}),
		testkit.WithLambda("reply", func(ctx context.Context, ev events.APIGatewayWebsocketProxyRequest) (events.APIGatewayProxyResponse, error) {
			// AWS: https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-how-to-call-websocket-api-connections.html
			endpoint := "https://" + ev.RequestContext.DomainName + "/" + ev.RequestContext.Stage
			client := apigatewaymanagementapi.New(apigatewaymanagementapi.Options{
				Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("a", "b", ""), BaseEndpoint: aws.String(endpoint),
				HTTPClient: &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: emu.CAPool(), MinVersion: tls.VersionTLS12}}},
			})
			_, err := client.PostToConnection(ctx, &apigatewaymanagementapi.PostToConnectionInput{
				ConnectionId: aws.String(ev.RequestContext.ConnectionID), Data: []byte("posted to " + endpoint),
			})
			return events.APIGatewayProxyResponse{StatusCode: 200}, err
		}),
		testkit.WithWebSocketAPI(apigw.API{Stage: "tls", Routes: []apigw.Route{
			{Key: "$connect", Integration: apigw.Function("connect")}, {Key: "$default", Integration: apigw.Function("reply")},
		}}),
	)
	if !strings.HasPrefix(emu.WebSocketAPITLSURL("tls"), "wss://127.0.0.1:") {
		t.Fatalf("WebSocketAPITLSURL %q", emu.WebSocketAPITLSURL("tls"))
	}
	// Refused first: the port keeps serving afterwards.
	untrusting := websocket.Dialer{TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS12}, HandshakeTimeout: 5 * time.Second}
	if c, _, err := untrusting.Dial(emu.WebSocketAPITLSURL("tls"), nil); err == nil {
		c.Close()
		t.Fatal("a client not trusting the emulator's CA connected")
	}

	secure := websocket.Dialer{TLSClientConfig: &tls.Config{RootCAs: emu.CAPool(), MinVersion: tls.VersionTLS12}, HandshakeTimeout: 5 * time.Second}
	for _, tc := range []struct {
		name   string
		dialer *websocket.Dialer
		url    string
		proto  string
	}{
		{"wss", &secure, emu.WebSocketAPITLSURL("tls"), "https"},
		{"ws", websocket.DefaultDialer, emu.WebSocketAPIURL("tls"), "http"},
	} {
		ws, _, err := tc.dialer.Dial(tc.url, nil)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
		if err := ws.WriteMessage(websocket.TextMessage, []byte(`{"action":"x"}`)); err != nil {
			t.Fatal(err)
		}
		_, got, err := ws.ReadMessage()
		want := "posted to https://" + strings.TrimPrefix(emu.Server().Endpoints().APIGatewayTLS, "wss://") + "/tls"
		if err != nil || string(got) != want {
			t.Errorf("%s: got %q, %v; want %q", tc.name, got, err, want)
		}
		if p := <-protos; p != tc.proto {
			t.Errorf("%s: X-Forwarded-Proto %q, want %q", tc.name, p, tc.proto)
		}
		ws.Close()
	}

	// https:// @connections of an unknown connection: AWS's 410, over TLS.
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: emu.CAPool(), MinVersion: tls.VersionTLS12}}}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, emu.ConnectionsTLSEndpoint("tls")+"/@connections/AAAAAAAAAAAAAAA%3D", nil)
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusGone || resp.Header.Get("x-amzn-ErrorType") == "" {
		t.Errorf("GET @connections over https: %d %v", resp.StatusCode, resp.Header)
	}
}
