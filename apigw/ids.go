package apigw

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"time"
)

// newAWSID returns an ID in the shape of AWS's connection and request IDs:
// 16 characters of URL-safe base64 ending in "=" (11 random bytes).
// AWS: https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-how-to-call-websocket-api-connections.html#apigateway-how-to-call-websocket-api-connections (observed "eHrdFcnvvHcCE-w=").
func newAWSID() string {
	var b [11]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return base64.URLEncoding.EncodeToString(b[:])
}

// newAPIID returns 10 lowercase letters and digits, the shape of an apiId.
func newAPIID() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	var b [10]byte
	_, _ = rand.Read(b[:])
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b[:])
}

// newTraceID returns an X-Amzn-Trace-Id value: Root=1-<8 hex time>-<24 hex>.
func newTraceID(now time.Time) string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return "Root=1-" + hex.EncodeToString([]byte{
		byte(now.Unix() >> 24), byte(now.Unix() >> 16), byte(now.Unix() >> 8), byte(now.Unix()),
	}) + "-" + hex.EncodeToString(b[:])
}

// requestTimeLayout is $context.requestTime, CLF: "20/Jan/2024:11:55:08 +0000".
// AWS: apigateway-websocket-api-mapping-template-reference.html.
const requestTimeLayout = "02/Jan/2006:15:04:05 -0700"

func requestTime(t time.Time) string { return t.UTC().Format(requestTimeLayout) }

// epochMillis is $context.requestTimeEpoch and connectedAt.
func epochMillis(t time.Time) int64 { return t.UnixMilli() }

// isoMillis formats GetConnection's timestamps: ISO 8601 strings (the SDKs
// reject numbers), RFC 3339 with milliseconds in UTC (the exact sub-second
// format is unconfirmed, https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-how-to-call-websocket-api-connections.html#apigateway-how-to-call-websocket-api-connections).
func isoMillis(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
