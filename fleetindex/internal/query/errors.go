package query

import "fmt"

// SyntaxError is a malformed or unsupported query. Pos is the 0-based
// rune offset where the problem was found.
type SyntaxError struct {
	Pos int
	Msg string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("Invalid query string: %s at position %d", e.Msg, e.Pos)
}

// LimitError is a well-formed query that breaks one of AWS's limits
// (number of terms, leading wildcards).
type LimitError struct{ Msg string }

func (e *LimitError) Error() string { return "Invalid query string: " + e.Msg }
