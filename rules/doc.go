// Package rules emulates the AWS IoT rules engine: topic rules written in
// AWS IoT SQL, evaluated for every published message whose topic matches
// their FROM filter, with the Republish action.
//
// What is emulated:
//   - IoT SQL parsed by a hand-written parser (SET, SELECT list / * / VALUE,
//     dotted aliases, FROM topic filters, WHERE, CASE, literals, IN, cast,
//     nested object queries) for the SQL versions 2015-10-08, 2016-03-23
//     and beta, with SqlParseException errors carrying a position;
//   - evaluation in goja: each statement is compiled once to a goja Program
//     and run on pooled runtimes under a per-evaluation time limit, with
//     AWS's type system (Undefined vs Null, exact Int vs Decimal, the
//     conversion tables, + on strings, mixed-type comparisons);
//   - every pure and context SQL function of the reference; the external
//     functions through Config.Externals, each call that goes out
//     recorded as an ActionRecord (external_record.go; a backend without
//     an endpoint answers ErrNotConfigured: recorded as not sent, result
//     Undefined);
//   - rule management (Add/Replace/Remove/Get/List/Enable/Disable) with AWS's
//     name and SQL validation, topic matching through a trie index, Basic
//     Ingest ($aws/rules/<name>/...);
//   - the Republish action with substitution templates and MQTT 5 headers,
//     ActionFunc and a test Recorder.
//
// The error action runs once per message when any action failed, with AWS's
// payload (ErrorPayload). Every action execution is reported to
// Config.OnAction as an ActionRecord. The other action types live in
// rules/actions, through CompilingAction and ReportingAction.
//
// What is not emulated: retries of failed actions,
// CloudWatch logs and metrics, protobuf decode (its descriptor lives in S3),
// billing and throttling. Deviations and unconfirmed behaviours are listed
// in docs/compatibility.md ("Rules engine").
//
// The Engine holds one mutex (rules and topic index); no lock is held while
// rules are evaluated or actions run.
package rules
