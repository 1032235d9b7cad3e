// Package query parses and evaluates the AWS IoT fleet indexing query
// language (queryVersion 2017-09-30): field terms, wildcards, ranges,
// comparisons, boolean operators with implicit AND, grouping, field
// grouping, quoting and escaping.
//
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/query-syntax.html#supported-query-syntax
//
// The package knows nothing of things or shadows: it evaluates a parsed
// query against a Doc, a set of named, multi-valued fields that the
// fleetindex package builds from the indexed data and its configuration.
package query
