package emulator

import (
	"bytes"
	"context"
	"strings"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
)

// hook is the emulator's only mochi hook: every AWS rule that mochi does not
// apply by itself is applied here.
type hook struct {
	mqtt.HookBase
	server *Server
}

func (h *hook) ID() string { return "iotemu" }

func (h *hook) Provides(b byte) bool {
	return bytes.Contains([]byte{
		mqtt.OnConnectAuthenticate,
		mqtt.OnACLCheck,
		mqtt.OnPublish,
		mqtt.OnPublished,
	}, []byte{b})
}

// OnConnectAuthenticate admits every client: in the default permissive mode
// anyone may connect, as with an AWS policy allowing iot:Connect on *.
func (h *hook) OnConnectAuthenticate(*mqtt.Client, packets.Packet) bool { return true }

// OnACLCheck applies the reserved-topic table to $ topics (publishes,
// subscriptions and deliveries alike); everything else is allowed in
// permissive mode. The emulator's own inline client is never checked.
func (h *hook) OnACLCheck(cl *mqtt.Client, topic string, write bool) bool {
	if cl.Net.Inline || !strings.HasPrefix(topic, "$") {
		return true
	}
	if write {
		return h.server.reserved.mayPublish(topic)
	}
	return h.server.reserved.maySubscribe(topic)
}

// OnPublish keeps Basic Ingest messages away from subscribers; mochi still
// acknowledges them.
// AWS: iot-basic-ingest.html ("bypasses the message broker").
func (h *hook) OnPublish(_ *mqtt.Client, pk packets.Packet) (packets.Packet, error) {
	if r, ok := h.server.reserved.lookup(pk.TopicName); ok && r.ingest {
		return pk, packets.CodeSuccessIgnore
	}
	return pk, nil
}

// OnPublished hands a message on a service's reserved topic to the service,
// after it was delivered to subscribers.
func (h *hook) OnPublished(cl *mqtt.Client, pk packets.Packet) {
	h.server.offerToRules(cl, pk)
	if !strings.HasPrefix(pk.TopicName, "$") {
		return
	}
	if r, ok := h.server.reserved.lookup(pk.TopicName); ok && r.handle != nil {
		r.handle(context.Background(), messageOf(pk))
	}
}
