package emulator_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"

	paho5 "github.com/eclipse/paho.golang/paho"
	paho3 "github.com/eclipse/paho.mqtt.golang"
	"github.com/gorilla/websocket"
	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/iotemu/iotemu/emulator"
	"github.com/iotemu/iotemu/testkit"
)

func TestChecklist09RetainedRules(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	// mochi sends the PUBACK before it delivers, so the publish's delivery
	// may still be running after Publish returns; a subscriber that joins
	// in that window would get it live. The observer receiving it means the
	// subscriber list of that delivery is fixed.
	observer := emu.Subscribe(t, "ret/a")
	pub := emu.Connect(t, "ret-pub")
	pub.Publish(t, "ret/a", 1, true, []byte{0, 0xff, 1}) // binary, kept as is
	observer.Next(t, wait)
	sub := emu.Connect(t, "ret-sub")
	exact := sub.Subscribe(t, "ret/a", 1)
	if got := exact.Next(t, wait); !got.Retained || string(got.Payload) != "\x00\xff\x01" {
		t.Fatalf("exact filter: got %+v, want the retained message with RETAIN=1", got)
	}
	for _, f := range []string{"ret/+", "ret/#"} {
		wild := emu.Connect(t, "ret-wild"+f[4:5]).Subscribe(t, f, 1)
		pub.Publish(t, "ret/live", 1, false, []byte("live"))
		if got := wild.Next(t, wait); got.Topic != "ret/live" || got.Retained {
			t.Fatalf("%s: got %+v first, want the live message (no retained message on a wildcard filter)", f, got)
		}
	}
	// Live delivery to an existing subscriber: RETAIN=0.
	pub.Publish(t, "ret/a", 1, true, []byte("v2"))
	if got := exact.Next(t, wait); got.Retained || string(got.Payload) != "v2" {
		t.Fatalf("existing subscriber: got %+v, want v2 with RETAIN=0", got)
	}
	// An empty retained publish is forwarded and deletes.
	pub.Publish(t, "ret/a", 1, true, nil)
	if got := exact.Next(t, wait); len(got.Payload) != 0 {
		t.Fatalf("empty retained: got %q, want it forwarded", got.Payload)
	}
	late := emu.Connect(t, "ret-late").Subscribe(t, "ret/a", 1)
	pub.Publish(t, "ret/a", 1, false, []byte("sentinel")) // a retained message would come first
	if m := late.Next(t, wait); string(m.Payload) != "sentinel" {
		t.Fatalf("after delete: got %q, want nothing retained before the sentinel", m.Payload)
	}
	// RETAIN on a reserved topic is refused.
	r, _, _ := dialRaw(t, emu.Server().MQTTAddr(), 4, "ret-reserved", nil)
	r.send(publishPacket("$aws/things/t1/shadow/update", 1, true, []byte(`{}`)))
	r.expectClosed()
	stillServing(t, emu)
}

// TestChecklist09RetainedMosquittoSub: a second opinion from mosquitto_sub
// on the retained and # rules.
func TestChecklist09RetainedMosquittoSub(t *testing.T) {
	bin := requireTool(t, "mosquitto_sub")
	emu := testkit.Start(t)
	pub := emu.Connect(t, "mq-pub")
	pub.Publish(t, "mq/r", 1, true, []byte("retained"))
	u, _ := url.Parse(emu.MQTTURL())
	run := func(filter string) string {
		// -W: give up after a second; -C 1: one message; -v: print the topic.
		out, _ := exec.Command(bin, "-h", u.Hostname(), "-p", u.Port(), "-t", filter, "-v", "-C", "1", "-W", "1").Output()
		return strings.TrimSpace(string(out))
	}
	if got := run("mq/r"); got != "mq/r retained" {
		t.Errorf("exact filter: got %q, want %q", got, "mq/r retained")
	}
	if got := run("mq/#"); got != "" {
		t.Errorf("wildcard filter: got %q, want nothing", got)
	}
	if got := run("mq/r/#"); got != "" {
		t.Errorf("mq/r/# (parent of nothing): got %q, want nothing", got)
	}
}

