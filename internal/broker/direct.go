package broker

import (
	"errors"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/internal/topic"
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

var errNoPuback = errors.New("no PUBACK within the timeout")

// sendDirect writes m to one connected client, which need not subscribe.
// With confirm it goes at QoS 1 and sendDirect waits for the PUBACK.
// AWS: iot-data service-2.json SendDirectMessageRequest (broker.md §4.2 notes).
func (s *Server) sendDirect(c *conn, m Message, confirm bool, timeout time.Duration) error {
	cl := c.cl
	pk := m.packet()
	pk.FixedHeader.Qos, pk.PacketID, pk.Created = 0, 0, time.Now().Unix()
	if m.MessageExpiry > 0 {
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
		return errNoPuback
	}
}

// handleSendDirectMessage serves SendDirectMessage:
// POST /connections/{clientId}/messages?topic=...
func (s *Server) handleSendDirectMessage(w http.ResponseWriter, r *http.Request) {
	id, apiErr := clientIDParam(r)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	m, confirm, timeout, apiErr := s.parseDirect(r)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	c, ok := s.conns.connected(id)
	if !ok {
		writeError(w, awsrest.Errorf(http.StatusNotFound, awsrest.ResourceNotFound, "Client %s is not connected", id))
		return
	}
	if err := s.sendDirect(c, m, confirm, timeout); err != nil {
		if errors.Is(err, errNoPuback) {
			// AWS: GatewayTimeoutException "The delivery confirmation was not
			// received from the client within the specified timeout period".
			writeError(w, awsrest.Errorf(http.StatusGatewayTimeout, awsrest.GatewayTimeout,
				"The delivery confirmation was not received from the client within the specified timeout period"))
			return
		}
		writeError(w, awsrest.Errorf(http.StatusNotFound, awsrest.ResourceNotFound, "Client %s is not connected", id))
		return
	}
	awsrest.WriteJSON(w, requestID(w), struct {
		Message string `json:"message"`
		TraceID string `json:"traceId"`
	}{"OK", requestID(w)})
}

// parseDirect reads SendDirectMessage's query, headers and body; timeout
// is 1–15 s, default 5.
func (s *Server) parseDirect(r *http.Request) (m Message, confirm bool, timeout time.Duration, apiErr *awsrest.Error) {
	q := r.URL.Query()
	m = Message{Topic: q.Get("topic"), ContentType: q.Get("contentType"), ResponseTopic: q.Get("responseTopic")}
	if err := topic.ValidateName(m.Topic, s.topicLimits()); err != nil {
		return m, false, 0, invalid("Invalid topic: %v", err)
	}
	if confirm, apiErr = optionalBool(r, "confirmation"); apiErr != nil {
		return m, false, 0, apiErr
	}
	timeout = 5 * time.Second
	if v := q.Get("timeout"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 15 {
			return m, false, 0, invalid("Invalid timeout: %q, expected 1 to 15", v)
		}
		timeout = time.Duration(n) * time.Second
	}
	if apiErr = parseMQTT5Headers(r.Header, &m); apiErr != nil {
		return m, false, 0, apiErr
	}
	m.Payload, apiErr = readPayload(r, s.cfg.Limits.PayloadBytes)
	return m, confirm, timeout, apiErr
}
