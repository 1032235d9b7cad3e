package shadowtest

import _ "embed" // the vectors travel with the package

// vectorsJSON is the conformance vectors file, kept in the repository so
// that a clone runs every vector; a missing file fails the build, not skips.
//
//go:embed testdata/shadow-vectors.json
var vectorsJSON []byte

// Vectors returns the Device Shadow conformance vectors of the repository.
func Vectors() (*File, error) { return parse(vectorsJSON, "shadowtest/testdata/shadow-vectors.json") }
