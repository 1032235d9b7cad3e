package tagging_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/tagging"
)

func str(s string) *string { return &s }

func wantCode(t *testing.T, err error, code string, status int) {
	t.Helper()
	var e *awsrest.Error
	if !errors.As(err, &e) || e.Type != code || e.Status != status {
		t.Fatalf("got %v, want %s %d", err, code, status)
	}
}

func TestTagOverwriteUntagDrop(t *testing.T) {
	s := tagging.New()
	const arn = "arn:aws:iot:us-east-1:123456789012:thinggroup/g"
	if err := s.Tag(arn, []tagging.Tag{{Key: "a", Value: str("1")}, {Key: "b", Value: str("")}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Tag(arn, []tagging.Tag{{Key: "a", Value: str("2")}}); err != nil {
		t.Fatal(err)
	}
	got := s.List(arn)
	if len(got) != 2 || got[0].Key != "a" || *got[0].Value != "2" || *got[1].Value != "" {
		t.Fatalf("tags = %+v", got)
	}
	if err := s.Untag(arn, []string{"a", "missing"}); err != nil {
		t.Fatal(err)
	}
	if got := s.List(arn); len(got) != 1 || got[0].Key != "b" {
		t.Fatalf("after untag = %+v", got)
	}
	s.Drop(arn)
	if got := s.List(arn); len(got) != 0 {
		t.Fatalf("after drop = %+v", got)
	}
}

func TestLimits(t *testing.T) {
	s := tagging.New()
	var fifty []tagging.Tag
	for i := range 50 {
		fifty = append(fifty, tagging.Tag{Key: "k" + strings.Repeat("x", i), Value: str("v")})
	}
	if err := s.Tag("arn", fifty); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.Tag("arn", []tagging.Tag{{Key: "one-more"}}), tagging.LimitExceeded, 410)
	if len(s.List("arn")) != 50 {
		t.Fatal("a refused TagResource changed the tags")
	}
	for name, tag := range map[string]tagging.Tag{
		"empty key":   {Key: ""},
		"long key":    {Key: strings.Repeat("k", 129)},
		"long value":  {Key: "k", Value: str(strings.Repeat("v", 257))},
		"aws: prefix": {Key: "aws:cloudformation:stack"},
		"AWS: prefix": {Key: "AWS:x"},
	} {
		t.Run(name, func(t *testing.T) { wantCode(t, tagging.Validate([]tagging.Tag{tag}), awsrest.InvalidRequest, 400) })
	}
	if err := tagging.Validate([]tagging.Tag{{Key: strings.Repeat("k", 128), Value: str(strings.Repeat("v", 256))}}); err != nil {
		t.Fatalf("limits themselves refused: %v", err)
	}
}

func TestParseHeader(t *testing.T) {
	tags, err := tagging.ParseHeader("a=1&b=x%20y")
	if err != nil || len(tags) != 2 || tags[1].Key != "b" || *tags[1].Value != "x y" {
		t.Fatalf("tags = %+v, %v", tags, err)
	}
}
