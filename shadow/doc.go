// Package shadow emulates the AWS IoT Device Shadow service: classic and
// named shadows, their get, update and delete operations over MQTT reserved
// topics (HandleMQTT) and over the iot-data REST API (Get, Update, Delete,
// ListNamed; the HTTP wire format is the composition root's job), with the
// merge, null-deletion, delta, metadata, version, optimistic-locking,
// clientToken and error rules of AWS.
//
// The package imports only the standard library. It knows nothing of the
// MQTT broker: answers and notifications go out through a Publisher, and
// the broker routes client publishes on request topics (ParseTopic,
// Topic.IsRequest) to HandleMQTT.
//
// # What is emulated
//
//   - update/accepted, update/rejected, update/delta, update/documents,
//     get/accepted, get/rejected, delete/accepted, delete/rejected with the
//     AWS documents; REST updates and deletes publish the same notifications
//     (Compat.RESTDeltaOnly narrows this).
//   - Every error of the AWS table (errors.go) with its code and text, mapped
//     to MQTT in one function and exposed to HTTP through Error.HTTPStatus and
//     Error.ErrorType; the limits of Limits (state size, payload size, depth,
//     clientToken, names, page size).
//   - Versions that survive a delete for Limits.TombstoneTTL.
//   - Seeding and inspection through Set and Snapshot, and a Store interface
//     with an in-memory implementation.
//
// # What is not emulated
//
//   - The throttling limits (10 in-flight requests, 20 requests per second
//     per thing): ErrThrottled is never produced.
//   - Authorisation (401/403): the composition root decides; ErrUnauthorized
//     and ErrForbidden are provided for it.
//   - The thing registry: shadows do not require a registered thing, as on
//     AWS; ErrThingNotFound is never produced.
//   - Message ordering across topics is not guaranteed (as on AWS); the
//     notifications of one update are published in the order accepted,
//     documents, delta, after the shadow's lock is released.
//
// Every AWS behaviour cites its source as "AWS: <page>" or a key of the
// project's shadow reference (shadow.md); unconfirmed points are Compat or
// Limits fields, listed in docs/compatibility.md.
//
// # Concurrency and lock order
//
// Updates, deletes and Set of one shadow hold that shadow's stripe lock
// (one of 256 mutexes chosen by a hash of thing and name) while they load,
// check and save, so they are serialised and no update is lost; different
// shadows proceed in parallel. Get and Snapshot take no stripe lock (one
// Store load). MemoryStore has its own RWMutex, always taken after a stripe
// lock and never held while calling out: lock order is stripe, then store.
// No lock is held while publishing, so a Publisher may call back into the
// Service.
package shadow