func TestChecklist10QoS2(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	watch := emu.Subscribe(t, "q2/#")
	c := emu.Connect(t, "q2-v3")
	tok := c.Paho().Publish("q2/a", 2, false, []byte("x"))
	// The sentinel: the broker answers one client's packets in order, so a
	// PUBREC for the QoS 2 message would precede the PUBACK of this one.
	c.Publish(t, "q2/b", 1, false, []byte("after")) // the connection is still up
	if got := watch.Next(t, wait); got.Topic != "q2/b" {
		t.Fatalf("got %q, want q2/b only (QoS 2 message dropped)", got.Topic)
	}
	if tok.WaitTimeout(0) {
		t.Fatalf("MQTT 3.1.1 QoS 2: got an acknowledgement (%v), want none", tok.Error())
	}
	subTok := c.Paho().Subscribe("q2/s", 2, nil)
	c.Subscribe(t, "q2/sentinel", 1) // its SUBACK follows any SUBACK of q2/s
	if subTok.WaitTimeout(0) {
		t.Fatal("MQTT 3.1.1 QoS 2 SUBSCRIBE: got a SUBACK, want none")
	}
	r, _, _ := dialRaw(t, emu.Server().MQTTAddr(), 5, "q2-v5", nil)
	r.send(publishPacket("q2/c", 2, false, []byte("x")))
	if code := r.expectClosed(); code != 0x9B {
		t.Fatalf("MQTT 5 QoS 2: got DISCONNECT %#x, want 0x9b", code)
	}
	// MQTT 5 SUBSCRIBE at QoS 2: no SUBACK by default, QoS 1 granted with the switch.
	r2, _, _ := dialRaw(t, emu.Server().MQTTAddr(), 5, "q2-sub5", nil)
	r2.send(subscribePacket(2, "q2/s"))
	r2.send(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Pingreq}}) // the sentinel
	if pk, err := r2.next(wait); err != nil || pk.FixedHeader.Type != packets.Pingresp {
		t.Fatalf("MQTT 5 QoS 2 SUBSCRIBE: got packet %d (%v) before the PINGRESP, want none", pk.FixedHeader.Type, err)
	}
	grant := testkit.Start(t, testkit.WithConfig(func(c *emulator.Config) { c.Compat.GrantQoS1OnV5QoS2Subscribe = true }))
	r3, _, _ := dialRaw(t, grant.Server().MQTTAddr(), 5, "q2-grant", nil)
	r3.send(subscribePacket(2, "q2/s"))
	if pk, err := r3.next(wait); err != nil || len(pk.ReasonCodes) != 1 || pk.ReasonCodes[0] != 1 {
		t.Fatalf("GrantQoS1OnV5QoS2Subscribe: got %v %v, want SUBACK granting QoS 1", pk.ReasonCodes, err)
	}
	stillServing(t, emu)
}

func TestChecklist11PayloadTooLarge(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	rec := record(t, emu, "$aws/events/presence/#")
	r, _, _ := dialRaw(t, emu.Server().MQTTAddr(), 4, "big", nil)
	r.send(publishPacket("big/t", 1, false, make([]byte, 131073)))
	r.expectClosed()
	evs := rec.waitFor(t, "$aws/events/presence/disconnected/big")
	if ev := event(t, evs[len(evs)-1]); ev["disconnectReason"] != "CLIENT_ERROR" {
		t.Fatalf("got %v, want CLIENT_ERROR", ev["disconnectReason"])
	}
	r5, _, _ := dialRaw(t, emu.Server().MQTTAddr(), 5, "big5", nil)
	r5.send(publishPacket("big/t", 0, false, make([]byte, 131073)))
	if code := r5.expectClosed(); code != 0x95 {
		t.Fatalf("MQTT 5: got DISCONNECT %#x, want 0x95", code)
	}
	ok, _, _ := dialRaw(t, emu.Server().MQTTAddr(), 4, "big-ok", nil)
	ok.send(publishPacket("big/t", 1, false, make([]byte, 131072)))
	if pk, err := ok.next(wait); err != nil || pk.FixedHeader.Type != packets.Puback {
		t.Fatalf("131072 bytes: got %v %v, want PUBACK", pk.FixedHeader.Type, err)
	}
	stillServing(t, emu)
}

