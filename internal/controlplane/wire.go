package controlplane

import (
	"errors"
	"net/http"
	"time"

	"github.com/iotemu/iotemu/internal/awsid"
	"github.com/iotemu/iotemu/internal/awsrest"
)

// empty is the output of an operation without output members, answered
// with {} (UNCONFIRMED: AWS may send an empty body; SDKs accept both).
type empty = struct{}

// epochSeconds is AWS's timestamp form in restJson1 bodies.
func epochSeconds(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

// epochPtr is an optional timestamp member.
func epochPtr(t time.Time) *float64 {
	if t.IsZero() {
		return nil
	}
	v := epochSeconds(t)
	return &v
}

// path decodes an operation whose input is one path parameter.
func path(name string) func(*http.Request) (string, error) {
	return func(r *http.Request) (string, error) { return r.PathValue(name), nil }
}

// pathPair is an input of two path parameters.
type pathPair struct{ a, b string }

func paths(a, b string) func(*http.Request) (pathPair, error) {
	return func(r *http.Request) (pathPair, error) { return pathPair{r.PathValue(a), r.PathValue(b)}, nil }
}

// readJSON decodes the body into v; an empty body is {}.
func readJSON(r *http.Request, v any) error { return awsrest.ReadJSON(r, maxBodyBytes, v) }

// page is the paging input of a List operation.
type page struct {
	size  int
	token string
}

// pageParams reads maxResults and nextToken (or pageSize and marker).
func pageParams(r *http.Request, sizeName, tokenName string) (page, error) {
	size, err := awsrest.QueryInt(r, sizeName)
	return page{size, r.URL.Query().Get(tokenName)}, err
}

// pageNames pages sorted names with awsid's opaque tokens; a token that
// is not one of ours is an InvalidRequestException.
func pageNames(names []string, token string, size int) ([]string, string, error) {
	if size <= 0 {
		size = defaultPageSize
	}
	page, next, err := awsid.Page(names, token, size)
	if errors.Is(err, awsid.ErrInvalidToken) {
		return nil, "", awsrest.Invalid("Invalid nextToken")
	}
	return page, next, err
}

// defaultPageSize is the page of a List operation called without
// maxResults (UNCONFIRMED; AWS's maxResults bound is 250).
const defaultPageSize = 250
