package iotdata

import (
	"net/http"
	"strings"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/iotemu/iotemu/internal/awsrest"
)

// connectionInfo is the body of GetConnection.
// AWS: iot-data service-2.json GetConnectionResponse (broker.md §4.2).
type connectionInfo struct {
	Connected         bool   `json:"connected"`
	CleanSession      bool   `json:"cleanSession"`
	SourceIP          string `json:"sourceIp,omitempty"`
	SourcePort        int    `json:"sourcePort,omitempty"`
	TargetIP          string `json:"targetIp,omitempty"`
	TargetPort        int    `json:"targetPort,omitempty"`
	KeepAliveDuration int    `json:"keepAliveDuration,omitempty"`
	ConnectedSince    int64  `json:"connectedSince,omitempty"`
	DisconnectedSince int64  `json:"disconnectedSince,omitempty"`
	DisconnectReason  string `json:"disconnectReason,omitempty"`
	SessionExpiry     int64  `json:"sessionExpiry,omitempty"`
	ClientID          string `json:"clientId"`
}

// clientIDParam reads {clientId}, which may not start with $.
// AWS: service-2.json ClientId pattern ^[^$].* (broker.md §4.2).
func clientIDParam(r *http.Request) (string, *awsrest.Error) {
	id := r.PathValue("clientId")
	if id == "" || strings.HasPrefix(id, "$") || len(id) > 128 {
		return "", invalid("Invalid clientId: %q", id)
	}
	return id, nil
}

func notConnected(id string) *awsrest.Error {
	return awsrest.Errorf(http.StatusNotFound, awsrest.ResourceNotFound,
		"No connection or persistent session exists for client ID: %s", id)
}

// handleGetConnection serves GetConnection: GET /connections/{clientId}.
func (s *Server) handleGetConnection(w http.ResponseWriter, r *http.Request) {
	id, apiErr := clientIDParam(r)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	socket, err := optionalBool(r, "includeSocketInformation")
	if err != nil {
		writeError(w, err)
		return
	}
	var c *conn
	info := connectionInfo{ClientID: id}
	if live, ok := s.conns.connected(id); ok {
		c, info.Connected = live, true
	} else if d, ok := s.conns.lastDisconnect(id, time.Now()); ok {
		c = d.session
		info.DisconnectedSince, info.DisconnectReason = millis(d.at), d.reason
	} else {
		writeError(w, notConnected(id))
		return
	}
	info.CleanSession, info.KeepAliveDuration = c.clean, int(c.keepAlive)
	info.ConnectedSince, info.SessionExpiry = millis(c.connectedAt), int64(c.expiry)
	if socket {
		info.SourceIP, info.SourcePort = c.ip, c.port
		info.TargetIP, info.TargetPort = splitHostPort(c.local)
	}
	awsrest.WriteJSON(w, requestID(w), info)
}

// optionalBool reads a boolean query parameter, false when absent.
func optionalBool(r *http.Request, name string) (bool, *awsrest.Error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return false, nil
	}
	b, err := parseBool(v)
	if err != nil {
		return false, invalid("Invalid %s: %q", name, v)
	}
	return b, nil
}

// handleDeleteConnection serves DeleteConnection: DELETE /connections/{clientId}.
// The client gets DISCONNECT 0x98 Administrative action (MQTT 5; the code is
// unconfirmed) and its socket closes; the Last Will is sent unless
// preventWillMessage; cleanSession=true also ends a persistent session.
// AWS: mqtt.html "Managing MQTT connections" (broker.md §1.12, §4.2).
func (s *Server) handleDeleteConnection(w http.ResponseWriter, r *http.Request) {
	id, apiErr := clientIDParam(r)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	clean, apiErr := optionalBool(r, "cleanSession")
	if apiErr == nil {
		var prevent bool
		if prevent, apiErr = optionalBool(r, "preventWillMessage"); apiErr == nil {
			apiErr = s.deleteConnection(id, clean, prevent)
		}
	}
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK) // AWS: "HTTP 200 OK with no response body"
}

func (s *Server) deleteConnection(id string, clean, preventWill bool) *awsrest.Error {
	cl, ok := s.broker.Clients.Get(id)
	if !ok || cl.Net.Inline {
		return notConnected(id)
	}
	if c, live := s.conns.connected(id); live {
		if preventWill {
			clearWill(c.cl)
		}
		s.endConnection(c.cl, reasonAPI, packets.ErrAdministrativeAction)
		wait := time.NewTimer(takeoverWait)
		defer wait.Stop()
		select {
		case <-c.ended:
		case <-wait.C:
			return awsrest.Errorf(http.StatusInternalServerError, awsrest.InternalFailure, "the connection did not end")
		}
	} else if cl.Properties.Clean && cl.Properties.ProtocolVersion < 5 {
		return notConnected(id)
	}
	if clean {
		s.endSession(cl)
	}
	return nil
}

// endSession removes an offline client's persistent session.
func (s *Server) endSession(cl *mqtt.Client) {
	if cur, ok := s.broker.Clients.Get(cl.ID); !ok || cur != cl || !cl.Closed() {
		return // reconnected meanwhile
	}
	cl.ClearInflights()
	s.broker.UnsubscribeClient(cl)
	s.broker.Clients.Delete(cl.ID)
	s.conns.forgetSession(cl.ID)
}

// subscriptionSummary is one entry of ListSubscriptions.
type subscriptionSummary struct {
	TopicFilter string `json:"topicFilter"`
	QoS         byte   `json:"qos"`
}

// handleListSubscriptions serves ListSubscriptions:
// GET /connections/{clientId}/subscriptions (default page size 20).
func (s *Server) handleListSubscriptions(w http.ResponseWriter, r *http.Request) {
	id, apiErr := clientIDParam(r)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	limit, apiErr := maxResults(r, 20)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	cl, ok := s.broker.Clients.Get(id)
	if !ok || cl.Net.Inline {
		writeError(w, notConnected(id))
		return
	}
	subs := cl.State.Subscriptions.GetAll()
	filters := make([]string, 0, len(subs))
	for f := range subs {
		filters = append(filters, f)
	}
	names, next, apiErr := page(filters, r.URL.Query().Get("nextToken"), limit)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	out := struct {
		Subscriptions []subscriptionSummary `json:"subscriptions"`
		NextToken     string                `json:"nextToken,omitempty"`
	}{Subscriptions: make([]subscriptionSummary, 0, len(names)), NextToken: next}
	for _, f := range names {
		out.Subscriptions = append(out.Subscriptions, subscriptionSummary{TopicFilter: f, QoS: min(subs[f].Qos, 1)})
	}
	awsrest.WriteJSON(w, requestID(w), out)
}
