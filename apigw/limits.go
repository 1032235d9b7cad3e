package apigw

import "time"

// Close codes and reasons the server sends and reports in $disconnect.
// AWS: docs/compatibility.md "API Gateway WebSocket mimic", https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html#apigateway-execution-service-websocket-limits-table.
const (
	// DeleteConnection: 1000 "Connection Closed Normally" in $disconnect
	// (observed in execution logs, chalice #2060, boto3 #3789).
	closeNormal  = 1000
	reasonNormal = "Connection Closed Normally"
	// Idle timeout: 1001 "Going away" (observed after ~10 min idle); the
	// 2-hour limit and server shutdown reuse it (unconfirmed).
	closeGoingAway  = 1001
	reasonGoingAway = "Going away"
	// Binary frames: 1003 ("If a binary frame is received, the connection is
	// closed with code 1003"); the reason is unconfirmed.
	closeUnsupported  = 1003
	reasonUnsupported = "Unsupported data"
	// A client close frame without a status code (feral fixture).
	closeNoStatus  = 1005
	reasonNoStatus = "Client-side close frame status not set"
	// A connection lost without a close frame; code and reason unconfirmed.
	closeAbnormal = 1006
	// A message over 128 KB or a frame over 32 KB: 1009; reason unconfirmed.
	closeTooBig  = 1009
	reasonTooBig = "Message too big"
)

// closeGrace is how long the server waits for the client's close frame
// after sending its own.
const closeGrace = time.Second

// writeWait bounds one write to a client.
const writeWait = 10 * time.Second
