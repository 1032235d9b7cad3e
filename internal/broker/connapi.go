package broker

import (
	"errors"
	"fmt"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/iotemu/iotemu/internal/mqttapi"
)

// The broker's half of the iot-data connection APIs (GetConnection,
// DeleteConnection, ListSubscriptions): internal/iotdata serves them over
// HTTP through its Connections interface.

// Connection returns what GetConnection reports of a client ID: its live
// connection, else its last one if it ended within AWS's window.
func (s *Broker) Connection(id string, now time.Time) (mqttapi.Connection, bool) {
	info := mqttapi.Connection{ClientID: id}
	var d connDetails
	if live, ok := s.conns.connected(id); ok {
		d, info.Connected = live.details(), true
	} else if rec, ok := s.conns.lastDisconnect(id, now); ok {
		d = rec.details
		info.DisconnectedAt, info.DisconnectReason = rec.at, rec.reason
	} else {
		return info, false
	}
	info.CleanSession, info.KeepAlive = d.clean, d.keepAlive
	info.ConnectedAt, info.SessionExpiry = d.connectedAt, d.expiry
	info.SourceIP, info.SourcePort = d.sourceIP, d.sourcePort
	info.TargetIP, info.TargetPort = d.targetIP, d.targetPort
	return info, true
}

// DeleteConnection ends a client's connection (DeleteConnection): an MQTT 5
// client gets DISCONNECT 0x98 Administrative action (the code is
// unconfirmed) and its socket closes; the Last Will is sent unless
// preventWill; clean also ends a persistent session. It returns an error
// wrapping mqttapi.ErrNotConnected when the client ID has neither.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/mqtt.html#mqtt-managing-connections
func (s *Broker) DeleteConnection(id string, clean, preventWill bool) error {
	return s.deleteConnection(id, clean, preventWill)
}

func (s *Broker) deleteConnection(id string, clean, preventWill bool) error {
	cl, ok := s.broker.Clients.Get(id)
	if !ok || cl.Net.Inline {
		return fmt.Errorf("delete connection %s: %w", id, mqttapi.ErrNotConnected)
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
			return errors.New("the connection did not end")
		}
	} else if cl.Properties.Clean && cl.Properties.ProtocolVersion < 5 {
		return fmt.Errorf("delete connection %s: %w", id, mqttapi.ErrNotConnected)
	}
	if clean {
		s.endSession(cl)
	}
	return nil
}

// endSession removes an offline client's persistent session.
func (s *Broker) endSession(cl *mqtt.Client) {
	if cur, ok := s.broker.Clients.Get(cl.ID); !ok || cur != cl || !cl.Closed() {
		return // reconnected meanwhile
	}
	cl.ClearInflights()
	s.broker.UnsubscribeClient(cl)
	s.broker.Clients.Delete(cl.ID)
	s.conns.forgetSession(cl.ID)
	if s.store != nil {
		s.store.forget(cl.ID)
	}
}

// Subscriptions returns a client's (or its persistent session's) topic
// filters and their granted QoS; false if the client ID has neither.
func (s *Broker) Subscriptions(id string) (map[string]byte, bool) {
	cl, ok := s.broker.Clients.Get(id)
	if !ok || cl.Net.Inline {
		return nil, false
	}
	subs := cl.State.Subscriptions.GetAll()
	out := make(map[string]byte, len(subs))
	for f, sub := range subs {
		out[f] = sub.Qos
	}
	return out, true
}
