package customauth

import (
	"net/http"
	"net/url"
	"strings"
)

// What a device presents to a custom authorizer, per transport: the
// authorizer name, the token under the authorizer's token key name and its
// signature travel as HTTP headers or query parameters (HTTP publish,
// WebSocket upgrade) or as a query string appended to the MQTT CONNECT
// user name.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/custom-auth.html#custom-auth-http
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/custom-auth.html#custom-auth-mqtt
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/custom-auth.html#custom-auth-websockets

// Keys of the custom-auth parameters.
const (
	nameKey      = "x-amz-customauthorizer-name"
	signatureKey = "x-amz-customauthorizer-signature"
)

// presented is what a request carries for a custom authorizer.
type presented struct {
	name      string // x-amz-customauthorizer-name; "" means the default authorizer
	signature string // x-amz-customauthorizer-signature (base64), "" if absent
	// token returns the value under the authorizer's token key name.
	token func(keyName string) (string, bool)
}

// named reports whether the request names an authorizer.
func (p presented) named() bool { return p.name != "" }

// splitUsername splits an MQTT user name into its base and the query
// after the first "?". Keys AWS does not define (the device SDKs' metrics,
// "SDK=Go&Version=1") are kept and ignored; a malformed pair is skipped.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/custom-auth.html#custom-auth-mqtt
func splitUsername(username string) (base string, q url.Values) {
	base, raw, found := strings.Cut(username, "?")
	q = url.Values{}
	if !found {
		return base, q
	}
	for _, pair := range strings.Split(raw, "&") {
		k, v, _ := strings.Cut(pair, "=")
		k, errK := url.QueryUnescape(k)
		v, errV := url.QueryUnescape(v)
		if errK != nil || errV != nil || k == "" {
			continue
		}
		q.Add(k, v)
	}
	return base, q
}

// presentedInUsername reads the custom-auth parameters of an MQTT user
// name. A signature whose "+" arrived unencoded (decoded as a space) is
// repaired: base64 has no spaces. AWS asks for URL-encoded values ("the
// signature should be URL encoded").
func presentedInUsername(username string) presented {
	_, q := splitUsername(username)
	return presented{
		name:      q.Get(nameKey),
		signature: strings.ReplaceAll(q.Get(signatureKey), " ", "+"),
		token: func(key string) (string, bool) {
			if !q.Has(key) {
				return "", false
			}
			return q.Get(key), true
		},
	}
}

// presentedInHTTP reads the custom-auth parameters of an HTTP request
// (HTTP publish, WebSocket upgrade): headers first, then the query.
func presentedInHTTP(r *http.Request) presented {
	q := r.URL.Query()
	get := func(key string) (string, bool) {
		if vs := r.Header.Values(key); len(vs) > 0 {
			return vs[0], true
		}
		if q.Has(key) {
			return q.Get(key), true
		}
		return "", false
	}
	name, _ := get(nameKey)
	sig, _ := get(signatureKey)
	return presented{name: name, signature: strings.ReplaceAll(sig, " ", "+"), token: get}
}

// hasSigV4 reports whether an HTTP request is SigV4-signed (header or
// presigned query): such a request is not the default authorizer's.
func hasSigV4(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-") || r.URL.Query().Has("X-Amz-Signature")
}
