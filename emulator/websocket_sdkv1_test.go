package emulator_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha1"
	"crypto/tls"
	"encoding/base64"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iotemu/iotemu/emulator"
	"github.com/iotemu/iotemu/testkit"
)

// sdkV1Endpoint is an endpoint name the AWS IoT Device SDK for Python v1
// accepts (it checks the pattern before connecting).
const sdkV1Endpoint = "a1b2c3d4e5f6g7-ats.iot.us-east-1.amazonaws.com"

// sdkV1Handshake is the upgrade request of the AWS IoT Device SDK for
// Python v1 (AWSIoTPythonSDK/core/protocol/connection/cores.py,
// _handShake): header names and order as it writes them, the
// permessage-deflate offer, and a key of base64(os.urandom(128)).
func sdkV1Handshake(key string) string {
	const crlf = "\r\n"
	path := "/mqtt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20260101%2Fus-east-1%2Fiotdata%2Faws4_request" +
		"&X-Amz-Date=20260101T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=" + strings.Repeat("0", 64)
	return "GET " + path + " HTTP/1.1" + crlf +
		"Host: " + sdkV1Endpoint + crlf +
		"Connection: Upgrade" + crlf +
		"Upgrade: websocket" + crlf +
		"Sec-WebSocket-Version: 13" + crlf +
		"Sec-WebSocket-Protocol: mqttv3.1" + crlf +
		"Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits" + crlf +
		"sec-websocket-key: " + key + crlf + crlf
}

