package registry

import (
	"encoding/base64"
	"fmt"
	"sort"
)

// Page sizes. AWS: service-2.json RegistryMaxResults and PageSize (1–250).
// AWS's default sizes are not documented; the emulator uses the maximum.
const (
	MaxPageSize     = 250
	DefaultPageSize = MaxPageSize
)

// pageOf returns the items after the token, at most size of them, and the
// token of the next page ("" on the last). keys must be sorted (ascending,
// or descending when desc). A token is the standard base64 of the last key
// returned — it also fits the marker pattern [A-Za-z0-9+/]+={0,2} — so
// pages stay stable while items come and go.
func pageOf[T any](items []T, key func(T) string, token string, size int, desc bool) ([]T, string, error) {
	if size == 0 {
		size = DefaultPageSize
	}
	if size < 1 || size > MaxPageSize {
		return nil, "", errorf(InvalidRequest, "page size %d is not between 1 and %d", size, MaxPageSize)
	}
	start := 0
	if token != "" {
		raw, err := base64.StdEncoding.DecodeString(token)
		if err != nil || len(raw) == 0 {
			return nil, "", errorf(InvalidRequest, "Invalid token: %q", token)
		}
		last := string(raw)
		start = sort.Search(len(items), func(i int) bool {
			if desc {
				return key(items[i]) < last
			}
			return key(items[i]) > last
		})
	}
	end := min(start+size, len(items))
	out := items[start:end]
	next := ""
	if end < len(items) && end > start {
		next = base64.StdEncoding.EncodeToString([]byte(key(items[end-1])))
	}
	return out, next, nil
}

// seqKey makes a creation sequence number sort as a string.
func seqKey(n int64) string { return fmt.Sprintf("%020d", n) }
