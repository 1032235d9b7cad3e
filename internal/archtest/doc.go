// Package archtest holds the tests that enforce ARCHITECTURE.md's
// dependency rule and what the shipped packages may link; it has no code
// of its own.
package archtest
