// Package sql is a hand-written lexer and parser for AWS IoT SQL: the SET,
// SELECT (list, *, VALUE, dotted aliases), FROM and WHERE clauses,
// expressions with AWS's operators, CASE, literals, function calls, cast and
// nested object queries, for the SQL versions 2015-10-08, 2016-03-23 and beta.
// Errors are *Error values that carry a position and format as AWS's
// SqlParseException.
package sql
