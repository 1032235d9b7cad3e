package awsid

import (
	"encoding/base64"
	"errors"
	"sort"
)

// ErrInvalidToken reports a page token this package did not make.
var ErrInvalidToken = errors.New("invalid nextToken")

// Page returns the keys (sorted in place) after the one named by token, at
// most limit of them, and the token of the next page ("" on the last). A
// token is the base64 of the last key returned, so pages stay stable while
// keys are added or removed between calls, as AWS's opaque nextToken does.
func Page(keys []string, token string, limit int) (out []string, next string, err error) {
	sort.Strings(keys)
	start := 0
	if token != "" {
		last, derr := base64.RawURLEncoding.DecodeString(token)
		if derr != nil {
			return nil, "", ErrInvalidToken
		}
		start = sort.SearchStrings(keys, string(last))
		if start < len(keys) && keys[start] == string(last) {
			start++
		}
	}
	if limit < 1 {
		limit = 1
	}
	end := min(start+limit, len(keys))
	out = keys[start:end]
	if end < len(keys) {
		next = base64.RawURLEncoding.EncodeToString([]byte(keys[end-1]))
	}
	return out, next, nil
}
