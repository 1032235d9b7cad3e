package fleetindex

import (
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"sort"
	"strconv"

	"github.com/iotemu/iotemu/internal/awsid"
)

// MaxSearchResults is SearchIndex's largest page, and the page size used
// when maxResults is left out (UNCONFIRMED).
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_SearchIndex.html#API_SearchIndex_RequestSyntax
const MaxSearchResults = 100

// SearchIndexInput is the SearchIndex request body.
type SearchIndexInput struct {
	IndexName    string `json:"indexName,omitempty"`
	QueryString  string `json:"queryString"`
	MaxResults   *int   `json:"maxResults,omitempty"`
	NextToken    string `json:"nextToken,omitempty"`
	QueryVersion string `json:"queryVersion,omitempty"`
}

// SearchIndexOutput is the SearchIndex response: things for AWS_Things,
// thingGroups for AWS_ThingGroups.
type SearchIndexOutput struct {
	NextToken   string               `json:"nextToken,omitempty"`
	Things      []ThingDocument      `json:"things,omitempty"`
	ThingGroups []ThingGroupDocument `json:"thingGroups,omitempty"`
}

// SearchIndex runs a query, in name order (AWS does not sort; a stable
// order makes pages stable).
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_SearchIndex.html#API_SearchIndex_RequestSyntax
func (ix *Index) SearchIndex(in SearchIndexInput) (SearchIndexOutput, error) {
	max := MaxSearchResults
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > MaxSearchResults {
			return SearchIndexOutput{}, validation(strconv.Itoa(*in.MaxResults), "maxResults", "Member must have value between 1 and 100")
		}
		max = *in.MaxResults
	}
	q, err := Compile(in.QueryString)
	if err != nil {
		return SearchIndexOutput{}, err
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	name, err := ix.resolve(in.IndexName, true)
	if err != nil {
		return SearchIndexOutput{}, err
	}
	if name == ThingGroupsIndex {
		return ix.searchGroups(q, in.NextToken, max)
	}
	page, next, err := pageOf(ix.matchingLocked(q), in.NextToken, max)
	if err != nil {
		return SearchIndexOutput{}, err
	}
	out := SearchIndexOutput{NextToken: next, Things: []ThingDocument{}}
	for _, n := range page {
		out.Things = append(out.Things, ix.thingDocument(n))
	}
	return out, nil
}

func pageOf(keys []string, token string, max int) ([]string, string, error) {
	page, next, err := awsid.Page(keys, token, max)
	if errors.Is(err, awsid.ErrInvalidToken) {
		return nil, "", errorf(InvalidRequest, "Invalid nextToken")
	}
	return page, next, err
}

func (ix *Index) searchGroups(q *Query, token string, max int) (SearchIndexOutput, error) {
	var names []string
	custom := ix.cfg.ThingGroupIndexingConfiguration.CustomFields
	for _, n := range sortedKeys(ix.groups) {
		g := ix.groups[n]
		if q.node.Eval(view{f: flattenGroup(&g, custom), searchable: groupSearchable}) {
			names = append(names, n)
		}
	}
	page, next, err := pageOf(names, token, max)
	if err != nil {
		return SearchIndexOutput{}, err
	}
	out := SearchIndexOutput{NextToken: next, ThingGroups: []ThingGroupDocument{}}
	for _, n := range page {
		g := ix.groups[n]
		out.ThingGroups = append(out.ThingGroups, ThingGroupDocument{
			ThingGroupName: g.ThingGroupName, ThingGroupID: g.ThingGroupID,
			ThingGroupDescription: g.Description, Attributes: maps.Clone(g.Attributes),
			ParentGroupNames: slices.Clone(g.ParentGroupNames),
		})
	}
	return out, nil
}

// thingDocument renders one result. Members of sources that are off, or
// that the thing lacks, are left out.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/managing-index.html#search-index
func (ix *Index) thingDocument(name string) ThingDocument {
	d, shadows, _ := ix.document(name)
	cfg := ix.cfg.ThingIndexingConfiguration
	t := d.Thing
	out := ThingDocument{
		ThingName: t.ThingName, ThingID: t.ThingID, ThingTypeName: t.ThingTypeName,
		ThingGroupNames: slices.Clone(t.ThingGroupNames), Attributes: maps.Clone(t.Attributes),
	}
	out.Shadow = shadowOutput(shadows, cfg)
	if d.DeviceDefender != nil && cfg.DeviceDefenderIndexingMode == DefenderViolations {
		out.DeviceDefender = string(d.DeviceDefender)
	}
	if c := d.Connectivity; c != nil && cfg.ThingConnectivityIndexingMode == ConnectivityStatus {
		out.Connectivity = connectivityOutput(c)
	}
	return out
}

// shadowOutput is the `shadow` member, a JSON string: the classic shadow
// at the top and named shadows under "name" (UNCONFIRMED layout).
func shadowOutput(shadows map[string]*shadowData, cfg *ThingIndexingConfiguration) string {
	var out map[string]any
	if s := shadows[""]; s != nil && cfg.ThingIndexingMode == ModeRegistryAndShadow {
		out = s.output()
	}
	named := map[string]any{}
	for _, n := range indexedShadowNames(cfg) {
		if s := shadows[n]; s != nil {
			named[n] = s.output()
		}
	}
	if len(named) > 0 {
		if out == nil {
			out = map[string]any{}
		}
		out["name"] = named
	}
	if out == nil {
		return ""
	}
	b, err := json.Marshal(out)
	if err != nil {
		return "" // values came from parsed JSON; marshalling them cannot fail
	}
	return string(b)
}

func connectivityOutput(c *Connectivity) *ThingConnectivityOut {
	out := &ThingConnectivityOut{
		Connected: c.Connected, DisconnectReason: c.DisconnectReason, ClientID: c.ClientID,
		KeepAliveDuration: c.KeepAliveDuration, CleanSession: c.CleanSession, SessionExpiry: c.SessionExpiry,
	}
	if c.Timestamp != 0 {
		ts := c.Timestamp
		out.Timestamp = &ts
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
