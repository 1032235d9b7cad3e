package broker

import (
	"context"
	"hash/maphash"
	"log/slog"
	"net"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/rules"
)

// ruleQueueSize bounds the messages waiting for the rules, over all workers.
// A message arriving when its worker's queue is full is dropped and logged:
// AWS throttles the rules engine too (its log's RuleMessageThrottled event,
// https://docs.aws.amazon.com/iot/latest/developerguide/cwl-format.html#rule-engine-logs),
// and a publisher must never wait for rules.
const ruleQueueSize = 8192

// ruleDispatch runs the rules off the publish path: the broker's hook only
// checks the topic index and queues; workers evaluate. Messages are sharded
// by topic, so rules see the messages of one topic in publish order.
type ruleDispatch struct {
	engine  RulesEngine
	log     *slog.Logger
	now     func() time.Time // the broker's receive time of a message
	seed    maphash.Seed
	queues  []chan queuedMessage
	dropped atomic.Int64

	ctx     context.Context // cancelled by stop: ends evaluations and actions in flight
	cancel  context.CancelFunc
	workers sync.WaitGroup
	started atomic.Bool
}

// queuedMessage is a message for the rules, completed by the worker.
type queuedMessage struct {
	msg     rules.Message
	viaMQTT bool // published by an MQTT client: the message gets a trace ID
}

func newRuleDispatch(base context.Context, engine RulesEngine, log *slog.Logger, now func() time.Time) *ruleDispatch {
	n := max(2, runtime.GOMAXPROCS(0))
	d := &ruleDispatch{engine: engine, log: log, now: now, seed: maphash.MakeSeed(), queues: make([]chan queuedMessage, n)}
	for i := range d.queues {
		d.queues[i] = make(chan queuedMessage, ruleQueueSize/n)
	}
	d.ctx, d.cancel = context.WithCancel(base)
	return d
}

// start runs the workers; messages offered before it wait in the queues.
func (d *ruleDispatch) start() {
	if !d.started.CompareAndSwap(false, true) {
		return
	}
	for _, q := range d.queues {
		d.workers.Go(func() { d.work(q) })
	}
}

// stop ends the workers and waits for them; queued messages are dropped.
// The queues are never closed, so a late offer cannot panic.
func (d *ruleDispatch) stop() {
	d.cancel()
	d.workers.Wait()
}

func (d *ruleDispatch) work(q <-chan queuedMessage) {
	for {
		select {
		case <-d.ctx.Done():
			return
		case qm := <-q:
			d.handle(qm)
		}
	}
}

func (d *ruleDispatch) handle(qm queuedMessage) {
	m := qm.msg
	if qm.viaMQTT {
		m.TraceID = awsrest.NewRequestID() // a random UUID, as AWS's MQTT trace IDs
	}
	if _, err := d.engine.Handle(d.ctx, m); err != nil {
		// Basic Ingest for a missing or disabled rule: AWS logs it and
		// counts RuleNotFound (iot-basic-ingest.html). Rule failures are
		// logged by the engine itself.
		d.log.Warn("message not handled by the rules", "topic", m.Topic, "error", err)
	}
}

// wants reports whether any rule may want a message on topic: the index
// lookup that keeps the common no-rule publish from building a message.
func (d *ruleDispatch) wants(topic string) bool { return d.engine.Matches(topic) }

// offer queues a message for the rules without blocking: a full queue drops
// the message.
func (d *ruleDispatch) offer(qm queuedMessage) {
	qm.msg.Timestamp = d.now()
	q := d.queues[maphash.String(d.seed, qm.msg.Topic)%uint64(len(d.queues))]
	select {
	case q <- qm:
	default:
		if n := d.dropped.Add(1); n&(n-1) == 0 { // log the 1st, 2nd, 4th, 8th... drop
			d.log.Warn("rules queue full, message dropped", "topic", qm.msg.Topic, "dropped", n)
		}
	}
}

// offerToRules is the broker hook's one call: every message published by a
// client, the HTTP API or the emulator itself (shadow responses, lifecycle
// events, republished messages) after its delivery and PUBACK.
// AWS: iot-rules.html (rules act on messages published to the broker).
func (s *Broker) offerToRules(cl *mqtt.Client, pk packets.Packet) {
	if !s.ruleQueue.wants(pk.TopicName) {
		return
	}
	qm := queuedMessage{msg: ruleMessageOf(pk)}
	if cl != nil && !cl.Net.Inline {
		qm.msg.ClientID = cl.ID
		qm.msg.SourceIP = hostOf(cl.Net.Remote)
		qm.msg.Principal = s.rulePrincipal(cl)
		qm.viaMQTT = true
	}
	s.ruleQueue.offer(qm)
}

// ruleMessageOf converts a mochi packet; the broker does not reuse a
// packet's payload buffer, so it is shared, not copied.
func ruleMessageOf(pk packets.Packet) rules.Message {
	p := pk.Properties
	m := rules.Message{
		Topic: pk.TopicName, Payload: pk.Payload,
		QoS: pk.FixedHeader.Qos, Retain: pk.FixedHeader.Retain,
		ContentType: p.ContentType, ResponseTopic: p.ResponseTopic, CorrelationData: p.CorrelationData,
		MessageExpiry: time.Duration(p.MessageExpiryInterval) * time.Second,
	}
	if p.PayloadFormatFlag {
		m.PayloadFormat = rules.PayloadFormatBytes
		if p.PayloadFormat == 1 {
			m.PayloadFormat = rules.PayloadFormatUTF8
		}
	}
	for _, u := range p.User {
		m.UserProperties = append(m.UserProperties, [2]string{u.Key, u.Val})
	}
	return m
}

// rulePrincipal is principal() of a client's message: the
// principalIdentifier of its presence events (certificate ID, SigV4
// principal, custom authorizer's principalId); an anonymous client of the
// permissive mode has none (Undefined).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-functions.html#iot-function-principal
func (s *Broker) rulePrincipal(cl *mqtt.Client) string {
	if c := s.conns.get(cl); c != nil {
		if c.identified {
			return c.principal
		}
		return ""
	}
	p, _ := identityPrincipal(cl) // not registered yet or any more: ask the connection itself
	return p
}

// hostOf returns the host of a host:port address.
func hostOf(addr string) string {
	if h, _, err := net.SplitHostPort(addr); err == nil {
		return h
	}
	return addr
}
