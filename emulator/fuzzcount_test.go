package emulator

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// fuzzExecs counts the execs of this process's fuzz target.
var fuzzExecs int

// countExec counts one exec of a fuzz target. With IOTEMU_FUZZ_COUNT set
// to a directory, every process writes its count there ({target}.{pid})
// every 100 execs: go test's own "execs" leave out the executions it
// spends minimizing new inputs, which on the stateful targets (their
// coverage varies from run to run with goroutine scheduling) are most of
// them (docs/fuzzing.md).
func countExec(target string) {
	fuzzExecs++
	dir := os.Getenv("IOTEMU_FUZZ_COUNT")
	if dir == "" || fuzzExecs%100 != 0 {
		return
	}
	name := filepath.Join(dir, fmt.Sprintf("%s.%d", target, os.Getpid()))
	_ = os.WriteFile(name, []byte(strconv.Itoa(fuzzExecs)), 0o600) // a count, best effort
}
