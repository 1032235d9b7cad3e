package fleetindex

import (
	"strings"

	"github.com/iotemu/iotemu/fleetindex/internal/query"
)

// DefaultAggregationField is used when a request names no field: "If you
// don't specify an aggregation field, registry.version is used".
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/index-aggregate.html#get-statistics
const DefaultAggregationField = "registry.version"

// AggregationInput is the part every aggregation request shares.
type AggregationInput struct {
	IndexName        string `json:"indexName,omitempty"`
	QueryString      string `json:"queryString"`
	AggregationField string `json:"aggregationField,omitempty"`
	QueryVersion     string `json:"queryVersion,omitempty"`
}

// fieldType is the declared type of an aggregation field: it must be a
// managed field of an enabled source or a custom field.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/fleet-indexing-troubleshooting.html#aggregation-troubleshooting
func (ix *Index) fieldType(index, field string) (string, error) {
	var candidates []Field
	if index == ThingGroupsIndex {
		g := ix.cfg.ThingGroupIndexingConfiguration
		candidates = append(append(candidates, groupManaged...), g.CustomFields...)
	} else {
		t := ix.cfg.ThingIndexingConfiguration
		candidates = append(thingManaged(t), t.CustomFields...)
	}
	for _, c := range candidates {
		if managedNameMatches(c.Name, field) {
			return c.Type, nil
		}
	}
	return "", errorf(InvalidAggregation, "Field %s is not a managed or custom field of index %s", field, index)
}

// managedNameMatches compares names where `shadow.name.*.` stands for
// any one shadow name.
func managedNameMatches(pattern, field string) bool {
	head, tail, ok := strings.Cut(pattern, "*")
	if !ok {
		return pattern == field
	}
	rest, ok := strings.CutPrefix(field, head)
	if !ok {
		return false
	}
	name, ok := strings.CutSuffix(rest, tail)
	return ok && name != "" && !strings.Contains(name, ".")
}

// aggregate resolves the index and field, runs the query and returns, per
// matching document, the field's values (typed) and how many matched.
func (ix *Index) aggregate(in AggregationInput) (typ string, perDoc [][]query.Value, matched int, err error) {
	q, err := Compile(in.QueryString)
	if err != nil {
		return "", nil, 0, err
	}
	name, err := ix.resolve(in.IndexName, true)
	if err != nil {
		return "", nil, 0, err
	}
	field := in.AggregationField
	if field == "" {
		field = DefaultAggregationField
	}
	if typ, err = ix.fieldType(name, field); err != nil {
		return "", nil, 0, err
	}
	for _, f := range ix.matchedFields(name, q) {
		matched++
		if vals := typed(f[field], typ); len(vals) > 0 {
			perDoc = append(perDoc, vals)
		}
	}
	return typ, perDoc, matched, nil
}

// matchedFields flattens every document of the index the query matches.
func (ix *Index) matchedFields(index string, q *Query) []fields {
	var out []fields
	if index == ThingGroupsIndex {
		custom := ix.cfg.ThingGroupIndexingConfiguration.CustomFields
		for _, n := range sortedKeys(ix.groups) {
			g := ix.groups[n]
			f := flattenGroup(&g, custom)
			if q.node.Eval(view{f: f, searchable: groupSearchable}) {
				out = append(out, f)
			}
		}
		return out
	}
	cfg := ix.cfg.ThingIndexingConfiguration
	for _, n := range sortedKeys(ix.things) {
		d, shadows, _ := ix.document(n)
		f := flattenThing(d, shadows, cfg)
		if q.node.Eval(view{f: f, searchable: searchable}) {
			out = append(out, f)
		}
	}
	return out
}

// typed keeps the values that agree with the field's declared type:
// "values whose type disagrees with the configured type are ignored".
func typed(vals []query.Value, typ string) []query.Value {
	var out []query.Value
	for _, v := range vals {
		if tv, ok := asType(v, typ); ok {
			out = append(out, tv)
		}
	}
	return out
}