func TestChecklist12KeepAlive(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t, testkit.WithConfig(func(c *emulator.Config) {
		c.Limits.KeepAliveMin, c.Limits.KeepAliveMax = 2*time.Second, 4*time.Second // AWS: 30 s, 1200 s
	}))
	rec := record(t, emu, "$aws/events/presence/#")
	start := time.Now()
	r, ack, err := dialRaw(t, emu.Server().MQTTAddr(), 5, "ka", func(pk *packets.Packet) { pk.Connect.Keepalive = 1 })
	if err != nil || !ack.Properties.ServerKeepAliveFlag || ack.Properties.ServerKeepAlive != 2 {
		t.Fatalf("CONNACK Server Keep Alive: got %v (%v), want 2", ack.Properties.ServerKeepAlive, err)
	}
	if code := r.expectClosed(); code != 0x8D {
		t.Fatalf("got DISCONNECT %#x, want 0x8d", code)
	}
	if d := time.Since(start); d < 2*time.Second {
		t.Fatalf("disconnected after %v, want 1.5 × the clamped 2 s", d)
	}
	evs := rec.waitFor(t, "$aws/events/presence/disconnected/ka")
	if ev := event(t, evs[len(evs)-1]); ev["disconnectReason"] != "MQTT_KEEP_ALIVE_TIMEOUT" {
		t.Fatalf("got %v, want MQTT_KEEP_ALIVE_TIMEOUT", ev["disconnectReason"])
	}
}

// willConnect adds a Last Will on will/{id}.
func willConnect(id string) func(*packets.Packet) {
	return func(pk *packets.Packet) {
		pk.Connect.WillFlag, pk.Connect.WillTopic, pk.Connect.WillPayload = true, "will/"+id, []byte("gone "+id)
	}
}

func TestChecklist13LastWill(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	rec := record(t, emu, "will/#", "$aws/events/presence/disconnected/#")
	cases := []struct {
		id, reason string
		will       bool
		end        func(r *raw)
	}{
		{"w-disconnect", "CLIENT_INITIATED_DISCONNECT", false, func(r *raw) {
			r.send(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Disconnect}})
		}},
		{"w-drop", "CONNECTION_LOST", true, func(r *raw) { _ = r.c.Close() }},
	}
	for _, tc := range cases {
		r, _, _ := dialRaw(t, emu.Server().MQTTAddr(), 4, tc.id, willConnect(tc.id))
		tc.end(r)
		evs := rec.waitFor(t, "$aws/events/presence/disconnected/"+tc.id)
		last := event(t, evs[len(evs)-1])
		if last["disconnectReason"] != tc.reason || last["clientInitiatedDisconnect"] != !tc.will {
			t.Errorf("%s: got %v, want %s", tc.id, last, tc.reason)
		}
		sawWill := len(evs) >= 2 && evs[len(evs)-2].Topic == "will/"+tc.id
		if sawWill != tc.will {
			t.Errorf("%s: will published before the event: got %v, want %v", tc.id, sawWill, tc.will)
		}
	}
	// A WebSocket Close frame is a client-initiated disconnect: no Will.
	ws, _, err := websocket.DefaultDialer.Dial(emu.WebSocketURL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	connect := packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Connect}, ProtocolVersion: 4,
		Connect: packets.ConnectParams{ProtocolName: []byte("MQTT"), Clean: true, Keepalive: 60, ClientIdentifier: "w-ws"}}
	willConnect("w-ws")(&connect)
	b := encode(t, connect)
	if err := ws.WriteMessage(websocket.BinaryMessage, b); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ws.ReadMessage(); err != nil { // CONNACK
		t.Fatal(err)
	}
	_ = ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
	evs := rec.waitFor(t, "$aws/events/presence/disconnected/w-ws")
	if last := event(t, evs[len(evs)-1]); last["disconnectReason"] != "CLIENT_INITIATED_DISCONNECT" {
		t.Errorf("WebSocket close: got %v, want CLIENT_INITIATED_DISCONNECT", last)
	}
	if len(evs) >= 2 && evs[len(evs)-2].Topic == "will/w-ws" {
		t.Error("WebSocket close: the Will was published")
	}
}

