package archtest

import (
	"os/exec"
	"strings"
	"testing"
)

// shipped are the packages users link: the binary, and testkit in every
// user's test binary.
var shipped = []string{module + "/cmd/iotemu", module + "/testkit"}

// TestNoServiceClients: neither the binary nor testkit links an AWS SDK
// service client (about 10 MB of code for the ten the rule actions call);
// the actions send through rules/actions/internal/awswire instead. Tests
// may use the clients: only non-test dependencies are checked.
func TestNoServiceClients(t *testing.T) {
	for _, p := range shipped {
		out, err := exec.Command("go", "list", "-deps", p).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", p, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			if strings.HasPrefix(dep, "github.com/aws/aws-sdk-go-v2/service/") {
				t.Errorf("%s links %s: send the request with rules/actions/internal/awswire instead", p, dep)
			}
		}
	}
}
