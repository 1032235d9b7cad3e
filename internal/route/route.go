// Package route matches AWS REST paths. It exists because net/http's
// ServeMux cleans paths and redirects "/topics/a//b" to "/topics/a/b", while
// an MQTT topic may have empty levels, and AWS SDKs send a topic as one
// percent-encoded segment ("/topics/a%2F%2Fb"). Matching here is done on the
// escaped path, segment by segment, and parameters are unescaped last.
package route

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Router dispatches on method and path pattern. Patterns are literal
// segments, "{name}" for one segment and a final "{name...}" for the rest of
// the path (possibly several segments). Handlers read parameters with
// r.PathValue(name).
type Router struct {
	routes           []route
	NotFound         http.Handler // no pattern matches the path
	MethodNotAllowed http.Handler // a pattern matches, but not for this method
}

type route struct {
	segments []string
	methods  []string
	h        http.Handler
}

// Handle registers h for the pattern and methods (none means any method).
func (rt *Router) Handle(pattern string, h http.Handler, methods ...string) {
	rt.routes = append(rt.routes, route{segments: split(pattern), methods: methods, h: h})
}

// HandleFunc registers a handler function.
func (rt *Router) HandleFunc(pattern string, h http.HandlerFunc, methods ...string) {
	rt.Handle(pattern, h, methods...)
}

// ServeHTTP implements http.Handler.
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := split(r.URL.EscapedPath())
	pathMatched := false
	for _, ro := range rt.routes {
		params, ok := match(ro.segments, path)
		if !ok {
			continue
		}
		pathMatched = true
		if len(ro.methods) > 0 && !slices.Contains(ro.methods, r.Method) {
			continue
		}
		for k, v := range params {
			r.SetPathValue(k, v)
		}
		ro.h.ServeHTTP(w, r)
		return
	}
	if pathMatched {
		rt.MethodNotAllowed.ServeHTTP(w, r)
		return
	}
	rt.NotFound.ServeHTTP(w, r)
}

func split(p string) []string {
	return strings.Split(strings.TrimPrefix(p, "/"), "/")
}

// match compares pattern segments with escaped path segments. A parameter
// that does not unescape does not match.
func match(pattern, path []string) (map[string]string, bool) {
	params := map[string]string{}
	for i, seg := range pattern {
		if name, ok := strings.CutSuffix(strings.TrimPrefix(seg, "{"), "...}"); ok && seg[0] == '{' {
			if i >= len(path) {
				return nil, false
			}
			v, err := url.PathUnescape(strings.Join(path[i:], "/"))
			if err != nil {
				return nil, false
			}
			params[name] = v
			return params, true
		}
		if i >= len(path) {
			return nil, false
		}
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			v, err := url.PathUnescape(path[i])
			if err != nil {
				return nil, false
			}
			params[seg[1:len(seg)-1]] = v
			continue
		}
		if seg != path[i] {
			return nil, false
		}
	}
	return params, len(pattern) == len(path)
}
