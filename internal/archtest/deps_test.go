package archtest

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/iotemu/iotemu"

// TestServicePackagesStandAlone: shadow, rules, apigw, fixtures, lambdafn,
// policy, sigv4 and registry import no package of this module outside their
// own tree, and not mochi, so that each is usable on its own
// (ARCHITECTURE.md, "Dependency rule"). fixtures/examples are programs that
// compose the emulator, so only the fixtures package itself is checked.
func TestServicePackagesStandAlone(t *testing.T) {
	for _, pkg := range []string{"shadow", "rules", "apigw", "fixtures", "lambdafn", "policy", "sigv4", "registry"} {
		t.Run(pkg, func(t *testing.T) {
			pattern := module + "/" + pkg + "/..."
			if pkg == "fixtures" {
				pattern = module + "/" + pkg
			}
			out, err := exec.Command("go", "list", "-deps", pattern).CombinedOutput()
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
