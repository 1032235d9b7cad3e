package emulator_test

import (
	"bufio"
	"crypto/tls"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/iotemu/iotemu/testkit"
)

// scanLines sends r's lines on a channel, closed at EOF.
func scanLines(r io.Reader) <-chan string {
	lines := make(chan string)
	go func() { // ends when the process's output closes (Cleanup kills it)
		defer close(lines)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	return lines
}

// waitLines reads lines until one contains want and returns those read.
func waitLines(t *testing.T, lines <-chan string, want string) []string {
	t.Helper()
	deadline := time.After(15 * time.Second)
	var seen []string
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("output ended before %q:\n%s", want, strings.Join(seen, "\n"))
			}
			seen = append(seen, l)
			if strings.Contains(l, want) {
				return seen
			}
		case <-deadline:
			t.Fatalf("no %q within 15 s:\n%s", want, strings.Join(seen, "\n"))
		}
	}
}

// bystander is a registered device connected over TLS during a strict
// test: check proves the broker still serves other clients.
type bystander struct {
	c  *testkit.Client
	in *testkit.Inbox
	n  int
}

func strictBystander(t *testing.T, emu *testkit.Emulator) *bystander {
	t.Helper()
	d := emu.CreateDevice(t, "bystander", testkit.AllowAllPolicy)
	c := emu.Connect(t, "bystander", emu.AsDevice(d))
	return &bystander{c: c, in: c.Subscribe(t, "bystander/check", 1)}
}

func (b *bystander) check(t *testing.T) {
	t.Helper()
	b.n++
	want := strings.Repeat("x", b.n)
	b.c.Publish(t, "bystander/check", 1, false, []byte(want))
	if got := b.in.Next(t, wait); string(got.Payload) != want {
		t.Fatalf("bystander got %q, want %q", got.Payload, want)
	}
}

// deviceTLS is a device's TLS configuration for raw and paho.golang clients.
func deviceTLS(d testkit.Device) *tls.Config { return d.TLSConfig.Clone() }
