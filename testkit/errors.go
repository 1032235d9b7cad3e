package testkit

import "errors"

// errTimeout reports an MQTT operation that did not complete in opTimeout.
var errTimeout = errors.New("timed out")
