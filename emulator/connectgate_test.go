package emulator_test

import (
	"bytes"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/iotemu/iotemu/testkit"
)

// connectBytes frames a CONNECT body.
func connectBytes(body ...byte) []byte { return append([]byte{0x10, byte(len(body))}, body...) }

// TestMalformedConnectAndMQTT31 replays, byte for byte, CONNECTs of the
// paho.mqtt.testing interoperability suite: MQTT 5 property blocks that are
// truncated or whose last property runs past the block get CONNACK 0x81
// Malformed Packet and the connection closes; MQTT 3.1 (MQIsdp, level 3)
// gets CONNACK 0x01, as AWS serves 3.1.1 and 5 only. A well-formed MQTT 5
// CONNECT with the same property is accepted.
func TestMalformedConnectAndMQTT31(t *testing.T) {
	emu := testkit.Start(t)
	mqtt5 := []byte{0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x02, 0x00, 0x3c}
	clientID := []byte{0x00, 0x02, 'g', '1'}
	cases := []struct {
		name   string
		packet []byte
		want   []byte
		closed bool
	}{
		{"truncated Session Expiry", connectBytes(cat(mqtt5, []byte{0x03, 0x11, 0x00, 0x00}, clientID)...),
			[]byte{0x20, 0x03, 0x00, 0x81, 0x00}, true},
		{"Receive Maximum past its block", connectBytes(cat(mqtt5, []byte{0x02, 0x21, 0x00, 0x64}, clientID)...),
			[]byte{0x20, 0x03, 0x00, 0x81, 0x00}, true},
		{"unknown property", connectBytes(cat(mqtt5, []byte{0x02, 0x7f, 0x00}, clientID)...),
			[]byte{0x20, 0x03, 0x00, 0x81, 0x00}, true},
		{"MQTT 3.1", connectBytes(cat([]byte{0x00, 0x06, 'M', 'Q', 'I', 's', 'd', 'p', 0x03, 0x02, 0x00, 0x3c}, clientID)...),
			[]byte{0x20, 0x02, 0x00, 0x01}, true},
		{"well-formed Session Expiry", connectBytes(cat(mqtt5, []byte{0x05, 0x11, 0x00, 0x00, 0x00, 0x3c}, clientID)...),
			nil, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := net.Dial("tcp", emu.Server().MQTTAddr())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if _, err := c.Write(tc.packet); err != nil {
				t.Fatal(err)
			}
			got := readPacket(t, c)
			if !tc.closed {
				if got[0] != 0x20 || got[3] != 0x00 {
					t.Fatalf("CONNACK % x, want success", got)
				}
				return
			}
			if !bytes.Equal(got, tc.want) {
				t.Fatalf("CONNACK % x, want % x", got, tc.want)
			}
			_ = c.SetReadDeadline(time.Now().Add(wait))
			if n, err := c.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
				t.Fatalf("after the CONNACK: read %d, %v; want the connection closed", n, err)
			}
		})
	}
	stillServing(t, emu)
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
