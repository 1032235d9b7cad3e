package broker

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"

	"github.com/iotemu/iotemu/internal/mqttapi"
)

// directMessages tracks the SendDirectMessage calls waiting for a PUBACK.
type directMessages struct {
	waiting atomic.Int32 // fast path for OnQosComplete: nothing waits

	mu      sync.Mutex
	waiters map[directKey]chan struct{}
}

type directKey struct {
	cl *mqtt.Client
	id uint16
}

func newDirectMessages() *directMessages {
	return &directMessages{waiters: map[directKey]chan struct{}{}}
}

func (d *directMessages) wait(k directKey) chan struct{} {
	ch := make(chan struct{})
	d.mu.Lock()
	d.waiters[k] = ch
	d.mu.Unlock()
	d.waiting.Add(1)
	return ch
}

func (d *directMessages) forget(k directKey) {
	d.mu.Lock()
	if _, ok := d.waiters[k]; ok {
		delete(d.waiters, k)
		d.waiting.Add(-1)
	}
	d.mu.Unlock()
}

// acked is called for every completed QoS 1 delivery.
func (d *directMessages) acked(cl *mqtt.Client, id uint16) {
	if d.waiting.Load() == 0 {
		return
	}
	k := directKey{cl, id}
	d.mu.Lock()
	ch, ok := d.waiters[k]
	if ok {
		delete(d.waiters, k)
		d.waiting.Add(-1)
	}
	d.mu.Unlock()
	if ok {
		close(ch)
	}
}

// sendDirect writes m to one connected client, which need not subscribe.
// With confirm it goes at QoS 1 and sendDirect waits for the PUBACK.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_iotdata_SendDirectMessage.html#API_iotdata_SendDirectMessage_RequestSyntax
func (s *Broker) sendDirect(c *conn, m Message, confirm bool, timeout time.Duration) error {
	cl := c.cl
	pk := packetOf(m)
	pk.FixedHeader.Qos, pk.PacketID, pk.Created = 0, 0, s.clock.Now().Unix()
	if s.expiry != nil {
		s.expiry.stamp(&pk)
	} else if m.MessageExpiry > 0 {
		pk.Expiry = pk.Created + int64(m.MessageExpiry/time.Second)
	}
	if !confirm {
		return cl.WritePacket(pk)
	}
	id, err := cl.NextPacketID()
	if err != nil {
		return err
	}
	pk.FixedHeader.Qos, pk.PacketID = 1, uint16(id)
	k := directKey{cl, pk.PacketID}
	acked := s.direct.wait(k)
	cl.State.Inflight.Set(pk) // so that mochi accepts the PUBACK
	cl.State.Inflight.DecreaseSendQuota()
	if err := cl.WritePacket(pk); err != nil {
		s.direct.forget(k)
		return err
	}
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-acked:
		return nil
	case <-t.C:
		s.direct.forget(k)
		if cl.State.Inflight.Delete(pk.PacketID) {
			cl.State.Inflight.IncreaseSendQuota()
		}
		return mqttapi.ErrNoPuback
	}
}

// SendDirect writes m to the connected client id (SendDirectMessage): an
// error wrapping mqttapi.ErrNotConnected if it is not connected,
// mqttapi.ErrNoPuback if confirm is set and no PUBACK came within timeout.
func (s *Broker) SendDirect(id string, m Message, confirm bool, timeout time.Duration) error {
	c, ok := s.conns.connected(id)
	if !ok {
		return fmt.Errorf("send to %s: %w", id, mqttapi.ErrNotConnected)
	}
	return s.sendDirect(c, m, confirm, timeout)
}
