package emulator_test

import (
	"os"
	"os/exec"
	"testing"
)

// requireTool finds an external client. Missing tools skip the test on a
// developer's machine but fail it in CI, where .ci/run installs them.
func requireTool(t *testing.T, candidates ...string) string {
	t.Helper()
	for _, c := range candidates {
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%v not installed; .ci/run installs it", candidates)
	}
	t.Skipf("%v not installed", candidates)
	return ""
}

// awsCLI prefers Debian's awscli package over another aws on PATH.
func awsCLI(t *testing.T) string { t.Helper(); return requireTool(t, "/usr/bin/aws", "aws") }

// awsEnv gives the CLI dummy credentials and a region, and keeps it away
// from the user's own configuration.
func awsEnv() []string {
	return append(os.Environ(),
		"AWS_ACCESS_KEY_ID=AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY=secret", "AWS_DEFAULT_REGION=us-east-1",
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=")
}

func readFile(p string) ([]byte, error) { return os.ReadFile(p) }
