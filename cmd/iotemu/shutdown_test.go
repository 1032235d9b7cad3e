package main

import (
	"bytes"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"
)

// mqttConnect returns an MQTT 3.1.1 CONNECT with a clean session.
func mqttConnect(id string) []byte { return mqttConnectKeepAlive(id, 60) }

// mqttConnectKeepAlive is mqttConnect with a keep-alive of secs seconds.
func mqttConnectKeepAlive(id string, secs uint16) []byte {
	body := append([]byte("\x00\x04MQTT\x04\x02"), byte(secs>>8), byte(secs), byte(len(id)>>8), byte(len(id)))
	return packet(0x10, append(body, id...))
}

// packet frames body with its fixed header.
func packet(first byte, body []byte) []byte {
	out := []byte{first}
	n := len(body)
	for {
		b := byte(n % 128)
		n /= 128
		if n > 0 {
			b |= 0x80
		}
		out = append(out, b)
		if n == 0 {
			break
		}
	}
	return append(out, body...)
}

func mqttString(s string) []byte { return append([]byte{byte(len(s) >> 8), byte(len(s))}, s...) }

// dialMQTT connects a client and reads its CONNACK.
func dialMQTT(t *testing.T, addr, id string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	if _, err := c.Write(mqttConnect(id)); err != nil {
		t.Fatal(err)
	}
	ack := make([]byte, 4)
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.ReadFull(c, ack); err != nil || ack[0] != 0x20 {
		t.Fatalf("CONNACK % x: %v", ack, err)
	}
	return c
}

// TestShutdownWithStuckClients: SIGTERM ends the binary within 2 s, with a
// clean exit (Close waited for every goroutine), while a subscriber with a
// full socket reads nothing, a socket never sends CONNECT, and an HTTP
// request's body stops half-way (issue 13: the process ran past 35 s).
func TestShutdownWithStuckClients(t *testing.T) {
	cmd, eps := startBinary(t, buildBinary(t))
	addr := strings.TrimPrefix(eps["MQTT"], "mqtt://")

	stuck := dialMQTT(t, addr, "stuck")
	sub := append([]byte{0x00, 0x01}, mqttString("stuck/t")...)
	if _, err := stuck.Write(packet(0x82, append(sub, 0x00))); err != nil {
		t.Fatal(err)
	}
	suback := make([]byte, 5)
	if _, err := io.ReadFull(stuck, suback); err != nil || suback[0] != 0x90 {
		t.Fatalf("SUBACK % x: %v", suback, err)
	}
	// From here the subscriber reads nothing; a publisher fills its socket.
	pub := dialMQTT(t, addr, "flooder")
	msg := packet(0x30, append(mqttString("stuck/t"), bytes.Repeat([]byte{'x'}, 64<<10)...))
	_ = pub.SetWriteDeadline(time.Now().Add(30 * time.Second))
	for range 200 { // 13 MB: more than the sockets' buffers and the queue's bound
		if _, err := pub.Write(msg); err != nil {
			t.Fatalf("flood: %v", err)
		}
	}

	silent, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = silent.Close() })

	host := strings.TrimPrefix(eps["HTTP (iot-data --endpoint-url)"], "http://")
	slow, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = slow.Close() })
	if _, err := io.WriteString(slow, "POST /topics/slow HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\nsome"); err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit: %v", err)
		}
		d := time.Since(start)
		if d > 2*time.Second {
			t.Fatalf("shutdown took %v, want under 2s", d)
		}
		t.Logf("exited %v after SIGTERM", d)
	case <-time.After(10 * time.Second):
		t.Fatal("still running 10s after SIGTERM")
	}
}
