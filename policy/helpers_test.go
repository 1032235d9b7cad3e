package policy_test

import (
	"testing"

	"github.com/iotemu/iotemu/policy"
)

const (
	region  = "us-east-1"
	account = "123456789012"
)

// mustParse parses doc or fails the test.
func mustParse(tb testing.TB, doc string) *policy.Policy {
	tb.Helper()
	p, err := policy.Parse(doc)
	if err != nil {
		tb.Fatalf("Parse: %v\n%s", err, doc)
	}
	return p
}

// stmt wraps statements into a 2012-10-17 document.
func doc(statements string) string {
	return `{"Version":"2012-10-17","Statement":[` + statements + `]}`
}

func topic(t string) string  { return policy.TopicARN(region, account, t) }
func filter(f string) string { return policy.TopicFilterARN(region, account, f) }
func client(c string) string { return policy.ClientARN(region, account, c) }
