package broker

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/hooks/storage"
	"github.com/mochi-mqtt/server/v2/packets"
)

// Store keeps what the broker must find again after a restart (the data
// directory, internal/datadir, satisfies it): persistent sessions, their
// subscriptions and queued QoS 1 messages, retained messages. Every
// method commits before it returns.
type Store interface {
	Put(area, key string, value []byte) error
	Delete(area, key string) error
	DeletePrefix(area, prefix string) error
	ForEach(area string, fn func(key string, value []byte) error) error
}

// The broker's areas of the Store. Keys are "{clientID}\x00{filter}" and
// "{clientID}\x00{packetID}" so that a session's records share a prefix.
const (
	areaSessions      = "mqtt-sessions"
	areaSubscriptions = "mqtt-subscriptions"
	areaInflight      = "mqtt-inflight"
	areaRetained      = "mqtt-retained"
	// areaAccepted holds each QoS 1 PUBLISH from its PUBACK until mochi has
	// queued it to every subscriber: mochi acknowledges before it fans out,
	// so without it a crash in between would lose a message the publisher
	// was told is safe. Serve publishes what it finds there again.
	areaAccepted = "mqtt-accepted"
)

// storeHook is the mochi storage hook writing to the Store. It is a hook of
// its own, next to hook, because it is present only with a data directory
// and mochi asks its Stored* methods at Serve.
type storeHook struct {
	mqtt.HookBase
	s     *Broker
	store Store

	mu       sync.Mutex
	sessions map[string]bool // client IDs with a stored session
	inflight map[string]bool // stored inflight keys, so acks of others write nothing
}

func newStoreHook(s *Broker, st Store) *storeHook {
	return &storeHook{s: s, store: st, sessions: map[string]bool{}, inflight: map[string]bool{}}
}

func (h *storeHook) ID() string { return "iotemu-store" }

func (h *storeHook) Provides(b byte) bool {
	return bytes.Contains([]byte{
		mqtt.OnSessionEstablished, mqtt.OnDisconnect, mqtt.OnClientExpired,
		mqtt.OnSubscribed, mqtt.OnUnsubscribed,
		mqtt.OnRetainMessage, mqtt.OnRetainedExpired,
		mqtt.OnPublish, mqtt.OnPublished,
		mqtt.OnQosPublish, mqtt.OnQosComplete, mqtt.OnQosDropped,
		mqtt.StoredClients, mqtt.StoredSubscriptions, mqtt.StoredInflightMessages, mqtt.StoredRetainedMessages,
	}, []byte{b})
}

// persistent says whether a client's session outlives its connection:
// MQTT 3.1.1 cleanSession=0, MQTT 5 Session Expiry Interval > 0.
func persistent(cl *mqtt.Client) bool {
	if cl.Properties.ProtocolVersion == 5 {
		return cl.Properties.Props.SessionExpiryInterval > 0
	}
	return !cl.Properties.Clean
}

func (h *storeHook) fail(what string, err error) {
	if err != nil {
		h.s.log.Error("data directory write failed", "what", what, "error", err)
	}
}

func (h *storeHook) put(area, key string, v storage.Serializable) error {
	raw, err := v.MarshalBinary()
	if err != nil {
		return fmt.Errorf("encode %s: %w", area, err)
	}
	return h.store.Put(area, key, raw)
}

// OnSessionEstablished stores a persistent session, and forgets the
// stored one of a client ID that now starts clean.
func (h *storeHook) OnSessionEstablished(cl *mqtt.Client, _ packets.Packet) {
	if cl.Net.Inline {
		return
	}
	if !persistent(cl) {
		h.forget(cl.ID)
		return
	}
	props := cl.Properties.Props
	in := &storage.Client{
		ID: cl.ID, T: storage.ClientKey, Remote: cl.Net.Remote, Listener: cl.Net.Listener,
		Username: cl.Properties.Username, Clean: cl.Properties.Clean, ProtocolVersion: cl.Properties.ProtocolVersion,
		Properties: storage.ClientProperties{
			SessionExpiryInterval: props.SessionExpiryInterval, SessionExpiryIntervalFlag: props.SessionExpiryIntervalFlag,
			ReceiveMaximum: props.ReceiveMaximum, TopicAliasMaximum: props.TopicAliasMaximum,
			MaximumPacketSize: props.MaximumPacketSize, User: props.User,
		},
		// The Will is not kept: a restart does not send the Will of a
		// session whose connection it ended (docs/compatibility.md).
	}
	h.mu.Lock()
	h.sessions[cl.ID] = true
	h.mu.Unlock()
	h.fail("session", h.put(areaSessions, cl.ID, in))
}

