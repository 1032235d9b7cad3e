package broker

import (
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/internal/topic"
)

// conn is the emulator's record of one MQTT connection: what lifecycle
// events and the connection APIs report, and the state the hook needs to
// apply AWS's rules that mochi does not know.
type conn struct {
	cl          *mqtt.Client
	bc          *brokerConn // nil for a connection mochi was not handed by the broker (none today)
	id          string      // client ID
	version     int64       // versionNumber, the same in the connected and disconnected events
	session     string      // sessionIdentifier
	principal   string      // principalIdentifier
	identified  bool        // principal is an identity's (certificate, SigV4, authorizer), not Compat.AnonymousPrincipal
	ip          string
	port        int
	local       net.Addr
	connectedAt time.Time
	keepAlive   uint16
	clean       bool   // the session ends with the connection
	expiry      uint32 // session expiry after disconnect, seconds
	events      bool   // lifecycle events are published (no + or # in the ID)

	// predecessor is the connection this one took over, if any; its
	// disconnected event is published before this one's connected event.
	predecessor *conn
	ended       chan struct{} // closed once the disconnected event is out

	reason atomic.Pointer[string] // disconnectReason decided before the socket closed

	stalled    atomic.Bool  // stopped reading: deliveries are dropped without waiting (backpressure.go)
	stuckSince atomic.Int64 // unix ns since its full queue stopped shrinking; 0 while it drains

	// hashFilters are the connection's filters (without $share/{name}/)
	// ending in /#: only then can mochi deliver a topic AWS would not
	// (the parent level). Read on every delivery, so swapped atomically.
	hashFilters atomic.Pointer[[]string]

	// subscribing holds the filters of the SUBSCRIBE in progress (allowed
	// or not), which mochi checks through OnACLCheck like deliveries.
	subscribing atomic.Pointer[map[string]bool]
}

// setReason records why the connection is ending; the first reason wins.
func (c *conn) setReason(r string) { c.reason.CompareAndSwap(nil, &r) }

// beginSubscribe records the filters of a SUBSCRIBE that mochi is about to
// check through OnACLCheck, and which of them the hook refused.
func (c *conn) beginSubscribe(filters map[string]bool) {
	c.subscribing.Store(&filters)
	extra := make([]string, 0, len(filters))
	for f := range filters {
		extra = append(extra, f)
	}
	c.refreshFilters(extra...)
}

func (c *conn) endSubscribe() {
	c.subscribing.Store(nil)
	c.refreshFilters()
}

// subscribeVerdict reports whether filter is part of the SUBSCRIBE being
// processed, and if so whether it is allowed.
func (c *conn) subscribeVerdict(filter string) (allowed, pending bool) {
	m := c.subscribing.Load()
	if m == nil {
		return false, false
	}
	allowed, pending = (*m)[filter]
	return allowed, pending
}

// refreshFilters recomputes hashFilters from the client's subscriptions
// plus extra filters about to be added.
func (c *conn) refreshFilters(extra ...string) {
	var hash []string
	add := func(f string) {
		if f = topic.Unshare(f); strings.HasSuffix(f, "/#") {
			hash = append(hash, f)
		}
	}
	for f := range c.cl.State.Subscriptions.GetAll() {
		add(f)
	}
	for _, f := range extra {
		add(f)
	}
	c.hashFilters.Store(&hash)
}

// mayReceive applies AWS's # rule to a delivery: mochi matches "a/#"
// against "a", AWS does not, so a topic that reached this client only
// through such a filter is refused.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/mqtt.html#mqtt-differences
func (c *conn) mayReceive(name string) bool {
	hash := c.hashFilters.Load()
	if hash == nil {
		return true
	}
	parent := false
	for _, f := range *hash {
		if topic.MatchesParent(f, name) {
			parent = true
			break
		}
	}
	if !parent {
		return true
	}
	for f := range c.cl.State.Subscriptions.GetAll() {
		if topic.Match(topic.Unshare(f), name) {
			return true
		}
	}
	return false
}

// disconnectRecord is what GetConnection reports after a disconnect: the
// details it needs, copied, not the connection (which holds mochi's client
// and its queues: issue 13, 30,000 client IDs kept 1.95 GB live).
type disconnectRecord struct {
	at      time.Time
	reason  string
	details connDetails
}

