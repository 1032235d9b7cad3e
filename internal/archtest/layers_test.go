package archtest

import (
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/iotemu/iotemu"

// layer is one row of ARCHITECTURE.md's package table: the packages it
// holds (a path, or a tree with "/..."), what they may import from this
// module, and whether they may import mochi.
type layer struct {
	name     string
	packages []string
	mayUse   []string // other layers' names
	mochi    bool
	// testsMayUse are further layers its tests (in-package or _test
	// packages) may use: the root's end-to-end tests drive it through
	// testkit.
	testsMayUse []string
	// testsMochi lets its tests import mochi: the root's end-to-end tests
	// write raw MQTT packets (mochi's packets) and compare with a bare
	// mochi broker; the root's own code may not.
	testsMochi bool
}

// layers is the dependency rule. A package of the module that matches no
// layer fails the test, so a new package must be placed first.
var layers = []layer{
	{name: "leaf", packages: []string{"internal/awsid", "internal/awsrest", "internal/route", "internal/topic", "internal/certs", "internal/mqttws", "internal/mqttapi", "clock", "internal/datadir", "internal/statedoc", "sigv4"}, mayUse: []string{"leaf"}},
	{name: "invoker", packages: []string{"lambdafn"}, mayUse: []string{"leaf"}},
	{name: "engine", packages: []string{"shadow/...", "rules/...", "policy", "registry", "apigw", "fixtures", "jobs/...", "fleetindex/...", "provisioning/...", "tagging", "faults"}, mayUse: []string{"leaf", "invoker"}},
	{name: "service", packages: []string{"internal/authz", "internal/customauth", "internal/controlplane/...", "internal/iotdata", "internal/apigwv2", "internal/credprovider"}, mayUse: []string{"leaf", "invoker", "engine", "service"}},
	{name: "broker", packages: []string{"internal/broker/..."}, mayUse: []string{"leaf", "invoker", "engine", "service"}, mochi: true},
	{name: "root", packages: []string{"emulator"}, mayUse: []string{"leaf", "invoker", "engine", "service", "broker"}, mochi: rootMayImportMochi, testsMochi: true, testsMayUse: []string{"tools"}},
	{name: "tools", packages: []string{"testkit/...", "cmd/...", "fixtures/examples/..."}, mayUse: []string{"leaf", "invoker", "engine", "service", "broker", "root", "tools"}},
	{name: "checks", packages: []string{"internal/archtest"}},
}

// rootMayImportMochi is false since the broker left the composition root
// (issue 11): only internal/broker imports mochi (and the root's tests,
// testsMochi).
const rootMayImportMochi = false

// pkg is what go list says of one package.
type pkg struct {
	ImportPath string
	Imports    []string
	ForTest    string
	Module     *struct{ Path string }
}

// TestLayers: every package of the module, its tests included (go list
// -deps -test), belongs to one layer and imports only what its layer may.
func TestLayers(t *testing.T) {
	touchSources(t)
	pkgs := list(t)
	if len(pkgs) < 20 {
		t.Fatalf("go list found %d packages of the module, want the whole module", len(pkgs))
	}
	for _, p := range pkgs {
		own, ok := layerOf(p.ImportPath)
		if !ok {
			t.Errorf("%s is in no layer: add it to archtest's layers and ARCHITECTURE.md", p.ImportPath)
			continue
		}
		if isTest(p) {
			own.mayUse = append(own.mayUse[:len(own.mayUse):len(own.mayUse)], own.testsMayUse...)
			own.mochi = own.mochi || own.testsMochi
		}
		for _, imp := range p.Imports {
			checkImport(t, p.ImportPath, own, imp)
		}
	}
}

// isTest reports whether p is a test variant: a package recompiled for
// its tests, or an external _test package.
func isTest(p pkg) bool { return p.ForTest != "" || strings.HasSuffix(clean(p.ImportPath), "_test") }

// clean drops go list's test-variant suffix " [x.test]".
func clean(path string) string { return strings.Split(path, " ")[0] }

func checkImport(t *testing.T, from string, own layer, imp string) {
	t.Helper()
	from, imp = clean(from), clean(imp)
	if strings.HasPrefix(imp, "github.com/mochi-mqtt/") {
		if !own.mochi && own.name != "tools" && own.name != "checks" {
			t.Errorf("%s (%s) imports %s: only the broker may import mochi", from, own.name, imp)
		}
		return
	}
	if !strings.HasPrefix(imp, module+"/") {
		return
	}
	target, ok := layerOf(imp)
	if !ok || sameTree(from, imp) {
		return // reported as unplaced on its own; a package may use its own tree
	}
	for _, l := range own.mayUse {
		if l == target.name {
			return
		}
	}
	t.Errorf("%s (%s) imports %s (%s): a %s package may use only %v", from, own.name, imp, target.name, own.name, own.mayUse)
}

// sameTree reports whether b is a (test) package of a's top-level tree
// within one layer entry, such as rules and rules/internal/eval.
func sameTree(a, b string) bool {
	ra := strings.TrimSuffix(strings.TrimPrefix(a, module+"/"), "_test")
	rb := strings.TrimSuffix(strings.TrimPrefix(b, module+"/"), "_test")
	top := func(s string) string {
		if strings.HasPrefix(s, "internal/") {
			parts := strings.SplitN(s, "/", 3)
			return strings.Join(parts[:min(2, len(parts))], "/")
		}
		return strings.SplitN(s, "/", 2)[0]
	}
	return top(ra) == top(rb)
}

func layerOf(path string) (layer, bool) {
	path = strings.TrimSuffix(clean(path), "_test")
	rel := strings.TrimPrefix(path, module+"/")
	if path == module {
		rel = ""
	}
	for _, l := range layers {
		for _, p := range l.packages {
			if tree, ok := strings.CutSuffix(p, "/..."); ok && (rel == tree || strings.HasPrefix(rel, tree+"/")) || rel == p {
				return l, true
			}
		}
	}
	return layer{}, false
}

// list runs go list -deps -test over the module and keeps its packages,
// test variants included.
func list(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", "-test", "-json=ImportPath,Imports,ForTest,Module", module+"/...")
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p pkg
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("decode go list: %v", err)
		}
		if p.Module != nil && p.Module.Path == module && !strings.HasSuffix(p.ImportPath, ".test") {
			pkgs = append(pkgs, p)
		}
	}
	return pkgs
}

// touchSources stats every Go file of the module, so that go test's cache
// (which records the files a test opens, not those its go list child
// reads) runs this test again whenever any import may have changed.
func touchSources(t *testing.T) {
	t.Helper()
	err := filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != "../.." {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".go") {
			_, err = os.Stat(path)
		}
		return err
	})
	if err != nil {
		t.Fatalf("walk the module: %v", err)
	}
}
