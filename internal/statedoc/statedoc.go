// Package statedoc reads the versioned JSON documents in which services
// keep their whole state in the data directory (-data-dir): each document
// carries its layout's "version", and a document of another layout is
// refused, so that a data directory written by another iotemu is never
// silently misread.
package statedoc

import (
	"encoding/json"
	"fmt"
)

// Decode reads a service's snapshot document raw into v after checking
// that its "version" is want. what names the service in the error
// ("jobs", "registry").
func Decode(what string, raw []byte, want int, v any) error {
	var head struct {
		Version int `json:"version"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return fmt.Errorf("%s restore: %w", what, err)
	}
	if head.Version != want {
		return fmt.Errorf("%s restore: snapshot version %d, want %d", what, head.Version, want)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("%s restore: %w", what, err)
	}
	return nil
}
