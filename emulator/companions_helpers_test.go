package emulator_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// companion extracts a companion archive of ../shared/companions (relative
// to the repository root; IOTEMU_COMPANIONS overrides the folder) into a
// temporary folder and returns it. It skips when the archive is absent,
// except in CI, which provides it.
func companion(t *testing.T, archive string) string {
	t.Helper()
	dir := os.Getenv("IOTEMU_COMPANIONS")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "companions")
	}
	path := filepath.Join(dir, archive)
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("companion %s absent: %v", archive, err)
		}
		t.Skipf("companion %s absent: %v", archive, err)
	}
	out := t.TempDir()
	if b, err := exec.Command("tar", "-xzf", path, "-C", out).CombinedOutput(); err != nil {
		t.Fatalf("extract %s: %v\n%s", archive, err, b)
	}
	return out
}
