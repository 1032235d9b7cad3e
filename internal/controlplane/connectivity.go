package controlplane

import (
	"context"
	"net/http"

	"github.com/iotemu/iotemu/fleetindex"
	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/internal/route"
)

// GetThingConnectivityData: a thing's MQTT connection as fleet indexing's
// connectivity status sees it (fed by the broker's lifecycle events, only
// for client IDs equal to a thing name).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/device-connectivity-status.html
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_GetThingConnectivityData.html

func (c *ControlPlane) registerConnectivity(rt *route.Router) {
	if c.cfg.Index == nil {
		return
	}
	rt.Handle("/things/{thingName}/connectivity-data", handle(path("thingName"), c.getThingConnectivityData), http.MethodPost)
}

type thingConnectivityOutput struct {
	ThingName         string   `json:"thingName"`
	Connected         bool     `json:"connected"`
	Timestamp         *float64 `json:"timestamp,omitempty"`
	DisconnectReason  string   `json:"disconnectReason,omitempty"`
	ClientID          string   `json:"clientId,omitempty"`
	KeepAliveDuration *int32   `json:"keepAliveDuration,omitempty"`
	CleanSession      *bool    `json:"cleanSession,omitempty"`
	SessionExpiry     *int64   `json:"sessionExpiry,omitempty"`
}

// getThingConnectivityData needs the thing and connectivity indexing
// (thingConnectivityIndexingMode STATUS); without it 400
// IndexNotReadyException (UNCONFIRMED trigger of the modelled error). The
// body's includeSocketInformation is accepted and socket fields are never
// returned (docs/compatibility.md).
func (c *ControlPlane) getThingConnectivityData(_ context.Context, thing string) (thingConnectivityOutput, error) {
	if _, err := c.reg.DescribeThing(thing); err != nil {
		return thingConnectivityOutput{}, err
	}
	if c.cfg.Index.ThingIndexingConfiguration().ThingConnectivityIndexingMode != fleetindex.ConnectivityStatus {
		return thingConnectivityOutput{}, awsrest.Errorf(http.StatusBadRequest, "IndexNotReadyException",
			"Thing connectivity indexing (thingConnectivityIndexingMode STATUS) is not enabled")
	}
	out := thingConnectivityOutput{ThingName: thing}
	conn, ok := c.cfg.Index.ThingConnectivity(thing)
	if !ok {
		return out, nil
	}
	ts := float64(conn.Timestamp) / 1000
	out.Connected, out.Timestamp, out.ClientID = conn.Connected, &ts, conn.ClientID
	out.KeepAliveDuration, out.CleanSession, out.SessionExpiry = conn.KeepAliveDuration, conn.CleanSession, conn.SessionExpiry
	if !conn.Connected {
		out.DisconnectReason = conn.DisconnectReason
	}
	return out, nil
}
