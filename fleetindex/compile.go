package fleetindex

import (
	"errors"

	"github.com/iotemu/iotemu/fleetindex/internal/query"
)

// QueryVersion is the only query language version.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_SearchIndex.html#API_SearchIndex_RequestSyntax
const QueryVersion = "2017-09-30"

// Query is a parsed, valid query string.
type Query struct {
	text string
	node query.Node
}

// String is the query as given.
func (q *Query) String() string { return q.text }

// Compile parses a query string; a malformed one, or one over AWS's
// limits, is an InvalidQueryException.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_SearchIndex.html#API_SearchIndex_Errors
func Compile(queryString string) (*Query, error) {
	if queryString == "" {
		return nil, validation("", "queryString", "Member must have length greater than or equal to 1")
	}
	n, err := query.Parse(queryString)
	if err != nil {
		var se *query.SyntaxError
		var le *query.LimitError
		if errors.As(err, &se) || errors.As(err, &le) {
			return nil, errorf(InvalidQuery, "%s", err.Error())
		}
		return nil, errorf(InvalidQuery, "Invalid query string: %s", err.Error())
	}
	return &Query{text: queryString, node: n}, nil
}

// MatchDocument reports whether a thing's data matches the query under a
// thing indexing configuration: the entry point dynamic thing groups use
// to compute membership without going through an Index. Shadows that do
// not parse are not indexed, so their fields match nothing.
func MatchDocument(q *Query, d Document, cfg ThingIndexingConfiguration) bool {
	if cfg.ThingIndexingMode == ModeOff || cfg.ThingIndexingMode == "" {
		return false
	}
	shadows := map[string]*shadowData{}
	for name, raw := range d.Shadows {
		if s, err := parseShadow(raw); err == nil {
			shadows[name] = s
		}
	}
	return q.node.Eval(view{f: flattenThing(&d, shadows, &cfg), searchable: searchable})
}

// Match reports whether the indexed thing matches the query. It fails as
// SearchIndex does when the thing index is off or still building.
func (ix *Index) Match(q *Query, thingName string) (bool, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if _, err := ix.resolve(ThingsIndex, true); err != nil {
		return false, err
	}
	return ix.matchLocked(q, thingName), nil
}

// MatchingThings returns the names, sorted, of every indexed thing the
// query matches: a dynamic thing group's members.
func (ix *Index) MatchingThings(q *Query) ([]string, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if _, err := ix.resolve(ThingsIndex, true); err != nil {
		return nil, err
	}
	return ix.matchingLocked(q), nil
}

func (ix *Index) matchLocked(q *Query, name string) bool {
	d, shadows, ok := ix.document(name)
	if !ok {
		return false
	}
	return q.node.Eval(view{f: flattenThing(d, shadows, ix.cfg.ThingIndexingConfiguration), searchable: searchable})
}

func (ix *Index) matchingLocked(q *Query) []string {
	var out []string
	for _, name := range sortedKeys(ix.things) {
		if ix.matchLocked(q, name) {
			out = append(out, name)
		}
	}
	return out
}
