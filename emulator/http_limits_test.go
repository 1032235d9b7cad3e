package emulator_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iotemu/iotemu/emulator"
	"github.com/iotemu/iotemu/testkit"
)

// TestPostToConnectionHugeBodyAWSCLI: the AWS CLI posting 10 MB to
// @connections gets AWS's 413 PayloadTooLargeException, not a reset
// connection (issue 13).
func TestPostToConnectionHugeBodyAWSCLI(t *testing.T) {
	cli := awsCLI(t)
	emu := testkit.Start(t)
	data := filepath.Join(t.TempDir(), "data")
	if err := os.WriteFile(data, bytes.Repeat([]byte{'x'}, 10<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(cli, "apigatewaymanagementapi", "post-to-connection", "--endpoint-url", emu.ConnectionsEndpoint("dev"),
		"--connection-id", "abc", "--data", "fileb://"+data, "--cli-read-timeout", "30", "--cli-connect-timeout", "10")
	cmd.Env = append(awsEnv(), "AWS_MAX_ATTEMPTS=1")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "PayloadTooLargeException") {
		t.Fatalf("post-to-connection of 10 MB: %v\n%s\nwant PayloadTooLargeException", err, out)
	}
}

// TestHTTPNeverEndingChunkedBody: a publish whose chunked body never ends
// is refused (413, the body being capped as it is read) or cut, within a
// bound, and holds up nobody meanwhile.
func TestHTTPNeverEndingChunkedBody(t *testing.T) {
	emu := testkit.Start(t)
	b := newBystander(t, emu, "chunked/t")
	c, err := net.Dial("tcp", strings.TrimPrefix(emu.Server().HTTPURL(), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, "POST /topics/chunked%2Ft HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	chunk := fmt.Appendf(nil, "%x\r\n%s\r\n", 64<<10, bytes.Repeat([]byte{'x'}, 64<<10))
	sent := make(chan int64, 1)
	go func() { // ends when the server closes the connection
		var n int64
		_ = c.SetWriteDeadline(time.Now().Add(burstWait))
		for {
			if _, err := c.Write(chunk); err != nil {
				sent <- n
				return
			}
			n += int64(len(chunk))
		}
	}()
	b.check(t)
	_ = c.SetReadDeadline(time.Now().Add(wait))
	status, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		var ne net.Error
		if ok := asNetError(err, &ne); ok && ne.Timeout() {
			t.Fatalf("no answer and not closed within %v", wait)
		}
	} else if !strings.Contains(status, "413") {
		t.Fatalf("status %q, want 413", status)
	}
	_ = c.Close()
	t.Logf("answer %q after %d MB sent", strings.TrimSpace(status), <-sent>>20)
	b.check(t)
}

// TestHTTPSlowBodies: 100 requests whose bodies stop half-way are cut
// after HTTPTimeouts.Read, and the bystander is served meanwhile; an idle
// kept-alive connection is closed after HTTPTimeouts.Idle.
func TestHTTPSlowBodies(t *testing.T) {
	emu := testkit.Start(t, testkit.WithConfig(func(c *emulator.Config) {
		c.HTTPTimeouts = emulator.HTTPTimeouts{Read: time.Second, Idle: time.Second}
	}))
	b := newBystander(t, emu, "slow/t")
	host := strings.TrimPrefix(emu.Server().HTTPURL(), "http://")
	var conns []net.Conn
	for range 100 {
		c, err := net.Dial("tcp", host)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := io.WriteString(c, "POST /topics/slow HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\nsome"); err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	b.check(t)
	for _, c := range conns {
		_ = c.SetReadDeadline(time.Now().Add(wait))
		if _, err := io.ReadAll(c); err != nil {
			t.Fatalf("slow body not cut within %v: %v", wait, err)
		}
	}
	// Idle: one request served, then nothing; the server closes.
	c, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(wait))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(resp.Body); err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	start := time.Now()
	if _, err := c.Read(make([]byte, 1)); err == nil {
		t.Fatal("read a byte from an idle connection")
	} else if time.Since(start) >= wait {
		t.Fatalf("idle connection not closed: %v", err)
	}
}

// TestValidationErrorTruncatesName: a 100,000-character thing name is
// refused with a message that echoes a bounded part of it (issue 13: it
// came back whole).
func TestValidationErrorTruncatesName(t *testing.T) {
	emu := testkit.Start(t)
	name := strings.Repeat("n", 100000)
	for _, c := range [][2]string{{http.MethodPost, "/things/x/shadow?name=" + name}, {http.MethodGet, "/connections/" + name},
		{http.MethodPost, "/rules/" + name}, {http.MethodGet, "/retainedMessage/" + name}, {http.MethodPost, "/things/" + name}} {
		method, path := c[0], c[1]
		req, err := http.NewRequest(method, emu.Server().HTTPURL()+path, strings.NewReader(`{"topicRulePayload":{"sql":"SELECT * FROM 'a'","actions":[]}}`))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode < 400 || len(body) > 4096 {
			t.Errorf("%s %.30s…: %s with a %d-byte body, want an error of at most 4 KB", method, path, resp.Status, len(body))
		}
	}
}
