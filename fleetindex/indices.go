package fleetindex

import (
	"errors"
	"regexp"
	"strconv"
	"time"

	"github.com/iotemu/iotemu/internal/awsid"
)

// The two index names.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/managing-fleet-index.html#thing-index
const (
	ThingsIndex      = "AWS_Things"
	ThingGroupsIndex = "AWS_ThingGroups"
)

// Index statuses.
const (
	StatusActive     = "ACTIVE"
	StatusBuilding   = "BUILDING"
	StatusRebuilding = "REBUILDING"
)

// indexNamePattern is the IndexName constraint.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_SearchIndex.html#API_SearchIndex_RequestSyntax
var indexNamePattern = regexp.MustCompile(`^[a-zA-Z0-9:_-]{1,128}$`)

// DescribeIndexOutput is the DescribeIndex response.
type DescribeIndexOutput struct {
	IndexName   string `json:"indexName"`
	IndexStatus string `json:"indexStatus"`
	Schema      string `json:"schema"`
}

// ListIndicesOutput is the ListIndices response.
type ListIndicesOutput struct {
	IndexNames []string `json:"indexNames"`
	NextToken  string   `json:"nextToken,omitempty"`
}

// resolve checks an index name (default AWS_Things) and that the index
// is enabled and queryable. Callers hold ix.mu.
func (ix *Index) resolve(name string, query bool) (string, error) {
	if name == "" {
		name = ThingsIndex
	}
	if !indexNamePattern.MatchString(name) {
		return "", validation(name, "indexName", "Member must satisfy regular expression pattern: [a-zA-Z0-9:_-]+")
	}
	status, ok := ix.status(name)
	if !ok {
		return "", errorf(ResourceNotFound, "Index %s does not exist", name)
	}
	if query && status == StatusBuilding {
		return "", errorf(IndexNotReady, "Index %s is not ready (status %s)", name, status)
	}
	return name, nil
}

// status is the index's status; ok is false when it is off or unknown.
// During REBUILDING queries answer from the data already indexed.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/managing-index.html#describe-index
func (ix *Index) status(name string) (string, bool) {
	var since time.Time
	var rebuild bool
	switch name {
	case ThingsIndex:
		if ix.cfg.ThingIndexingConfiguration.ThingIndexingMode == ModeOff {
			return "", false
		}
		since, rebuild = ix.thingSince, ix.thingRebuild
	case ThingGroupsIndex:
		if ix.cfg.ThingGroupIndexingConfiguration.ThingGroupIndexingMode != GroupModeOn {
			return "", false
		}
		since, rebuild = ix.groupSince, ix.groupRebuild
	default:
		return "", false
	}
	if ix.opts.BuildDelay > 0 && ix.opts.Now().Before(since.Add(ix.opts.BuildDelay)) {
		if rebuild {
			return StatusRebuilding, true
		}
		return StatusBuilding, true
	}
	return StatusActive, true
}

// schema names what the thing index holds; named shadows or Device
// Defender make it MULTI_INDEXING_MODE.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_DescribeIndex.html#API_DescribeIndex_ResponseSyntax
func schema(t *ThingIndexingConfiguration) string {
	if t.NamedShadowIndexingMode == NamedShadowOn || t.DeviceDefenderIndexingMode == DefenderViolations {
		return "MULTI_INDEXING_MODE"
	}
	s := t.ThingIndexingMode
	if t.ThingConnectivityIndexingMode == ConnectivityStatus {
		s += "_AND_CONNECTIVITY_STATUS"
	}
	return s
}

// DescribeIndex describes one enabled index.
func (ix *Index) DescribeIndex(name string) (DescribeIndexOutput, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if name == "" {
		return DescribeIndexOutput{}, notNull("indexName")
	}
	name, err := ix.resolve(name, false)
	if err != nil {
		return DescribeIndexOutput{}, err
	}
	status, _ := ix.status(name)
	out := DescribeIndexOutput{IndexName: name, IndexStatus: status, Schema: "THING_GROUPS"}
	if name == ThingsIndex {
		out.Schema = schema(ix.cfg.ThingIndexingConfiguration)
	}
	return out, nil
}

// ListIndices lists the enabled indexes; maxResults is 1-500 (0 means the
// maximum).
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_ListIndices.html#API_ListIndices_RequestSyntax
func (ix *Index) ListIndices(maxResults int, nextToken string) (ListIndicesOutput, error) {
	if maxResults < 0 || maxResults > 500 {
		return ListIndicesOutput{}, validation(strconv.Itoa(maxResults), "maxResults", "Member must have value less than or equal to 500")
	}
	if maxResults == 0 {
		maxResults = 500
	}
	ix.mu.RLock()
	var names []string
	for _, n := range []string{ThingsIndex, ThingGroupsIndex} {
		if _, ok := ix.status(n); ok {
			names = append(names, n)
		}
	}
	ix.mu.RUnlock()
	page, next, err := awsid.Page(names, nextToken, maxResults)
	if errors.Is(err, awsid.ErrInvalidToken) {
		return ListIndicesOutput{}, errorf(InvalidRequest, "Invalid nextToken")
	}
	return ListIndicesOutput{IndexNames: append([]string{}, page...), NextToken: next}, nil
}