func TestChecklist14LifecycleJSON(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	rec := record(t, emu, "$aws/events/#")
	tlsCfg := emu.TLSConfig(t, "thing-14")
	c := emu.Connect(t, "lc-14", testkit.WithPahoOptions(func(o *paho3.ClientOptions) {
		o.Servers = nil
		o.AddBroker(emu.MQTTTLSURL())
		o.SetTLSConfig(tlsCfg)
	}))
	c.Subscribe(t, "lc/a", 1)
	if tok := c.Paho().Unsubscribe("lc/a"); !tok.WaitTimeout(wait) || tok.Error() != nil {
		t.Fatal(tok.Error())
	}
	c.Disconnect()
	evs := rec.waitFor(t, "$aws/events/presence/disconnected/lc-14")
	sum := sha256.Sum256(tlsCfg.Certificates[0].Certificate[0])
	principal := hex.EncodeToString(sum[:])
	want := []struct {
		topic string
		keys  []string
	}{
		{"$aws/events/presence/connected/lc-14", []string{"clientId", "timestamp", "eventType", "sessionIdentifier", "principalIdentifier", "ipAddress", "versionNumber"}},
		{"$aws/events/subscriptions/subscribed/lc-14", []string{"clientId", "timestamp", "eventType", "sessionIdentifier", "principalIdentifier", "topics"}},
		{"$aws/events/subscriptions/unsubscribed/lc-14", []string{"clientId", "timestamp", "eventType", "sessionIdentifier", "principalIdentifier", "topics"}},
		{"$aws/events/presence/disconnected/lc-14", []string{"clientId", "timestamp", "eventType", "sessionIdentifier", "principalIdentifier", "clientInitiatedDisconnect", "disconnectReason", "versionNumber"}},
	}
	var mine []map[string]any
	for _, m := range evs {
		if strings.HasSuffix(m.Topic, "/lc-14") {
			mine = append(mine, event(t, m))
			if got := string(m.Payload); !strings.HasPrefix(got, `{"clientId":"lc-14","timestamp":`) {
				t.Errorf("%s: field order: got %s", m.Topic, got)
			}
		}
	}
	if len(mine) != len(want) {
		t.Fatalf("got %d events, want %d: %v", len(mine), len(want), mine)
	}
	for i, w := range want {
		ev := mine[i]
		if len(ev) != len(w.keys) {
			t.Errorf("%s: got keys %v, want %v", w.topic, ev, w.keys)
		}
		for _, k := range w.keys {
			if _, ok := ev[k]; !ok {
				t.Errorf("%s: missing %s", w.topic, k)
			}
		}
		if ev["principalIdentifier"] != principal || ev["sessionIdentifier"] != mine[0]["sessionIdentifier"] {
			t.Errorf("%s: principal/session: got %v / %v, want %s and the same session", w.topic, ev["principalIdentifier"], ev["sessionIdentifier"], principal)
		}
	}
	if mine[0]["versionNumber"] != mine[3]["versionNumber"] || mine[0]["ipAddress"] != "127.0.0.1" {
		t.Errorf("versionNumber/ipAddress: got %v", mine)
	}
	if topics, _ := mine[1]["topics"].([]any); len(topics) != 1 || topics[0] != "lc/a" {
		t.Errorf("topics: got %v, want [lc/a]", mine[1]["topics"])
	}
	// Client IDs with + or # get no events.
	emu.Connect(t, "no+events").Disconnect()
	emu.Connect(t, "after").Disconnect()
	for _, m := range rec.waitFor(t, "$aws/events/presence/disconnected/after") {
		if strings.Contains(m.Topic, "no+events") {
			t.Fatalf("got event %s for a client ID with +", m.Topic)
		}
	}
}

func TestChecklist15ForbiddenSubscribe(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	rec := record(t, emu, "$aws/events/presence/#")
	for _, filter := range []string{"$aws/rules/r", "$SYS/#", "$unknown/x", "$aws/things/t/shadow/update/accepted/extra"} {
		r, _, _ := dialRaw(t, emu.Server().MQTTAddr(), 4, "fs3", nil)
		r.send(subscribePacket(1, filter))
		if code := r.expectClosed(); code != -1 {
			t.Fatalf("MQTT 3.1.1 %s: got DISCONNECT %#x, want closed without SUBACK", filter, code)
		}
		evs := rec.waitFor(t, "$aws/events/presence/disconnected/fs3")
		if ev := event(t, evs[len(evs)-1]); ev["disconnectReason"] != "CLIENT_ERROR" {
			t.Fatalf("%s: got %v, want CLIENT_ERROR", filter, ev["disconnectReason"])
		}
		rec.mu.Lock()
		rec.msgs = nil
		rec.mu.Unlock()
	}
	r5, _, _ := dialRaw(t, emu.Server().MQTTAddr(), 5, "fs5", nil)
	r5.send(subscribePacket(1, "$aws/rules/r"))
	if code := r5.expectClosed(); code != 0x8F {
		t.Fatalf("MQTT 5: got DISCONNECT %#x, want 0x8f", code)
	}
	ack := testkit.Start(t, testkit.WithConfig(func(c *emulator.Config) { c.Compat.ReservedTopicAckV5 = true }))
	c := ack.Connect5(t, &paho5.Connect{ClientID: "fs5ack", CleanStart: true, KeepAlive: 30})
	if sa := c.Subscribe(t, "$aws/rules/r", 1); len(sa.Reasons) != 1 || sa.Reasons[0] != 0x87 {
		t.Fatalf("ReservedTopicAckV5: got SUBACK %v, want 0x87", sa.Reasons)
	}
	if sa := c.Subscribe(t, "$aws/events/presence/connected/+", 1); sa.Reasons[0] != 1 {
		t.Fatalf("allowed reserved filter: got %v, want granted QoS 1", sa.Reasons)
	}
	stillServing(t, emu)
	stillServing(t, ack)
}

