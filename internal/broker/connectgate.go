package broker

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
)

// The CONNECT gate reads a connection's first packet before mochi does and
// refuses what mochi would misread or accept: an MQTT 5 property block
// that is truncated or whose properties run past its declared length
// (mochi's decoder reads on into the payload, so the CONNECT is accepted
// with garbage or gets no answer), and MQTT 3.1, which AWS does not serve.

var (
	errMalformedConnect = errors.New("malformed CONNECT")
	errMQTT31           = errors.New("MQTT 3.1 is not supported")
)

var (
	// connackMalformed is the MQTT 5 CONNACK 0x81 Malformed Packet, without
	// properties.
	connackMalformed = []byte{0x20, 0x03, 0x00, 0x81, 0x00}
	// connackRefusedVersion is the MQTT 3.x CONNACK 0x01 "unacceptable
	// protocol version".
	connackRefusedVersion = []byte{0x20, 0x02, 0x00, 0x01}
)

// maxConnectBytes bounds the CONNECT the gate buffers (client ID, Will of
// up to the payload limit, user name and password fit with room).
const maxConnectBytes = 1 << 20

// readConnect reads the first packet from c and returns its bytes for mochi
// to read again. A refused CONNECT has been answered on c.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/mqtt.html (MQTT 3.1.1 and 5 only;
// CONNACK and DISCONNECT 0x81 Malformed Packet); MQTT 5 [MQTT-4.13.1-1].
// The body is read in chunks of connectChunk, so that a connection
// declaring a large CONNECT and sending little holds only what it sent
// (issue 13: 2,000 sockets declaring 196 KB each took 570 MB).
func readConnect(r io.Reader, w io.Writer) ([]byte, error) {
	head := []byte{0}
	if _, err := io.ReadFull(r, head); err != nil {
		return nil, err
	}
	n, lenBytes, err := readVarint(r)
	if err != nil {
		return nil, err
	}
	head = append(head, lenBytes...)
	if head[0]>>4 != 1 || n > maxConnectBytes {
		return head, nil // not a CONNECT, or huge: mochi refuses it itself
	}
	body, err := readChunked(r, n)
	if err != nil {
		return nil, err
	}
	switch err := connectVerdict(body); {
	case errors.Is(err, errMalformedConnect):
		_, _ = w.Write(connackMalformed) // the connection is closed next anyway
		return nil, errMalformedConnect
	case errors.Is(err, errMQTT31):
		_, _ = w.Write(connackRefusedVersion) // the connection is closed next anyway
		return nil, errMQTT31
	}
	return append(head, body...), nil
}

// connectChunk is how much the gate reads at a time.
const connectChunk = 4 << 10

// readChunked reads n bytes, growing its buffer only as bytes arrive.
func readChunked(r io.Reader, n int) ([]byte, error) {
	body := make([]byte, 0, min(n, connectChunk))
	for len(body) < n {
		if len(body) == cap(body) {
			body = slices.Grow(body, min(n-len(body), max(connectChunk, len(body))))
		}
		m, err := r.Read(body[len(body):cap(body)])
		body = body[:len(body)+m]
		if err != nil && len(body) < n {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
	}
	return body, nil
}

// readVarint reads an MQTT variable byte integer, returning it and its
// bytes.
func readVarint(r io.Reader) (int, []byte, error) {
	var raw []byte
	n, mul := 0, 1
	b := []byte{0}
	for range 4 {
		if _, err := io.ReadFull(r, b); err != nil {
			return 0, nil, err
		}
		raw = append(raw, b[0])
		n += int(b[0]&0x7f) * mul
		if b[0]&0x80 == 0 {
			return n, raw, nil
		}
		mul *= 128
	}
	return 0, nil, fmt.Errorf("%w: remaining length over 4 bytes", errMalformedConnect)
}

// connectVerdict checks a CONNECT body: errMQTT31, errMalformedConnect for
// a malformed MQTT 5 property block, else nil (mochi checks the rest).
func connectVerdict(body []byte) error {
	b := cursor{buf: body}
	name, ok := b.str()
	if !ok || len(b.buf) < 4 {
		return nil
	}
	version, flags := b.buf[0], b.buf[1]
	if bytes.Equal(name, []byte("MQIsdp")) && version == 3 {
		return errMQTT31
	}
	if version != 5 || !bytes.Equal(name, []byte("MQTT")) {
		return nil
	}
	b.buf = b.buf[4:] // version, flags, keep-alive
	if !b.properties(connectProperties) {
		return errMalformedConnect
	}
	if flags&0x04 == 0 { // no Will
		return nil
	}
	if _, ok := b.str(); !ok { // client ID
		return errMalformedConnect
	}
	if !b.properties(willProperties) {
		return errMalformedConnect
	}
	return nil
}

// Property value kinds.
const (
	propByte = iota
	propUint16
	propUint32
	propString // also binary data: two-byte length and bytes
	propPair   // user property: two strings
)

// connectProperties and willProperties are the properties MQTT 5 allows in
// a CONNECT and in its Will Properties, by identifier.
var (
	connectProperties = map[byte]int{0x11: propUint32, 0x21: propUint16, 0x27: propUint32, 0x22: propUint16,
		0x19: propByte, 0x17: propByte, 0x26: propPair, 0x15: propString, 0x16: propString}
	willProperties = map[byte]int{0x18: propUint32, 0x01: propByte, 0x02: propUint32, 0x03: propString,
		0x08: propString, 0x09: propString, 0x26: propPair}
)

// cursor walks a packet body.
type cursor struct{ buf []byte }

func (c *cursor) str() ([]byte, bool) {
	if len(c.buf) < 2 {
		return nil, false
	}
	n := int(binary.BigEndian.Uint16(c.buf))
	if len(c.buf) < 2+n {
		return nil, false
	}
	s := c.buf[2 : 2+n]
	c.buf = c.buf[2+n:]
	return s, true
}

// properties consumes a property block, reporting whether every property
// is one allowed, whole and inside the block's declared length.
func (c *cursor) properties(allowed map[byte]int) bool {
	n, raw, err := readVarint(bytes.NewReader(c.buf))
	if err != nil || len(c.buf) < len(raw)+n {
		return false
	}
	block := cursor{buf: c.buf[len(raw) : len(raw)+n]}
	c.buf = c.buf[len(raw)+n:]
	for len(block.buf) > 0 {
		kind, ok := allowed[block.buf[0]]
		if !ok {
			return false
		}
		block.buf = block.buf[1:]
		if !block.value(kind) {
			return false
		}
	}
	return true
}

func (c *cursor) value(kind int) bool {
	switch kind {
	case propString:
		_, ok := c.str()
		return ok
	case propPair:
		_, ok := c.str()
		if ok {
			_, ok = c.str()
		}
		return ok
	}
	size := map[int]int{propByte: 1, propUint16: 2, propUint32: 4}[kind]
	if len(c.buf) < size {
		return false
	}
	c.buf = c.buf[size:]
	return true
}
