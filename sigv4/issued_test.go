package sigv4_test

import (
	"strings"
	"testing"
	"time"

	"github.com/iotemu/iotemu/sigv4"
)

// TestIssuedExpire: issued credentials are found until their expiry on
// the store's clock, and in AWS's temporary-key form.
func TestIssuedExpire(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := sigv4.NewIssued(func() time.Time { return now })
	c, exp := s.Issue("p", 900*time.Second)
	if !strings.HasPrefix(c.AccessKeyID, "ASIA") || len(c.AccessKeyID) != 20 || len(c.SecretAccessKey) != 40 || c.SessionToken == "" || !exp.Equal(now.Add(900*time.Second)) {
		t.Fatalf("issued %+v until %v", c, exp)
	}
	chain := sigv4.Chain{sigv4.NewStaticCredentials(), s}
	if got, ok := chain.LookupCredentials(c.AccessKeyID); !ok || got.Principal != "p" {
		t.Fatalf("lookup before expiry: %+v %v", got, ok)
	}
	now = now.Add(900 * time.Second)
	if _, ok := s.LookupCredentials(c.AccessKeyID); ok {
		t.Fatal("found at expiry")
	}
}