// connDetails are the facts of a connection GetConnection reports.
type connDetails struct {
	connectedAt            time.Time
	keepAlive              uint16
	clean                  bool
	expiry                 uint32
	sourceIP, targetIP     string
	sourcePort, targetPort int
}

func (c *conn) details() connDetails {
	d := connDetails{connectedAt: c.connectedAt, keepAlive: c.keepAlive, clean: c.clean, expiry: c.expiry,
		sourceIP: c.ip, sourcePort: c.port}
	d.targetIP, d.targetPort = splitHostPort(c.local)
	return d
}

// historyWindow is how long AWS reports a disconnect.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_iotdata_GetConnection.html#API_iotdata_GetConnection_ResponseSyntax
// disconnectedSince ("available for 30 minutes after the client disconnects").
const historyWindow = 30 * time.Minute

// sweepEvery is how many disconnects pass between sweeps of the history
// for records past historyWindow.
const sweepEvery = 4096

// registry holds every connection, the versionNumber and session
// identifier of each client ID, and recent disconnects.
type registry struct {
	byClient sync.Map // *mqtt.Client → *conn, read on every delivery

	mu       sync.Mutex
	current  map[string]*conn // connected, by client ID
	versions map[string]int64
	sessions map[string]string // sessionIdentifier of each live persistent session
	history  map[string]disconnectRecord
	removed  int // disconnects since the last sweep of history
}

func newRegistry() *registry {
	return &registry{
		current:  map[string]*conn{},
		versions: map[string]int64{},
		sessions: map[string]string{},
		history:  map[string]disconnectRecord{},
	}
}

func (r *registry) get(cl *mqtt.Client) *conn {
	v, ok := r.byClient.Load(cl)
	if !ok {
		return nil
	}
	return v.(*conn)
}

// add registers a connection whose CONNACK is about to be sent. A session
// resumed keeps its identifier; versionNumber grows per client ID.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/life-cycle-events.html#connect-disconnect (versionNumber, sessionIdentifier).
func (r *registry) add(c *conn, resumed bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.versions[c.id]++
	c.version = r.versions[c.id]
	if s, ok := r.sessions[c.id]; ok && resumed {
		c.session = s
	} else {
		c.session = newSessionID()
	}
	if c.clean {
		delete(r.sessions, c.id)
	} else {
		r.sessions[c.id] = c.session
	}
	if old, ok := r.current[c.id]; ok && old != c {
		c.predecessor = old
	}
	r.current[c.id] = c
	r.byClient.Store(c.cl, c)
}

// remove records the end of a connection.
func (r *registry) remove(c *conn, reason string, at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.byClient.Delete(c.cl)
	if r.current[c.id] == c {
		delete(r.current, c.id)
		r.history[c.id] = disconnectRecord{at: at, reason: reason, details: c.details()}
	}
	if r.removed++; r.removed >= sweepEvery {
		r.removed = 0
		for id, d := range r.history {
			if at.Sub(d.at) > historyWindow {
				delete(r.history, id)
			}
		}
	}
}

// connected returns the connection of a client ID, if it is connected.
func (r *registry) connected(id string) (*conn, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.current[id]
	return c, ok
}

// lastDisconnect returns the last disconnect of a client ID within
// historyWindow.
func (r *registry) lastDisconnect(id string, now time.Time) (disconnectRecord, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	d, ok := r.history[id]
	if ok && now.Sub(d.at) > historyWindow {
		delete(r.history, id)
		return d, false
	}
	return d, ok
}

// forgetSession drops a client ID's persistent session identifier.
func (r *registry) forgetSession(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.sessions, id)
}

// splitHostPort returns the IP and port of a socket address.
func splitHostPort(a net.Addr) (string, int) {
	if a == nil {
		return "", 0
	}
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String(), 0
	}
	p, _ := strconv.Atoi(port) // a socket's port is numeric
	return host, p
}

// newSessionID returns a sessionIdentifier in AWS's current form, a UUID.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/life-cycle-events.html#connect-disconnect example
// "00000000-0000-0000-0000-000000000000".
func newSessionID() string { return awsrest.NewRequestID() }
