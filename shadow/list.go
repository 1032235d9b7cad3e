package shadow

import (
	"context"
	"encoding/base64"
	"fmt"
	"sort"
)

// ListResult is the ListNamedShadowsForThing response; it marshals to the
// AWS body {"results": [...], "nextToken": "...", "timestamp": t}.
// AWS: device-shadow-document.html (shadow name list response document).
type ListResult struct {
	// Results are shadow names in ascending order (AWS's order is undocumented).
	Results []string `json:"results"`
	// NextToken is empty on the last page.
	NextToken string `json:"nextToken,omitempty"`
	// Timestamp is the response time in epoch seconds.
	Timestamp int64 `json:"timestamp"`
}

// ErrInvalidNextToken is returned by ListNamed for a nextToken it did not
// issue. The AWS text is unknown.
var ErrInvalidNextToken = &Error{Code: 400, Message: "Invalid nextToken"}

// ListNamed lists the named shadows of thing, pageSize at a time (0 means
// Limits.DefaultPageSize; otherwise 1 to Limits.MaxPageSize). The classic
// shadow is never listed, and an unknown thing gives an empty list, not an
// error. Deleted shadows are not listed (INF).
//
// AWS: device-shadow-rest-api.html (ListNamedShadowsForThing note);
// iot-data API PageSize 1-100.
func (s *Service) ListNamed(ctx context.Context, thing string, pageSize int, nextToken string) (ListResult, error) {
	if err := s.validateKey(Key{Thing: thing}); err != nil {
		return ListResult{}, err
	}
	if pageSize == 0 {
		pageSize = s.cfg.Limits.DefaultPageSize
	}
	if pageSize < 1 {
		return ListResult{}, validationError(fmt.Sprint(pageSize), "pageSize", "Member must have value greater than or equal to 1")
	}
	if pageSize > s.cfg.Limits.MaxPageSize {
		return ListResult{}, validationError(fmt.Sprint(pageSize), "pageSize", fmt.Sprintf("Member must have value less than or equal to %d", s.cfg.Limits.MaxPageSize))
	}
	after := ""
	if nextToken != "" {
		b, err := base64.RawURLEncoding.DecodeString(nextToken)
		if err != nil || len(b) == 0 {
			return ListResult{}, ErrInvalidNextToken
		}
		after = string(b)
	}
	names, err := s.cfg.Store.NamedShadows(ctx, thing)
	if err != nil {
		return ListResult{}, fmt.Errorf("list named shadows: %w", err)
	}
	sort.Strings(names)
	start := sort.SearchStrings(names, after)
	if after != "" && start < len(names) && names[start] == after {
		start++
	}
	res := ListResult{Results: []string{}, Timestamp: s.now()}
	end := min(start+pageSize, len(names))
	res.Results = append(res.Results, names[start:end]...)
	if end < len(names) {
		res.NextToken = base64.RawURLEncoding.EncodeToString([]byte(names[end-1]))
	}
	return res, nil
}
