package testkit_test

import (
	"os"
	"strings"
	"testing"
)

// readmeSources are the test files that hold README.md's Go snippets.
var readmeSources = []string{"readme_examples_test.go", "container/container_test.go"}

// TestREADMEGoBlocksAreTested: every ```go block of README.md appears, line
// for line (indentation and runs of spaces aside), in a test file that
// compiles and runs it, so no snippet of the first screen can rot.
func TestREADMEGoBlocksAreTested(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var src []string
	for _, p := range readmeSources {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		src = append(src, normalisedLines(string(b))...)
	}
	blocks := goBlocks(string(readme))
	if len(blocks) < 5 {
		t.Fatalf("found %d Go blocks in README.md, want at least 5", len(blocks))
	}
	for _, b := range blocks {
		if !containsRun(src, normalisedLines(b)) {
			t.Errorf("README.md Go block not found verbatim in %v:\n%s", readmeSources, b)
		}
	}
}

// goBlocks returns the bodies of the ```go fences of a Markdown text.
func goBlocks(md string) []string {
	var blocks []string
	for {
		_, rest, ok := strings.Cut(md, "\n```go\n")
		if !ok {
			return blocks
		}
		body, after, _ := strings.Cut(rest, "\n```")
		blocks = append(blocks, body)
		md = after
	}
}

// normalisedLines drops empty lines, indentation and alignment spaces
// (gofmt's business, not the README's).
func normalisedLines(s string) []string {
	var out []string
	for l := range strings.SplitSeq(s, "\n") {
		if f := strings.Fields(l); len(f) > 0 {
			out = append(out, strings.Join(f, " "))
		}
	}
	return out
}

// containsRun reports whether want appears as consecutive lines of src.
func containsRun(src, want []string) bool {
	for i := 0; i+len(want) <= len(src); i++ {
		match := true
		for j := range want {
			if src[i+j] != want[j] {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}
