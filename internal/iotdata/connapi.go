package iotdata

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/internal/mqttapi"
)

// connectionInfo is the body of GetConnection.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_iotdata_GetConnection.html#API_iotdata_GetConnection_ResponseSyntax
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
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_iotdata_GetConnection.html#API_iotdata_GetConnection_RequestSyntax
// (clientId pattern ^[^$].*).
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
func (s *Service) handleGetConnection(w http.ResponseWriter, r *http.Request) {
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
	c, ok := s.cfg.Connections.Connection(id, time.Now())
	if !ok {
		writeError(w, notConnected(id))
		return
	}
	info := connectionInfo{ClientID: id, Connected: c.Connected}
	if !c.Connected {
		info.DisconnectedSince, info.DisconnectReason = c.DisconnectedAt.UnixMilli(), c.DisconnectReason
	}
	info.CleanSession, info.KeepAliveDuration = c.CleanSession, int(c.KeepAlive)
	info.ConnectedSince, info.SessionExpiry = c.ConnectedAt.UnixMilli(), int64(c.SessionExpiry)
	if socket {
		info.SourceIP, info.SourcePort = c.SourceIP, c.SourcePort
		info.TargetIP, info.TargetPort = c.TargetIP, c.TargetPort
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
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_iotdata_DeleteConnection.html#API_iotdata_DeleteConnection_RequestSyntax
func (s *Service) handleDeleteConnection(w http.ResponseWriter, r *http.Request) {
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

func (s *Service) deleteConnection(id string, clean, preventWill bool) *awsrest.Error {
	err := s.cfg.Connections.DeleteConnection(id, clean, preventWill)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, mqttapi.ErrNotConnected):
		return notConnected(id)
	}
	return awsrest.Errorf(http.StatusInternalServerError, awsrest.InternalFailure, "%v", err)
}

// subscriptionSummary is one entry of ListSubscriptions.
type subscriptionSummary struct {
	TopicFilter string `json:"topicFilter"`
	QoS         byte   `json:"qos"`
}

// handleListSubscriptions serves ListSubscriptions:
// GET /connections/{clientId}/subscriptions (default page size 20).
func (s *Service) handleListSubscriptions(w http.ResponseWriter, r *http.Request) {
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
	subs, ok := s.cfg.Connections.Subscriptions(id)
	if !ok {
		writeError(w, notConnected(id))
		return
	}
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
		out.Subscriptions = append(out.Subscriptions, subscriptionSummary{TopicFilter: f, QoS: min(subs[f], 1)})
	}
	awsrest.WriteJSON(w, requestID(w), out)
}
