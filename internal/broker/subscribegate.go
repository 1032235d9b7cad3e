package broker

import (
	"errors"
	"io"
)

// The SUBSCRIBE gate frames an MQTT 5 connection's packets after its
// CONNECT and reads each SUBSCRIBE whole before mochi does, refusing one
// whose last topic filter has no subscription options byte: mochi
// (v2.7.9, packets.SubscribeDecode) indexes past the end of such a packet
// and panics on the client's goroutine, which ends the whole process — any
// client could stop the emulator with 7 bytes (FuzzMQTTPackets,
// emulator/testdata/fuzz/FuzzMQTTPackets/23dfbac7f9367a8a). Other packets
// pass through as they arrive, unbuffered; MQTT 3.1.1 connections, whose
// SUBSCRIBE mochi decodes with bounds checks, are not gated.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/mqtt.html (a malformed packet
// closes the connection); MQTT 5 [MQTT-4.13.1-1] (DISCONNECT 0x81 Malformed Packet).

var errMalformedSubscribe = errors.New("malformed SUBSCRIBE")

// disconnectMalformed is the MQTT 5 DISCONNECT 0x81 Malformed Packet,
// without properties.
var disconnectMalformed = []byte{0xe0, 0x02, 0x81, 0x00}

// maxSubscribeBytes bounds the SUBSCRIBE the gate buffers: far above any
// AWS accepts (8 filters, topics of 256 bytes), so only a hostile client
// is refused by it.
const maxSubscribeBytes = 1 << 20

const packetSubscribe = 8

type subscribeGate struct {
	on    bool   // an MQTT 5 connection
	skip  int    // bytes of the current (not SUBSCRIBE) packet still to pass through
	raw   []byte // read from the socket, not yet framed
	ready []byte // framed and checked, for mochi
	// rawBuf and readyBuf keep the buffers' capacity for the next frame.
	rawBuf, readyBuf []byte
	err              error // the socket's error, returned once ready is drained
	scratch          [4096]byte
}

// start turns the gate on when the CONNECT the connection
// began with (first: its bytes) asks for MQTT 5.
func (g *subscribeGate) start(first []byte) {
	g.on = connectVersion(first) == 5
}

// read fills p with the connection's next bytes, as mochi reads them.
func (g *subscribeGate) read(r io.Reader, w io.Writer, p []byte) (int, error) {
	for {
		if len(g.ready) > 0 {
			n := copy(p, g.ready)
			g.ready = g.ready[n:]
			return n, nil
		}
		if err := g.err; err != nil {
			g.err = nil
			return 0, err
		}
		if g.skip > 0 && len(g.raw) == 0 { // the common case: a packet's body, straight through
			n, err := r.Read(p[:min(len(p), g.skip)])
			g.skip -= n
			return n, err //nolint:wrapcheck // the socket's error, as mochi expects it
		}
		n, err := r.Read(g.scratch[:])
		g.raw = append(g.raw, g.scratch[:n]...) //nolint:gocritic // raw is the gate's own buffer
		g.err = err
		if ferr := g.frame(); ferr != nil {
			_, _ = w.Write(disconnectMalformed) // the connection is closed next anyway
			return 0, ferr
		}
	}
}

// frame moves what is complete in raw to ready: packet headers and bodies
// as they come, a SUBSCRIBE once whole and checked.
// read calls it only once ready is drained, so both buffers are reused.
func (g *subscribeGate) frame() error {
	g.ready = g.readyBuf[:0]
	defer func() {
		g.readyBuf = g.ready[:0]
		g.raw = append(g.rawBuf[:0], g.raw...) // what is left, moved to the front
		g.rawBuf = g.raw[:0]
	}()
	for len(g.raw) > 0 {
		if g.skip > 0 {
			k := min(g.skip, len(g.raw))
			g.pass(k)
			g.skip -= k
			continue
		}
		n, hlen := packetHeader(g.raw)
		switch {
		case hlen == 0: // the header is not all here yet
			return nil
		case hlen < 0: // a remaining length over 4 bytes: mochi refuses it and closes
			g.pass(len(g.raw))
			g.on = false
			return nil
		case g.raw[0]>>4 != packetSubscribe:
			g.pass(hlen)
			g.skip = n
			continue
		case n > maxSubscribeBytes:
			return errMalformedSubscribe
		case len(g.raw) < hlen+n:
			return nil
		case !subscribeDecodes(g.raw[hlen : hlen+n]):
			return errMalformedSubscribe
		}
		g.pass(hlen + n)
	}
	return nil
}

func (g *subscribeGate) pass(k int) {
	g.ready = append(g.ready, g.raw[:k]...)
	g.raw = g.raw[k:]
}

// packetHeader returns a packet's remaining length and the header's
// length; 0: incomplete; -1: a remaining length over 4 bytes.
func packetHeader(b []byte) (int, int) {
	n, mul := 0, 1
	for i := 1; i < len(b) && i <= 4; i++ {
		n += int(b[i]&0x7f) * mul
		if b[i]&0x80 == 0 {
			return n, i + 1
		}
		mul *= 128
	}
	if len(b) > 4 {
		return 0, -1
	}
	return 0, 0
}

// subscribeDecodes mirrors mochi's MQTT 5 SubscribeDecode: false only for
// the packet it would index past (a filter without its options byte);
// whatever else is wrong mochi refuses itself.
func subscribeDecodes(body []byte) bool {
	if len(body) < 2 {
		return true
	}
	plen, vlen := packetHeader(append([]byte{0}, body[2:]...))
	if vlen <= 0 {
		return true
	}
	off := 2 + vlen - 1 + plen
	for off < len(body) {
		if off+2 > len(body) {
			return true
		}
		off += 2 + (int(body[off])<<8 | int(body[off+1]))
		if off > len(body) {
			return true
		}
		if off == len(body) {
			return false
		}
		off++ // the subscription options
	}
	return true
}

// connectVersion returns the protocol level of a CONNECT's bytes, 0 if
// they are not a CONNECT.
func connectVersion(first []byte) byte {
	_, hlen := packetHeader(first)
	if hlen <= 0 || first[0]>>4 != 1 || len(first) < hlen+2 {
		return 0
	}
	at := hlen + 2 + (int(first[hlen])<<8 | int(first[hlen+1]))
	if at >= len(first) {
		return 0
	}
	return first[at]
}
