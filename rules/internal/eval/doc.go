// Package eval compiles parsed AWS IoT SQL statements to goja programs and
// evaluates them on pooled runtimes.
//
// Each statement is translated once to JavaScript and compiled to a
// *goja.Program shared by every runtime. The generated code calls helpers
// (operators, conversions and the SQL functions, implemented in Go) that
// follow AWS's type system: Undefined vs Null, exact Int vs Decimal, the
// conversion tables, string concatenation with +, mixed-type comparisons.
// A runtime is used by one goroutine at a time (sync.Pool) and every
// evaluation is bounded by a time limit enforced with vm.Interrupt.
package eval
