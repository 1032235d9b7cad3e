package emulator

import (
	"encoding/base64"
	"net/http"
	"sort"
	"strconv"

	"github.com/iotemu/iotemu/internal/awsrest"
)

// page returns the keys (sorted here) after the one named by token, at
// most maxResults of them, and the token of the next page ("" on the last).
// A token is the base64 of the last key returned, so pages stay stable while
// keys are added or removed.
func page(keys []string, token string, maxResults int) (out []string, next string, apiErr *awsrest.Error) {
	sort.Strings(keys)
	start := 0
	if token != "" {
		last, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil {
			return nil, "", invalid("Invalid nextToken")
		}
		start = sort.SearchStrings(keys, string(last))
		if start < len(keys) && keys[start] == string(last) {
			start++
		}
	}
	end := min(start+maxResults, len(keys))
	out = keys[start:end]
	if end < len(keys) {
		next = base64.RawURLEncoding.EncodeToString([]byte(keys[end-1]))
	}
	return out, next, nil
}

// maxResults reads the maxResults query parameter: 1–200, default def.
// AWS: iot-data service-2.json MaxResults (min 1, max 200).
func maxResults(r *http.Request, def int) (int, *awsrest.Error) {
	v := r.URL.Query().Get("maxResults")
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 200 {
		return 0, invalid("Invalid maxResults: %q, expected 1 to 200", v)
	}
	return n, nil
}
