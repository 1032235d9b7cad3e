package sigv4_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strings"
	"time"
)

// wssURL signs a WebSocket URL the way AWS's reference code does
// (https://docs.aws.amazon.com/iot/latest/developerguide/protocols.html#mqtt-ws): the query is built already sorted,
// the host header only is signed, the payload is SHA-256(""), and a
// session token is appended after the signature.
func wssURL(hostPort, keyID, secret, token, service string, t time.Time) string {
	amzDate := t.UTC().Format("20060102T150405Z")
	date := amzDate[:8]
	scope := date + "/" + region + "/" + service + "/aws4_request"
	query := "X-Amz-Algorithm=AWS4-HMAC-SHA256" +
		"&X-Amz-Credential=" + url.QueryEscape(keyID+"/"+scope) +
		"&X-Amz-Date=" + amzDate +
		"&X-Amz-SignedHeaders=host"
	canonical := "GET\n/mqtt\n" + query + "\nhost:" + hostPort + "\n\nhost\n" + hexSHA("")
	toSign := "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hexSHA(canonical)
	key := mac([]byte("AWS4"+secret), date)
	for _, s := range []string{region, service, "aws4_request"} {
		key = mac(key, s)
	}
	query += "&X-Amz-Signature=" + hex.EncodeToString(mac(key, toSign))
	if token != "" {
		query += "&X-Amz-Security-Token=" + url.QueryEscape(token)
	}
	return "wss://" + hostPort + "/mqtt?" + query
}

func hexSHA(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func mac(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

// httpURL turns a wss:// URL into the https:// URL of the upgrade GET.
func httpURL(wss string) string { return strings.Replace(wss, "wss://", "https://", 1) }
