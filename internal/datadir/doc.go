// Package datadir is iotemu's opt-in persistent store (-data-dir): one
// bbolt file, iotemu.db, in a directory, holding one bucket per area
// ("registry", "shadows", "mqtt", ...). Values are opaque bytes (each area
// chooses its encoding, JSON so far); the package knows no service.
//
// Durability: every Put and Delete is its own bbolt transaction, committed
// (and fsynced) before it returns, so a caller that acknowledges a change
// after its write returned keeps it through kill -9 and power loss.
//
// Safety: the file carries a format version (the "meta" bucket); a file
// of another version, or a directory that is not iotemu's, is refused with
// a *FormatError, never read. bbolt's exclusive flock makes a second
// process opening the same directory fail with ErrLocked after the lock
// timeout.
package datadir
