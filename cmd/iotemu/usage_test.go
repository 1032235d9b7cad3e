package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func noEnv(string) string { return "" }

// TestHelpShowsEveryDefault: each default the README's settings table
// defers to -help is printed by -help.
func TestHelpShowsEveryDefault(t *testing.T) {
	t.Parallel()
	var stderr bytes.Buffer
	if _, err := loadOptions([]string{"-help"}, noEnv, &stderr); !errors.Is(err, errHelp) {
		t.Fatalf("got %v, want errHelp", err)
	}
	for _, want := range []string{
		"-action-timeout duration\n    \ttimeout of one rule action request (IOTEMU_ACTION_TIMEOUT) (default 10s)",
		"(IOTEMU_HTTP_CONFIRM_DESTINATIONS=true) (default: off)",
		"(IOTEMU_TLS_CA_CERT) (default: a CA generated at start)",
		"(IOTEMU_TLS_CERT) (default: issued by the CA for localhost, 127.0.0.1, ::1 and -tls-hosts)",
		`(IOTEMU_LOG_LEVEL) (default "info")`,
		`(IOTEMU_AUTH) (default "permissive")`,
		`(IOTEMU_ADVERTISED_HOST) (default "localhost")`,
	} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("-help lacks %q", want)
		}
	}
}

// TestWrongFlagReportedOnce: the flag package prints a wrong flag's error
// with the usage; main adds nothing.
func TestWrongFlagReportedOnce(t *testing.T) {
	t.Parallel()
	var stderr bytes.Buffer
	_, err := loadOptions([]string{"-bogus"}, noEnv, &stderr)
	if code := exitCode(err, &stderr); code != 2 {
		t.Errorf("exit code: got %d, want 2", code)
	}
	if n := strings.Count(stderr.String(), "-bogus"); n != 1 {
		t.Errorf("the error appears %d times, want once:\n%s", n, stderr.String())
	}
}

// TestLogLevelListsValidLevels: a wrong -log-level says which ones exist.
func TestLogLevelListsValidLevels(t *testing.T) {
	t.Parallel()
	_, err := loadOptions([]string{"-log-level", "verbose"}, noEnv, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), `"verbose"`) || !strings.Contains(err.Error(), "debug, info, warn, error") {
		t.Fatalf("got %v, want the level given and the valid ones", err)
	}
	var stderr bytes.Buffer
	if code := exitCode(err, &stderr); code != 1 || strings.Count(stderr.String(), "verbose") != 1 {
		t.Errorf("got exit %d and %q, want 1 and the error once", code, stderr.String())
	}
}

// TestFixturesErrorNamesFileAsGiven: the error names the path the user
// typed (absolute here: the leading / was once lost), the format, the line.
func TestFixturesErrorNamesFileAsGiven(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(path, []byte("shadows:\n  - thing: lamp\n    documnet: {}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := run(context.Background(), []string{"-fixtures", path, "-mqtt-addr", "off", "-mqtt-tls-addr", "off",
		"-http-addr", "off", "-https-addr", "off", "-apigw-addr", "off"}, noEnv, &bytes.Buffer{}, &bytes.Buffer{})
	want := "-fixtures " + path + ": invalid fixtures: YAML line 3: unknown member \"documnet\""
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s", err, want)
	}
}