// forget removes everything stored of a client ID's session.
func (h *storeHook) forget(id string) {
	h.mu.Lock()
	had := h.sessions[id]
	delete(h.sessions, id)
	for k := range h.inflight {
		if strings.HasPrefix(k, id+"\x00") {
			delete(h.inflight, k)
		}
	}
	h.mu.Unlock()
	if !had {
		return
	}
	h.fail("session", h.store.Delete(areaSessions, id))
	h.fail("subscriptions", h.store.DeletePrefix(areaSubscriptions, id+"\x00"))
	h.fail("inflight", h.store.DeletePrefix(areaInflight, id+"\x00"))
}

func (h *storeHook) stored(id string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.sessions[id]
}

// OnDisconnect forgets a session that ends with its connection.
func (h *storeHook) OnDisconnect(cl *mqtt.Client, _ error, expire bool) {
	if expire && !cl.IsTakenOver() {
		h.forget(cl.ID)
	}
}

// OnClientExpired forgets a persistent session that expired.
func (h *storeHook) OnClientExpired(cl *mqtt.Client) { h.forget(cl.ID) }

// OnSubscribed stores the granted filters of a persistent session.
func (h *storeHook) OnSubscribed(cl *mqtt.Client, pk packets.Packet, codes []byte) {
	if cl.Net.Inline || !h.stored(cl.ID) {
		return
	}
	for i, f := range pk.Filters {
		if i >= len(codes) || codes[i] >= packets.ErrUnspecifiedError.Code {
			continue
		}
		h.fail("subscription", h.put(areaSubscriptions, cl.ID+"\x00"+f.Filter, &storage.Subscription{
			ID: cl.ID + "\x00" + f.Filter, T: storage.SubscriptionKey, Client: cl.ID, Qos: codes[i], Filter: f.Filter,
			Identifier: f.Identifier, NoLocal: f.NoLocal, RetainHandling: f.RetainHandling, RetainAsPublished: f.RetainAsPublished,
		}))
	}
}

// OnUnsubscribed removes the filters from a stored session.
func (h *storeHook) OnUnsubscribed(cl *mqtt.Client, pk packets.Packet) {
	if cl.Net.Inline || !h.stored(cl.ID) {
		return
	}
	for _, f := range pk.Filters {
		h.fail("subscription", h.store.Delete(areaSubscriptions, cl.ID+"\x00"+f.Filter))
	}
}

// OnRetainMessage stores (or, for an empty payload, deletes) a retained
// message; mochi calls it before the PUBACK and before an HTTP Publish
// answers.
func (h *storeHook) OnRetainMessage(_ *mqtt.Client, pk packets.Packet, r int64) {
	if strings.HasPrefix(pk.TopicName, "$") {
		return
	}
	if r == -1 || len(pk.Payload) == 0 {
		h.fail("retained", h.store.Delete(areaRetained, pk.TopicName))
		return
	}
	h.fail("retained", h.put(areaRetained, pk.TopicName, messageRecord(storage.RetainedKey, pk.TopicName, "", pk)))
}

// OnRetainedExpired deletes an expired retained message.
func (h *storeHook) OnRetainedExpired(topic string) {
	h.fail("retained", h.store.Delete(areaRetained, topic))
}

func acceptedKey(cl *mqtt.Client, pk packets.Packet) string {
	return cl.ID + "\x00" + strconv.Itoa(int(pk.PacketID))
}

// OnPublish writes a client's QoS 1 PUBLISH ahead of its PUBACK (the last
// hook, after every AWS check). If it cannot be written the PUBLISH is not
// acknowledged: MQTT 5 gets PUBACK 0x80, MQTT 3.1.1 no PUBACK (the client
// sends it again).
func (h *storeHook) OnPublish(cl *mqtt.Client, pk packets.Packet) (packets.Packet, error) {
	if cl.Net.Inline || pk.FixedHeader.Qos == 0 || pk.Ignore {
		return pk, nil
	}
	key := acceptedKey(cl, pk)
	if err := h.put(areaAccepted, key, messageRecord(storage.InflightKey, pk.TopicName, cl.ID, pk)); err != nil {
		h.fail("accepted publish", err)
		if cl.Properties.ProtocolVersion == 5 {
			return pk, packets.ErrUnspecifiedError
		}
		return pk, packets.ErrRejectPacket
	}
	return pk, nil
}

// OnPublished drops the accepted PUBLISH once mochi has queued it to every
// subscriber (their inflight records are written by then).
func (h *storeHook) OnPublished(cl *mqtt.Client, pk packets.Packet) {
	if cl.Net.Inline || pk.FixedHeader.Qos == 0 {
		return
	}
	h.fail("accepted publish", h.store.Delete(areaAccepted, acceptedKey(cl, pk)))
}

func inflightKey(cl *mqtt.Client, pk packets.Packet) string {
	return cl.ID + "\x00" + strconv.Itoa(int(pk.PacketID))
}

