// Package awsid is the shared leaf of AWS identifiers that every service
// package of iotemu builds: UUIDs, ARNs and their partitions, the opaque
// page tokens of List operations, and certificate IDs. It imports only the
// standard library and github.com/google/uuid, so that any package may
// import it without pulling in another service.
package awsid
