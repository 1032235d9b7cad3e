package rulestest

import _ "embed" // the vectors travel with the package

// vectorsJSON is the AWS IoT SQL conformance vectors file, kept in the
// repository so that a clone runs every vector; a missing file fails the
// build, not skips.
//
//go:embed testdata/rules-sql-vectors.json
var vectorsJSON []byte

// Vectors returns the AWS IoT SQL conformance vectors of the repository.
func Vectors() (*File, error) { return parse(vectorsJSON, "rulestest/testdata/rules-sql-vectors.json") }
