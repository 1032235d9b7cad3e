package controlplane

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/iotemu/iotemu/internal/awsrest"
)

// operation is one operation of an AWS service model: its name, HTTP
// method and requestUri template ("{name}" is one path segment, "{name+}"
// the rest of the path; a "?key" suffix is a query parameter that tells
// operations on the same path apart).
type operation struct{ name, method, uri string }

// operationTable is the generated list of a service's operations
// (operations_*.go).
type operationTable struct {
	service string
	ops     []operation
}

// Unemulated answers the requests no emulated operation served: one that
// is an operation of the iot, iot-data or apigatewayv2 model gets 501
// NotImplementedException naming it, logged at warn, so that it cannot be
// mistaken for a missing resource; any other is left to next (the 404 of
// an unknown path, or the 405 of a known path with another method).
// (docs/compatibility.md "Operations iotemu does not emulate".)
func (c *ControlPlane) Unemulated(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, ok := lookupOperation(r.Method, r.URL.EscapedPath(), r.URL.Query())
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		c.log.Warn("operation not emulated", "operation", name, "method", r.Method, "path", r.URL.EscapedPath())
		awsrest.WriteError(w, awsrest.RequestID(w), awsrest.Errorf(http.StatusNotImplemented, awsrest.NotImplemented,
			"iotemu does not emulate %s", name))
	})
}

// lookupOperation finds the model operation of a request, as
// "service:Name"; of several matching templates the one with the most
// literal segments wins (PUT /thing-groups/addThingToThingGroup is not
// UpdateThingGroup's /thing-groups/{thingGroupName}).
func lookupOperation(method, escapedPath string, query url.Values) (string, bool) {
	path := strings.Split(strings.TrimPrefix(escapedPath, "/"), "/")
	best, bestScore := "", -1
	for _, t := range []*operationTable{&iotOperations, &iotDataOperations, &apigatewayV2Operations} {
		for _, op := range t.ops {
			if op.method != method {
				continue
			}
			if score, ok := matchTemplate(op.uri, path, query); ok && score > bestScore {
				best, bestScore = t.service+":"+op.name, score
			}
		}
	}
	return best, bestScore >= 0
}

// matchTemplate matches a requestUri template against escaped path
// segments and the query, returning the number of literal segments (and
// query discriminators) it matched.
func matchTemplate(uri string, path []string, query url.Values) (int, bool) {
	tmplPath, tmplQuery, _ := strings.Cut(uri, "?")
	score := 0
	if tmplQuery != "" {
		for _, kv := range strings.Split(tmplQuery, "&") {
			k, v, hasValue := strings.Cut(kv, "=")
			if !query.Has(k) || (hasValue && query.Get(k) != v) {
				return 0, false
			}
			score++
		}
	}
	segs := strings.Split(strings.TrimPrefix(tmplPath, "/"), "/")
	for i, seg := range segs {
		if i >= len(path) {
			return 0, false
		}
		switch {
		case strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "+}"):
			return score, path[i] != "" // greedy: the rest, at least one segment
		case strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}"):
			if path[i] == "" {
				return 0, false
			}
		case seg != path[i]:
			return 0, false
		default:
			score++
		}
	}
	return score, len(segs) == len(path)
}

// OperationName names the AWS operation of a request as the request log
// writes it, "iot.CreateThing" or "iot-data.Publish", from the generated
// operation tables (emulated or not); false when the request is no
// operation of the iot, iot-data or apigatewayv2 models.
func OperationName(method, escapedPath string, query url.Values) (string, bool) {
	name, ok := lookupOperation(method, escapedPath, query)
	if !ok {
		return "", false
	}
	service, op, _ := strings.Cut(name, ":")
	return service + "." + op, true
}
