// Package archtest holds the test that enforces ARCHITECTURE.md's
// dependency rule; it has no code of its own.
package archtest
