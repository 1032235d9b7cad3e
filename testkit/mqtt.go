package testkit

import (
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
)

// opTimeout bounds every MQTT operation the helpers wait for.
const opTimeout = 10 * time.Second

// Client is an MQTT 3.1.1 client (paho) connected to the emulator.
type Client struct {
	paho paho.Client
}

// ClientOption adjusts the paho options of Connect.
type ClientOption func(*paho.ClientOptions)

// OverTLS connects over MQTT over TLS with a client certificate for the
// client ID, as a device does on AWS port 8883.
func (e *Emulator) OverTLS(tb testing.TB) ClientOption {
	tb.Helper()
	return func(o *paho.ClientOptions) {
		o.Servers = nil
		o.AddBroker(e.MQTTTLSURL())
		o.SetTLSConfig(e.TLSConfig(tb, o.ClientID))
	}
}

// OverWebSocket connects over MQTT over WebSocket at /mqtt.
func (e *Emulator) OverWebSocket() ClientOption {
	return func(o *paho.ClientOptions) {
		o.Servers = nil
		o.AddBroker(e.WebSocketURL())
	}
}

// WithPahoOptions edits the paho options directly (will, clean session...).
func WithPahoOptions(fn func(*paho.ClientOptions)) ClientOption { return ClientOption(fn) }

// Connect connects a paho MQTT 3.1.1 client with a clean session over TCP
// (unless an option says otherwise) and disconnects it when tb ends.
func (e *Emulator) Connect(tb testing.TB, clientID string, opts ...ClientOption) *Client {
	tb.Helper()
	o := paho.NewClientOptions().
		AddBroker(e.MQTTURL()).
		SetClientID(clientID).
		SetCleanSession(true).
		SetAutoReconnect(false).
		SetConnectTimeout(opTimeout).
		SetWriteTimeout(opTimeout)
	for _, opt := range opts {
		opt(o)
	}
	c := paho.NewClient(o)
	if err := wait(c.Connect()); err != nil {
		tb.Fatalf("testkit: connect %q: %v", clientID, err)
	}
	tb.Cleanup(func() { c.Disconnect(0) })
	return &Client{paho: c}
}

// Paho returns the underlying paho client.
func (c *Client) Paho() paho.Client { return c.paho }

// Subscribe subscribes at QoS qos and returns the Inbox receiving the
// matching messages; it returns after the SUBACK.
func (c *Client) Subscribe(tb testing.TB, filter string, qos byte) *Inbox {
	tb.Helper()
	in := newInbox()
	tok := c.paho.Subscribe(filter, qos, func(_ paho.Client, m paho.Message) {
		in.add(Message{Topic: m.Topic(), Payload: m.Payload(), QoS: m.Qos(), Retained: m.Retained()})
	})
	if err := wait(tok); err != nil {
		tb.Fatalf("testkit: subscribe %q: %v", filter, err)
	}
	return in
}

// Publish publishes and, at QoS 1, waits for the PUBACK.
func (c *Client) Publish(tb testing.TB, topic string, qos byte, retain bool, payload []byte) {
	tb.Helper()
	if err := wait(c.paho.Publish(topic, qos, retain, payload)); err != nil {
		tb.Fatalf("testkit: publish %q: %v", topic, err)
	}
}

// Disconnect sends DISCONNECT and closes the connection.
func (c *Client) Disconnect() { c.paho.Disconnect(0) }

// wait waits for a paho token with opTimeout.
func wait(t paho.Token) error {
	if !t.WaitTimeout(opTimeout) {
		return errTimeout
	}
	return t.Error()
}
