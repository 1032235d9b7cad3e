package registry_test

import (
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/iotemu/iotemu/registry"
)

// botocoreModels are where Debian's awscli and botocore keep the iot model.
var botocoreModels = []string{
	"/usr/lib/python3/dist-packages/awscli/botocore/data/iot/2015-05-28/service-2.json",
	"/usr/lib/python3/dist-packages/botocore/data/iot/2015-05-28/service-2.json",
}

// TestCodesMatchModel checks every row of the error table against the iot
// model's httpStatusCode traits.
func TestCodesMatchModel(t *testing.T) {
	var raw []byte
	for _, p := range botocoreModels {
		if b, err := os.ReadFile(p); err == nil {
			raw = b
			break
		}
	}
	if raw == nil {
		t.Skip("botocore iot model not installed")
	}
	var model struct {
		Shapes map[string]struct {
			Exception bool `json:"exception"`
			Error     struct {
				HTTPStatusCode int `json:"httpStatusCode"`
			} `json:"error"`
		} `json:"shapes"`
	}
	must(t, json.Unmarshal(raw, &model))
	for code, status := range registry.Codes() {
		shape, ok := model.Shapes[string(code)]
		if !ok || !shape.Exception {
			t.Errorf("%s: not an exception shape of the iot model", code)
			continue
		}
		if shape.Error.HTTPStatusCode != status {
			t.Errorf("%s: got status %d, want %d", code, status, shape.Error.HTTPStatusCode)
		}
	}
}

func TestErrorIs(t *testing.T) {
	r, _, _ := newRegistry(t)
	_, err := r.DescribeThing("missing")
	if !errors.Is(err, registry.ErrNotFound) || errors.Is(err, registry.ErrInvalid) {
		t.Fatalf("got %v, want only ErrNotFound to match", err)
	}
	var re *registry.Error
	if !errors.As(err, &re) || re.Status() != 404 {
		t.Fatalf("got %v, want status 404", err)
	}
}

func TestNewValidates(t *testing.T) {
	for _, cfg := range []registry.Config{
		{Region: "", AccountID: "123456789012"},
		{Region: "us-east-1", AccountID: "12"},
		{Region: "us-east-1", AccountID: "123456789012", KeyAlgorithm: "DSA"},
	} {
		if _, err := registry.New(cfg); err == nil {
			t.Errorf("New(%+v): got nil error", cfg)
		}
	}
}

func TestPartitionInARNs(t *testing.T) {
	r, err := registry.New(registry.Config{Region: "cn-north-1", AccountID: "123456789012"})
	must(t, err)
	if got := r.ThingARN("x"); got != "arn:aws-cn:iot:cn-north-1:123456789012:thing/x" {
		t.Fatalf("got %s", got)
	}
}
