package testkit_test

import (
	"context"
	"fmt"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/apigatewaymanagementapi"
	"github.com/gorilla/websocket"

	"github.com/iotemu/iotemu/apigw"
	"github.com/iotemu/iotemu/testkit"
)

func ExampleWithWebSocketAPI() {
	t := &exampleT{}
	defer t.done()

	emu := testkit.Start(t, testkit.WithWebSocketAPI(apigw.API{
		Stage: "prod",
		Routes: []apigw.Route{
			{Key: "ping", TwoWay: true, Integration: apigw.Mock{Body: "pong"}},
		},
	}))
	ws, _, err := websocket.DefaultDialer.Dial(emu.WebSocketAPIURL("prod"), nil)
	if err != nil {
		panic(err)
	}
	defer ws.Close()
	_ = ws.WriteMessage(websocket.TextMessage, []byte(`{"action":"ping"}`))
	_, reply, _ := ws.ReadMessage()
	_ = ws.WriteMessage(websocket.TextMessage, []byte(`{"action":"nothing"}`))
	_, forbidden, _ := ws.ReadMessage()
	fmt.Println(string(reply))
	fmt.Println(string(forbidden[:24]))
	// Output:
	// pong
	// {"message": "Forbidden",
}

func ExampleWithLambda() {
	t := &exampleT{}
	defer t.done()

	// The handler you pass to lambda.Start on AWS.
	echo := func(ev events.APIGatewayWebsocketProxyRequest) (events.APIGatewayProxyResponse, error) {
		return events.APIGatewayProxyResponse{StatusCode: 200, Body: "echo: " + ev.Body}, nil
	}
	emu := testkit.Start(t,
		testkit.WithLambda("echo", echo),
		testkit.WithWebSocketAPI(apigw.API{Stage: "prod", Routes: []apigw.Route{
			{Key: "$default", TwoWay: true, Integration: apigw.Function("echo")},
		}}),
	)
	ws, _, err := websocket.DefaultDialer.Dial(emu.WebSocketAPIURL("prod"), nil)
	if err != nil {
		panic(err)
	}
	defer ws.Close()
	_ = ws.WriteMessage(websocket.TextMessage, []byte("hello"))
	_, reply, _ := ws.ReadMessage()
	fmt.Println(string(reply))
	// Output: echo: hello
}

func ExampleEmulator_ConnectionsEndpoint() {
	t := &exampleT{}
	defer t.done()

	ids := make(chan string, 1)
	emu := testkit.Start(t, testkit.WithWebSocketAPI(apigw.API{Stage: "prod", Routes: []apigw.Route{
		{Key: "$connect", Integration: apigw.LambdaHandler(func(ev events.APIGatewayWebsocketProxyRequest) (events.APIGatewayProxyResponse, error) {
			ids <- ev.RequestContext.ConnectionID
			return events.APIGatewayProxyResponse{StatusCode: 200}, nil
		})},
	}}))
	ws, _, err := websocket.DefaultDialer.Dial(emu.WebSocketAPIURL("prod"), nil)
	if err != nil {
		panic(err)
	}
	defer ws.Close()

	// A backend pushes to the browser, as on AWS.
	client := apigatewaymanagementapi.New(apigatewaymanagementapi.Options{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint: aws.String(emu.ConnectionsEndpoint("prod")),
	})
	_, err = client.PostToConnection(context.Background(), &apigatewaymanagementapi.PostToConnectionInput{
		ConnectionId: aws.String(<-ids),
		Data:         []byte(`{"celsius":21.5}`),
	})
	if err != nil {
		panic(err)
	}
	_, msg, _ := ws.ReadMessage()
	fmt.Println(string(msg))
	// Output: {"celsius":21.5}
}
