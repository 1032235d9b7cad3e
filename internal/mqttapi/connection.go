package mqttapi

import (
	"errors"
	"time"
)

// Connection is what the broker knows of a client ID's connection, live
// or ended within the window AWS keeps it: what GetConnection reports.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_iotdata_GetConnection.html#API_iotdata_GetConnection_ResponseSyntax
type Connection struct {
	ClientID     string
	Connected    bool
	CleanSession bool
	KeepAlive    uint16 // seconds
	ConnectedAt  time.Time
	// SessionExpiry is the session's expiry after a disconnect, seconds.
	SessionExpiry uint32
	// DisconnectedAt and DisconnectReason are set once it has ended.
	DisconnectedAt   time.Time
	DisconnectReason string
	// The client's and the listener's socket addresses.
	SourceIP   string
	SourcePort int
	TargetIP   string
	TargetPort int
}

// ErrNotConnected is returned for a client ID with no connection (or, for
// DeleteConnection, no persistent session either).
var ErrNotConnected = errors.New("client is not connected")

// ErrNoPuback is returned when a confirmed direct message got no PUBACK
// within its timeout.
var ErrNoPuback = errors.New("no PUBACK within the timeout")
