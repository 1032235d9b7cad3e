package awsid_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"regexp"
	"testing"

	"github.com/iotemu/iotemu/internal/awsid"
)

func TestNewUUID(t *testing.T) {
	re := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	a, b := awsid.NewUUID(), awsid.NewUUID()
	if !re.MatchString(a) || a == b {
		t.Fatalf("got %q and %q, want two distinct version 4 UUIDs", a, b)
	}
}

func TestARN(t *testing.T) {
	for _, tt := range []struct{ region, want string }{
		{"us-east-1", "arn:aws:iot:us-east-1:123456789012:thing/a"},
		{"cn-north-1", "arn:aws-cn:iot:cn-north-1:123456789012:thing/a"},
		{"us-gov-west-1", "arn:aws-us-gov:iot:us-gov-west-1:123456789012:thing/a"},
	} {
		got := awsid.ARN("iot", tt.region, "123456789012", "thing/a")
		if got != tt.want {
			t.Errorf("ARN in %s: got %q, want %q", tt.region, got, tt.want)
		}
		if r := awsid.Resource(got); r != "thing/a" {
			t.Errorf("Resource(%q): got %q, want thing/a", got, r)
		}
	}
	if r := awsid.Resource("thing/a"); r != "" {
		t.Errorf("Resource of a non-ARN: got %q, want empty", r)
	}
}

func TestCertificateID(t *testing.T) {
	sum := sha256.Sum256([]byte("der"))
	if got, want := awsid.CertificateID([]byte("der")), hex.EncodeToString(sum[:]); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestPage(t *testing.T) {
	keys := []string{"c", "a", "e", "b", "d"}
	var got []string
	token := ""
	for range 5 {
		out, next, err := awsid.Page(keys, token, 2)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, out...)
		if next == "" {
			break
		}
		token = next
	}
	if want := "abcde"; concat(got) != want {
		t.Fatalf("pages: got %q, want %q", concat(got), want)
	}
	if _, _, err := awsid.Page(keys, "!!", 2); !errors.Is(err, awsid.ErrInvalidToken) {
		t.Fatalf("bad token: got %v, want ErrInvalidToken", err)
	}
}

func concat(s []string) string {
	out := ""
	for _, v := range s {
		out += v
	}
	return out
}