// sdkV1Verify is the SDK's _verifyWSSResponse: a lowercased status and
// Upgrade/Connection check, then the literal "sec-websocket-accept: ".
func sdkV1Verify(response []byte, key string) bool {
	raw := bytes.ToLower(bytes.TrimSpace(response))
	for _, want := range []string{"101 switching protocols", "upgrade: websocket", "connection: upgrade"} {
		if !bytes.Contains(raw, []byte(want)) {
			return false
		}
	}
	trimmed := bytes.TrimSpace(response)
	i := bytes.Index(trimmed, []byte("sec-websocket-accept: "))
	if i < 0 {
		return false
	}
	got, _, _ := bytes.Cut(trimmed[i+len("sec-websocket-accept: "):], []byte("\r\n"))
	sum := sha1.Sum([]byte(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	return string(bytes.TrimSpace(got)) == base64.StdEncoding.EncodeToString(sum[:])
}

// maskedFrame is a client's binary WebSocket frame (payload < 126 bytes).
func maskedFrame(payload []byte) []byte {
	mask := []byte{1, 2, 3, 4}
	out := append([]byte{0x82, 0x80 | byte(len(payload))}, mask...)
	for i, b := range payload {
		out = append(out, b^mask[i%4])
	}
	return out
}

// TestWebSocketAWSIoTPythonSDKv1Handshake replays the SDK's handshake over
// wss: its 128-byte key is accepted, the response passes the SDK's own
// check (one read of the lowercase headers), no compression is negotiated,
// and MQTT flows: CONNECT in a masked frame gets its CONNACK.
func TestWebSocketAWSIoTPythonSDKv1Handshake(t *testing.T) {
	emu := testkit.Start(t)
	raw := make([]byte, 128)
	_, _ = rand.Read(raw)
	key := base64.StdEncoding.EncodeToString(raw)

	c, err := tls.Dial("tcp", strings.TrimPrefix(emu.HTTPSEndpoint(), "https://"),
		&tls.Config{RootCAs: emu.CAPool(), ServerName: "localhost"})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Close() }()
	_ = c.SetDeadline(time.Now().Add(wait))
	if _, err := io.WriteString(c, sdkV1Handshake(key)); err != nil {
		t.Fatal(err)
	}
	// The SDK reads the response with one read(1024).
	buf := make([]byte, 1024)
	n, err := c.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	resp := buf[:n]
	if !sdkV1Verify(resp, key) {
		t.Fatalf("the SDK refuses the handshake response:\n%s", resp)
	}
	if bytes.Contains(bytes.ToLower(resp), []byte("permessage-deflate")) {
		t.Fatalf("compression negotiated, the SDK does not inflate:\n%s", resp)
	}
	connect := []byte{0x10, 0x0e, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3c, 0x00, 0x02, 'p', '1'}
	if _, err := c.Write(maskedFrame(connect)); err != nil {
		t.Fatal(err)
	}
	frame := make([]byte, 6)
	if _, err := io.ReadFull(bufio.NewReader(c), frame); err != nil {
		t.Fatal(err)
	}
	if want := []byte{0x82, 0x04, 0x20, 0x02, 0x00, 0x00}; !bytes.Equal(frame, want) {
		t.Fatalf("got frame % x, want a binary frame with CONNACK 0x00 (% x)", frame, want)
	}
}

// TestWebSocketBadKeyRefused: a key that is not base64 is refused with 400.
func TestWebSocketBadKeyRefused(t *testing.T) {
	emu := testkit.Start(t)
	c, err := net.Dial("tcp", strings.TrimPrefix(emu.Endpoint(), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Close() }()
	_ = c.SetDeadline(time.Now().Add(wait))
	req := strings.Replace(sdkV1Handshake("not base64!"), sdkV1Endpoint, "localhost", 1)
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	status, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || !strings.Contains(status, " 400 ") {
		t.Fatalf("status %q (%v), want 400", status, err)
	}
}

// sdkV1Script connects the AWS IoT Device SDK for Python v1 over
// WebSocket/SigV4 (as basicPubSub.py -w does), subscribes, publishes and
// prints the message it receives back.
const sdkV1Script = `
import sys, threading
from AWSIoTPythonSDK.MQTTLib import AWSIoTMQTTClient
host, port, ca = sys.argv[1], int(sys.argv[2]), sys.argv[3]
c = AWSIoTMQTTClient("sdkv1-ws", useWebsocket=True)
c.configureEndpoint(host, port)
c.configureCredentials(ca)
c.configureIAMCredentials("AKIDEXAMPLE", "secret")
c.configureConnectDisconnectTimeout(10)
c.configureMQTTOperationTimeout(10)
got = threading.Event()
def on_message(client, userdata, message):
    print("got", message.topic, message.payload.decode(), flush=True)
    got.set()
if not c.connect():
    sys.exit("connect failed")
c.subscribe("sdk/test/Python", 1, on_message)
c.publish("sdk/test/Python", "Hello World!", 1)
if not got.wait(10):
    sys.exit("no message")
c.disconnect()
`

// sdkV1Resolver resolves the AWS-style endpoint name to the loopback
// address (sitecustomize runs at interpreter start).
const sdkV1Resolver = `
import socket
_orig = socket.getaddrinfo
def _getaddrinfo(host, *args, **kwargs):
    if host == "` + sdkV1Endpoint + `":
        host = "127.0.0.1"
    return _orig(host, *args, **kwargs)
socket.getaddrinfo = _getaddrinfo
`

// TestWebSocketAWSIoTPythonSDKv1 runs the SDK itself (pure Python, from
// ../shared/companions) against the emulator's wss://…/mqtt.
func TestWebSocketAWSIoTPythonSDKv1(t *testing.T) {
	python := requireTool(t, "python3")
	sdk := companion(t, "aws-iot-device-sdk-python-c3c50cd.tar.gz")
	emu := testkit.Start(t, testkit.WithConfig(func(c *emulator.Config) { c.TLS.Hosts = []string{sdkV1Endpoint} }))
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	for name, body := range map[string][]byte{ca: emu.Server().CACertificatePEM(),
		filepath.Join(dir, "sitecustomize.py"): []byte(sdkV1Resolver), filepath.Join(dir, "pubsub.py"): []byte(sdkV1Script)} {
		if err := os.WriteFile(name, body, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(emu.HTTPSEndpoint(), "https://"))
	ctx, cancel := context.WithTimeout(context.Background(), 3*wait)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, filepath.Join(dir, "pubsub.py"), sdkV1Endpoint, port, ca)
	cmd.Env = append(os.Environ(), "PYTHONPATH="+dir+string(os.PathListSeparator)+sdk, "PYTHONDONTWRITEBYTECODE=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("SDK: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "got sdk/test/Python Hello World!") {
		t.Fatalf("SDK output:\n%s", out)
	}
}
