package archtest

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/iotemu/iotemu"

// TestServicePackagesStandAlone: shadow, rules, apigw, fixtures, lambdafn,
// policy and sigv4 import no package of this module outside their own
// tree, and not mochi, so that each is usable on its own (ARCHITECTURE.md, "Dependency rule").
func TestServicePackagesStandAlone(t *testing.T) {
	for _, pkg := range []string{"shadow", "rules", "apigw", "fixtures", "lambdafn", "policy", "sigv4", "registry"} {
		t.Run(pkg, func(t *testing.T) {
			out, err := exec.Command("go", "list", "-deps", module+"/"+pkg+"/...").CombinedOutput()
			if strings.Contains(string(out), "matched no packages") {
				t.Skipf("%s does not exist yet", pkg)
			}
			if err != nil {
				t.Fatalf("go list: %v\n%s", err, out)
			}
			for _, dep := range strings.Fields(string(out)) {
				own := strings.HasPrefix(dep, module+"/"+pkg)
				if (strings.HasPrefix(dep, module+"/") && !own) || strings.HasPrefix(dep, "github.com/mochi-mqtt/") {
					t.Errorf("%s imports %s", pkg, dep)
				}
			}
		})
	}
}
