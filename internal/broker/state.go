package broker

import (
	"cmp"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/mochi-mqtt/server/v2/packets"
)

// The broker's half of the emulator's state and reset API (an iotemu
// extension; AWS has no such operation).

// SessionState is one client ID the broker holds: a live connection, or
// the persistent session of a client that went away.
type SessionState struct {
	ClientID  string
	Connected bool
	// Transport is the listener: mqtt, mqtt-tls, ws, wss or mqtt-alpn.
	Transport       string
	ProtocolVersion byte
	Principal       string
	CleanSession    bool
	KeepAlive       uint16
	ConnectedAt     time.Time
	SourceIP        string
	SourcePort      int
	// Subscriptions are the topic filters and their granted QoS, by filter.
	Subscriptions []SubscriptionState
}

// SubscriptionState is one topic filter of a session.
type SubscriptionState struct {
	Filter string
	QoS    byte
}

// Sessions returns every client ID the broker holds, by client ID.
func (s *Broker) Sessions() []SessionState {
	var out []SessionState
	for _, cl := range s.broker.Clients.GetAll() {
		if cl.Net.Inline {
			continue
		}
		st := SessionState{ClientID: cl.ID, Connected: !cl.Closed(), Transport: cl.Net.Listener,
			ProtocolVersion: cl.Properties.ProtocolVersion, Subscriptions: []SubscriptionState{}}
		if c := s.conns.get(cl); c != nil {
			st.Principal, st.CleanSession, st.KeepAlive = c.principal, c.clean, c.keepAlive
			st.ConnectedAt, st.SourceIP, st.SourcePort = c.connectedAt, c.ip, c.port
		}
		for f, sub := range cl.State.Subscriptions.GetAll() {
			st.Subscriptions = append(st.Subscriptions, SubscriptionState{Filter: f, QoS: sub.Qos})
		}
		slices.SortFunc(st.Subscriptions, func(a, b SubscriptionState) int { return strings.Compare(a.Filter, b.Filter) })
		out = append(out, st)
	}
	slices.SortFunc(out, func(a, b SessionState) int { return cmp.Compare(a.ClientID, b.ClientID) })
	return out
}

// ResetSessions ends every connection (disconnectReason
// SERVER_INITIATED_DISCONNECT, no Last Will, DISCONNECT 0x8B "Server
// shutting down" for MQTT 5) and forgets every persistent session and the
// recent disconnects GetConnection reports.
func (s *Broker) ResetSessions() error {
	var errs []error
	for _, cl := range s.broker.Clients.GetAll() {
		if cl.Net.Inline {
			continue
		}
		if c, live := s.conns.connected(cl.ID); live && c.cl == cl {
			clearWill(cl)
			s.endConnection(cl, reasonServerInitiated, packets.ErrServerShuttingDown)
			wait := time.NewTimer(takeoverWait)
			select {
			case <-c.ended:
			case <-wait.C:
				errs = append(errs, errors.New("reset: connection "+cl.ID+" did not end"))
			}
			wait.Stop()
		}
		s.endSession(cl)
	}
	s.conns.mu.Lock()
	s.conns.history = map[string]disconnectRecord{}
	s.conns.mu.Unlock()
	return errors.Join(errs...)
}

// ResetRetained deletes every retained message.
func (s *Broker) ResetRetained() {
	for topic := range s.broker.Topics.Retained.GetAll() {
		s.broker.Topics.RetainMessage(packets.Packet{TopicName: topic})
	}
	if s.store != nil { // mochi's RetainMessage calls no hook
		s.store.fail("retained", s.store.store.DeletePrefix(areaRetained, ""))
	}
}
