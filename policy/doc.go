// Package policy parses, validates and evaluates AWS IoT Core policy
// documents, as the broker and the data plane authorise an operation in
// strict mode.
//
// The package imports only the standard library and knows nothing of the
// registry or the broker: the caller resolves a principal to its policies
// (Parse once per policy version, keep the *Policy) and describes each
// operation as a Request (action, resource ARN, Context of policy-variable
// values built once per connection).
//
// # What is emulated
//
//   - The document grammar (Version, Statement as object or array, Sid,
//     Effect, Action/NotAction and Resource/NotResource as string or array,
//     Condition) and the CreatePolicy validation that AWS reports as
//     MalformedPolicyException, including the 2048-character limit
//     (whitespace excluded). AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-policies.html#iot-policies.
//   - Evaluation as IAM does it: default deny, an explicit Deny wins, `*` and
//     `?` wildcards in Action (case-insensitive) and Resource (case-sensitive,
//     crossing `/`), MQTT `+` and `#` literal (https://docs.aws.amazon.com/iot/latest/developerguide/pub-sub-policy.html#pub-sub-policy).
//   - Policy variables in Resource and Condition values (https://docs.aws.amazon.com/iot/latest/developerguide/cert-policy-variables.html#cert-policy-variables):
//     `${iot:ClientId}`, `${iot:Connection.Thing.*}`,
//     `${iot:Certificate.Subject|Issuer.*}` with the zero-based index and
//     `.List` forms, `${aws:SourceIp}`, `${aws:username}` … and the IAM
//     special characters `${*}`, `${?}`, `${$}`. A variable with no value
//     makes the statement not match. Variables are substituted only in
//     Version "2012-10-17" documents (IAM rule).
//   - The condition operators listed in condition_ops.go, with the
//     ForAllValues:/ForAnyValue: qualifiers and the IfExists suffix.
//
// # What is not emulated
//
//   - An unsupported condition operator (Binary*, an unknown name) is
//     accepted by Parse, listed by Policy.Unsupported, and makes its
//     statement not match (so an unsupported Deny never denies).
//   - IAM identity policies, resource policies, permission boundaries and
//     session policies: only IoT policies attached to a principal.
//   - AWS's policy cache ("changes can take a few minutes"): a new Policy
//     takes effect at once.
//
// Unconfirmed choices are the fields of Compat and are listed in
// docs/compatibility.md ("Identity and access").
package policy