func TestChecklist15ForbiddenPublish(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	for _, topic := range []string{"$aws/things/t/shadow/update/accepted", "$SYS/x", "$unknown", "$aws/events/presence/connected/x"} {
		r, _, _ := dialRaw(t, emu.Server().MQTTAddr(), 4, "fp3", nil)
		r.send(publishPacket(topic, 0, false, []byte("x")))
		r.expectClosed()
		r5, _, _ := dialRaw(t, emu.Server().MQTTAddr(), 5, "fp5", nil)
		r5.send(publishPacket(topic, 1, false, []byte("x")))
		if code := r5.expectClosed(); code != 0x90 {
			t.Fatalf("MQTT 5 %s: got DISCONNECT %#x, want 0x90", topic, code)
		}
	}
	ack := testkit.Start(t, testkit.WithConfig(func(c *emulator.Config) { c.Compat.ReservedTopicAckV5 = true }))
	r, _, _ := dialRaw(t, ack.Server().MQTTAddr(), 5, "fp5ack", nil)
	r.send(publishPacket("$unknown", 1, false, []byte("x")))
	if pk, err := r.next(wait); err != nil || pk.FixedHeader.Type != packets.Puback || pk.ReasonCode != 0x87 {
		t.Fatalf("ReservedTopicAckV5: got %v %#x %v, want PUBACK 0x87", pk.FixedHeader.Type, pk.ReasonCode, err)
	}
	stillServing(t, emu)
}

func TestChecklist16MessageExpiry(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	sub := emu.Connect5(t, &paho5.Connect{ClientID: "mei-sub", CleanStart: true, KeepAlive: 30})
	sub.Subscribe(t, "mei/#", 1)
	pub := emu.Connect5(t, &paho5.Connect{ClientID: "mei-pub", CleanStart: true, KeepAlive: 30})
	tenDays, zero := uint32(864000), uint32(0)
	pub.Publish(t, &paho5.Publish{Topic: "mei/long", QoS: 1, Payload: []byte("x"), Properties: &paho5.PublishProperties{MessageExpiry: &tenDays}})
	got := sub.Received().Next(t, wait).Publish5
	if got.Properties.MessageExpiry == nil || *got.Properties.MessageExpiry > 604800 || *got.Properties.MessageExpiry < 604790 {
		t.Fatalf("10 days: got MEI %v, want clamped to 604800", got.Properties.MessageExpiry)
	}
	pub.Publish(t, &paho5.Publish{Topic: "mei/zero", QoS: 1, Payload: []byte("x"), Properties: &paho5.PublishProperties{MessageExpiry: &zero}})
	if got := sub.Received().Next(t, wait); got.Topic != "mei/zero" {
		t.Fatalf("MEI 0: got %q, want it delivered", got.Topic)
	}
}

func TestChecklist17SharedSubscription(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	observer := emu.Subscribe(t, "sh/a") // see TestChecklist09RetainedRules: wait for delivery, not the PUBACK
	pub := emu.Connect(t, "sh-pub")
	pub.Publish(t, "sh/a", 1, true, []byte("retained"))
	observer.Next(t, wait)
	m5 := emu.Connect5(t, &paho5.Connect{ClientID: "sh-5", CleanStart: true, KeepAlive: 30})
	m5.Subscribe(t, "$share/g/sh/a", 1)
	m3 := emu.Connect(t, "sh-3").Subscribe(t, "$share/g/sh/a", 1) // MQTT 3.1.1 works too
	const n = 20
	for i := range n {
		pub.Publish(t, "sh/a", 1, false, []byte{byte(i)})
	}
	seen := map[byte]int{}
	testkit.Eventually(t, wait, func() error {
		for m, ok := m5.Received().Wait(0); ok; m, ok = m5.Received().Wait(0) {
			seen[m.Payload[0]]++
		}
		for m, ok := m3.Wait(0); ok; m, ok = m3.Wait(0) {
			seen[m.Payload[0]]++
		}
		if len(seen) < n {
			return errShort
		}
		return nil
	})
	for p, k := range seen {
		if k != 1 || p == 'r' {
			t.Fatalf("message %d delivered %d times (or the retained one was), want once per group", p, k)
		}
	}
}
