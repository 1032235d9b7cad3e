// Package registry emulates the identity side of AWS IoT Core's control
// plane: the thing registry (things, thing types, thing groups),
// certificates, IoT policies with their versions, policy attachments and
// thing–principal attachments.
//
// It is a pure in-memory store with AWS's rules (name patterns, limits,
// versions, delete conflicts) and AWS's error shapes (Error, one table of
// exception names and HTTP statuses). It does not speak HTTP: the emulator
// maps its operations to the restJson1 wire format. It does not evaluate
// policies either: ValidatePolicy is a seam for the policy package, and
// Identity/PrincipalPolicies hand the documents to whoever authorises.
//
// Not emulated: billing groups, dynamic thing groups, fleet indexing, CA
// registration (RegisterCACertificate; Config.CAs are the registered CAs),
// certificate transfer, tags, and the eventual consistency AWS documents
// (every change here is visible at once).
//
// Concurrency: one sync.RWMutex (Registry.mu) guards all state; no method
// calls out (clock, Issuer, ValidatePolicy) while holding it except the
// clock, which must not call back. Values returned are copies.
package registry
