package iotdata

import (
	"net/http"
	"strconv"

	"github.com/iotemu/iotemu/internal/awsid"
	"github.com/iotemu/iotemu/internal/awsrest"
)

// page returns the keys after the one named by token, at most maxResults
// of them, and the token of the next page ("" on the last): awsid.Page,
// with AWS's answer to a token it did not make.
func page(keys []string, token string, maxResults int) (out []string, next string, apiErr *awsrest.Error) {
	out, next, err := awsid.Page(keys, token, maxResults)
	if err != nil {
		return nil, "", invalid("Invalid nextToken")
	}
	return out, next, nil
}

// maxResults reads the maxResults query parameter: 1–200, default def.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_iotdata_ListRetainedMessages.html#API_iotdata_ListRetainedMessages_RequestSyntax
// (maxResults 1–200).
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
