package testkit

import (
	"context"
	"net"
	"testing"
	"time"

	packets5 "github.com/eclipse/paho.golang/packets"
	paho5 "github.com/eclipse/paho.golang/paho"
)

// Client5 is an MQTT 5 client (paho.golang) connected to the emulator over
// TCP. Everything it receives lands in Received; a DISCONNECT from the
// broker lands in Disconnects.
type Client5 struct {
	paho        *paho5.Client
	connack     *paho5.Connack
	received    *Inbox
	disconnects chan *paho5.Disconnect
}

// Connect5 dials the emulator and sends cp (Clean Start and a 30 s
// keep-alive unless cp says otherwise; nil means a client ID of "client5").
// It fails tb unless the CONNACK is a success, and disconnects when tb ends.
// Use Dial5 to look at a refused CONNACK.
func (e *Emulator) Connect5(tb testing.TB, cp *paho5.Connect) *Client5 {
	tb.Helper()
	c, err := e.Dial5(tb, cp)
	if err != nil {
		tb.Fatalf("testkit: connect5: %v", err)
	}
	return c
}

// Dial5 is Connect5 returning the CONNACK error instead of failing tb; the
// Client5 (and its Connack) is non-nil whenever a CONNACK arrived.
func (e *Emulator) Dial5(tb testing.TB, cp *paho5.Connect) (*Client5, error) {
	tb.Helper()
	if cp == nil {
		cp = &paho5.Connect{ClientID: "client5", CleanStart: true, KeepAlive: 30}
	}
	conn, err := net.Dial("tcp", e.srv.MQTTAddr())
	if err != nil {
		tb.Fatalf("testkit: dial: %v", err)
	}
	c := &Client5{received: newInbox(), disconnects: make(chan *paho5.Disconnect, 1)}
	c.paho = paho5.NewClient(paho5.ClientConfig{
		Conn: packets5.NewThreadSafeConn(conn), // paho.golang requires serialised writes
		OnPublishReceived: []func(paho5.PublishReceived) (bool, error){func(p paho5.PublishReceived) (bool, error) {
			pk := p.Packet
			c.received.add(Message{Topic: pk.Topic, Payload: pk.Payload, QoS: pk.QoS, Retained: pk.Retain, Publish5: pk})
			return true, nil
		}},
		OnServerDisconnect: func(d *paho5.Disconnect) {
			select {
			case c.disconnects <- d:
			default:
			}
		},
	})
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	ack, err := c.paho.Connect(ctx, cp)
	c.connack = ack
	if err != nil {
		_ = conn.Close() // refused: paho has already given up on it
		if ack == nil {
			return nil, err
		}
		return c, err
	}
	tb.Cleanup(func() { _ = c.paho.Disconnect(&paho5.Disconnect{}) })
	return c, nil
}

// Paho returns the underlying paho.golang client.
func (c *Client5) Paho() *paho5.Client { return c.paho }

// Connack returns the broker's CONNACK.
func (c *Client5) Connack() *paho5.Connack { return c.connack }

// Received returns the Inbox of every message delivered to the client.
func (c *Client5) Received() *Inbox { return c.received }

// Subscribe subscribes to one filter and returns the SUBACK.
func (c *Client5) Subscribe(tb testing.TB, filter string, qos byte) *paho5.Suback {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	ack, err := c.paho.Subscribe(ctx, &paho5.Subscribe{Subscriptions: []paho5.SubscribeOptions{{Topic: filter, QoS: qos}}})
	if err != nil && ack == nil {
		tb.Fatalf("testkit: subscribe5 %q: %v", filter, err)
	}
	return ack
}

// Publish publishes p and, at QoS 1, waits for the PUBACK.
func (c *Client5) Publish(tb testing.TB, p *paho5.Publish) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	if _, err := c.paho.Publish(ctx, p); err != nil {
		tb.Fatalf("testkit: publish5 %q: %v", p.Topic, err)
	}
}

// WaitDisconnect waits up to timeout for a DISCONNECT from the broker.
func (c *Client5) WaitDisconnect(timeout time.Duration) (*paho5.Disconnect, bool) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case d := <-c.disconnects:
		return d, true
	case <-t.C:
		return nil, false
	}
}

// Disconnect sends DISCONNECT and closes the connection.
func (c *Client5) Disconnect() { _ = c.paho.Disconnect(&paho5.Disconnect{}) }
