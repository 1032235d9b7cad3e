package tagging

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/iotemu/iotemu/internal/awsrest"
)

// Limits of a resource's tags.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/tagging-iot.html#tagging-iot-restrict
// (50 tags per resource, the aws: prefix reserved) and
// https://docs.aws.amazon.com/iot/latest/apireference/API_Tag.html#API_Tag_Contents
// (Key 1-128 characters, Value 0-256).
const (
	MaxTags        = 50
	MaxKeyLength   = 128
	MaxValueLength = 256
	reservedPrefix = "aws:"
)

// LimitExceeded is the exception of a resource going over MaxTags
// (HTTP 410 in the iot model).
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_TagResource.html#API_TagResource_Errors
const LimitExceeded = "LimitExceededException"

// Tag is one tag, with AWS's capitalised member names on the wire.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_Tag.html#API_Tag_Contents
type Tag struct {
	Key   string  `json:"Key"`
	Value *string `json:"Value,omitempty"`
}

// Store holds the tags of every resource by ARN. It is safe for
// concurrent use.
type Store struct {
	mu   sync.RWMutex
	tags map[string]map[string]string
}

// New returns an empty store.
func New() *Store { return &Store{tags: map[string]map[string]string{}} }

// Validate checks tags as TagResource and the Create operations do,
// without storing them.
func Validate(tags []Tag) error {
	for i, t := range tags {
		if err := validTag(i, t); err != nil {
			return err
		}
	}
	return nil
}

func validTag(i int, t Tag) error {
	n := utf8.RuneCountInString(t.Key)
	if n < 1 || n > MaxKeyLength {
		return invalid("1 validation error detected: Value '%s' at 'tags.%d.member.key' failed to satisfy constraint: Member must have length between 1 and %d", t.Key, i+1, MaxKeyLength)
	}
	if t.Value != nil && utf8.RuneCountInString(*t.Value) > MaxValueLength {
		return invalid("1 validation error detected: Value '%s' at 'tags.%d.member.value' failed to satisfy constraint: Member must have length less than or equal to %d", *t.Value, i+1, MaxValueLength)
	}
	if strings.HasPrefix(strings.ToLower(t.Key), reservedPrefix) {
		// Message UNCONFIRMED; the prefix is reserved for AWS's own tags.
		return invalid("Tag keys starting with 'aws:' are reserved for system use: %s", t.Key)
	}
	return nil
}

func invalid(format string, args ...any) *awsrest.Error {
	return awsrest.Errorf(http.StatusBadRequest, awsrest.InvalidRequest, format, args...)
}

// Tag adds tags to a resource, overwriting existing keys; nothing is
// stored when a tag is invalid or the resource would have more than
// MaxTags.
func (s *Store) Tag(arn string, tags []Tag) error {
	if err := Validate(tags); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	next := maps.Clone(s.tags[arn])
	if next == nil {
		next = map[string]string{}
	}
	for _, t := range tags {
		next[t.Key] = value(t)
	}
	if len(next) > MaxTags {
		return awsrest.Errorf(http.StatusGone, LimitExceeded,
			"Number of tags on resource %s would exceed the limit of %d", arn, MaxTags) // message UNCONFIRMED
	}
	if len(next) > 0 {
		s.tags[arn] = next
	}
	return nil
}

func value(t Tag) string {
	if t.Value == nil {
		return ""
	}
	return *t.Value
}

// Untag removes keys from a resource; absent keys are ignored.
func (s *Store) Untag(arn string, keys []string) error {
	for i, k := range keys {
		if n := utf8.RuneCountInString(k); n < 1 || n > MaxKeyLength {
			return invalid("1 validation error detected: Value '%s' at 'tagKeys.%d.member' failed to satisfy constraint: Member must have length between 1 and %d", k, i+1, MaxKeyLength)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range keys {
		delete(s.tags[arn], k)
	}
	if len(s.tags[arn]) == 0 {
		delete(s.tags, arn)
	}
	return nil
}

// List returns a resource's tags sorted by key.
func (s *Store) List(arn string) []Tag {
	s.mu.RLock()
	defer s.mu.RUnlock()
	m := s.tags[arn]
	out := make([]Tag, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		v := m[k]
		out = append(out, Tag{Key: k, Value: &v})
	}
	return out
}

// Drop forgets a deleted resource's tags.
func (s *Store) Drop(arn string) {
	s.mu.Lock()
	delete(s.tags, arn)
	s.mu.Unlock()
}

// ParseHeader reads CreateTopicRule's x-amz-tagging header,
// "key1=value1&key2=value2" (URL query encoding).
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateTopicRule.html#API_CreateTopicRule_RequestSyntax
func ParseHeader(h string) ([]Tag, error) {
	if h == "" {
		return nil, nil
	}
	var out []Tag
	for _, pair := range strings.Split(h, "&") {
		k, v, _ := strings.Cut(pair, "=")
		key, err := unescape(k)
		if err != nil {
			return nil, err
		}
		val, err := unescape(v)
		if err != nil {
			return nil, err
		}
		out = append(out, Tag{Key: key, Value: &val})
	}
	return out, Validate(out)
}

func unescape(s string) (string, error) {
	u, err := url.QueryUnescape(s)
	if err != nil {
		return "", invalid("Invalid x-amz-tagging header: %v", fmt.Errorf("unescape %q: %w", s, err))
	}
	return u, nil
}

// Reset forgets every resource's tags (the emulator's reset API).
func (s *Store) Reset() {
	s.mu.Lock()
	s.tags = map[string]map[string]string{}
	s.mu.Unlock()
}
