package broker

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

// TestSubscribeGate: an MQTT 5 stream reaches mochi byte for byte however
// it is split, and a SUBSCRIBE whose filter lacks its options byte is
// refused with DISCONNECT 0x81 before mochi reads it.
func TestSubscribeGate(t *testing.T) {
	connect := []byte{0x10, 0x0d, 0, 4, 'M', 'Q', 'T', 'T', 5, 0x02, 0, 60, 0, 0, 0}
	valid := bytes.Join([][]byte{
		{0x30, 0x06, 0, 3, 'a', '/', 'b', 0},                    // PUBLISH QoS 0, no properties
		{0x82, 0x0b, 0, 1, 0, 0, 1, '#', 0x01, 0, 1, '+', 0x00}, // SUBSCRIBE, two filters
		{0xc0, 0x00}, // PINGREQ
	}, nil)
	if v := connectVersion(connect); v != 5 {
		t.Fatalf("connectVersion = %d", v)
	}
	for _, split := range []func(io.Reader) io.Reader{func(r io.Reader) io.Reader { return r }, iotest.OneByteReader} {
		var g subscribeGate
		g.start(connect)
		var out, wrote bytes.Buffer
		r := split(bytes.NewReader(valid))
		p := make([]byte, 3)
		for {
			n, err := g.read(r, &wrote, p)
			out.Write(p[:n])
			if err != nil {
				break
			}
		}
		if !bytes.Equal(out.Bytes(), valid) || wrote.Len() != 0 {
			t.Fatalf("passed %x (wrote %x), want %x", out.Bytes(), wrote.Bytes(), valid)
		}
	}
	var g subscribeGate
	g.start(connect)
	var wrote bytes.Buffer
	_, err := g.read(bytes.NewReader([]byte{0x82, 0x05, 0x30, 0x01, 0x00, 0x00, 0x00}), &wrote, make([]byte, 64))
	if !errors.Is(err, errMalformedSubscribe) || !bytes.Equal(wrote.Bytes(), disconnectMalformed) {
		t.Fatalf("truncated SUBSCRIBE: %v, wrote %x", err, wrote.Bytes())
	}
	if connectVersion([]byte{0x10, 0x0c, 0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60, 0, 0}) != 4 {
		t.Fatal("MQTT 3.1.1 CONNECT not read as 4")
	}
}