// OnQosPublish stores a QoS 1 message queued or sent to a persistent
// session, until its PUBACK.
func (h *storeHook) OnQosPublish(cl *mqtt.Client, pk packets.Packet, _ int64, _ int) {
	if cl.Net.Inline || pk.FixedHeader.Type != packets.Publish || !h.stored(cl.ID) {
		return
	}
	key := inflightKey(cl, pk)
	h.mu.Lock()
	h.inflight[key] = true
	h.mu.Unlock()
	h.fail("inflight", h.put(areaInflight, key, messageRecord(storage.InflightKey, pk.TopicName, cl.ID, pk)))
}

// OnQosComplete removes an acknowledged message of a persistent session.
func (h *storeHook) OnQosComplete(cl *mqtt.Client, pk packets.Packet) {
	key := inflightKey(cl, pk)
	h.mu.Lock()
	had := h.inflight[key]
	delete(h.inflight, key)
	h.mu.Unlock()
	if had {
		h.fail("inflight", h.store.Delete(areaInflight, key))
	}
}

// OnQosDropped removes a message mochi gave up on.
func (h *storeHook) OnQosDropped(cl *mqtt.Client, pk packets.Packet) { h.OnQosComplete(cl, pk) }

func messageRecord(t, topicName, client string, pk packets.Packet) *storage.Message {
	props := pk.Properties.Copy(false)
	return &storage.Message{
		ID: t + "_" + topicName, T: t, Client: client, Origin: pk.Origin, FixedHeader: pk.FixedHeader,
		TopicName: topicName, Payload: pk.Payload, Created: pk.Created, PacketID: pk.PacketID,
		Properties: storage.MessageProperties{
			PayloadFormat: props.PayloadFormat, PayloadFormatFlag: props.PayloadFormatFlag,
			MessageExpiryInterval: props.MessageExpiryInterval, ContentType: props.ContentType,
			ResponseTopic: props.ResponseTopic, CorrelationData: props.CorrelationData, User: props.User,
		},
	}
}

// StoredClients returns the stored persistent sessions (mochi calls it at
// Serve).
func (h *storeHook) StoredClients() ([]storage.Client, error) {
	var out []storage.Client
	err := h.store.ForEach(areaSessions, func(key string, v []byte) error {
		var c storage.Client
		if err := c.UnmarshalBinary(v); err != nil {
			return fmt.Errorf("session record: %w", err)
		}
		if err := checkSession(key, &c); err != nil {
			return err
		}
		out = append(out, c)
		return nil
	})
	h.mu.Lock()
	for _, c := range out {
		h.sessions[c.ID] = true
	}
	h.mu.Unlock()
	return out, err
}

// StoredSubscriptions returns the stored sessions' subscriptions.
func (h *storeHook) StoredSubscriptions() ([]storage.Subscription, error) {
	var out []storage.Subscription
	err := h.store.ForEach(areaSubscriptions, func(key string, v []byte) error {
		var sub storage.Subscription
		if err := sub.UnmarshalBinary(v); err != nil {
			return fmt.Errorf("subscription record: %w", err)
		}
		if err := checkSubscription(key, &sub); err != nil {
			return err
		}
		out = append(out, sub)
		return nil
	})
	return out, err
}

// StoredInflightMessages returns the stored sessions' queued messages.
func (h *storeHook) StoredInflightMessages() ([]storage.Message, error) {
	out, err := h.messages(areaInflight)
	h.mu.Lock()
	for _, m := range out {
		h.inflight[m.Client+"\x00"+strconv.Itoa(int(m.PacketID))] = true
	}
	h.mu.Unlock()
	return out, err
}

// StoredRetainedMessages returns the stored retained messages.
func (h *storeHook) StoredRetainedMessages() ([]storage.Message, error) {
	return h.messages(areaRetained)
}

func (h *storeHook) messages(area string) ([]storage.Message, error) {
	var out []storage.Message
	err := h.store.ForEach(area, func(key string, v []byte) error {
		var m storage.Message
		if err := m.UnmarshalBinary(v); err != nil {
			return fmt.Errorf("%s record: %w", area, err)
		}
		if err := checkMessage(area, key, &m, area == areaRetained); err != nil {
			return err
		}
		out = append(out, m)
		return nil
	})
	return out, err
}

// redeliverAccepted publishes again, after mochi restored the sessions,
// every PUBLISH acknowledged before a crash but not yet queued to its
// subscribers (at least once, as MQTT QoS 1 promises), then drops them.
func (h *storeHook) redeliverAccepted() error {
	msgs, err := h.messages(areaAccepted)
	if err != nil {
		return err
	}
	var errs []error
	for _, m := range msgs {
		pk := m.ToPacket()
		pk.FixedHeader.Retain = false // a retained message was stored before its PUBACK
		pk.FixedHeader.Type = packets.Publish
		if pk.PacketID == 0 {
			pk.PacketID = 1 // mochi checks a QoS 1 PUBLISH has one; the inline client keeps no inflight
		}
		if err := h.s.broker.InjectPacket(h.s.inline, pk); err != nil {
			errs = append(errs, fmt.Errorf("redeliver %s: %w", m.TopicName, err))
		}
	}
	if err := h.store.DeletePrefix(areaAccepted, ""); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
