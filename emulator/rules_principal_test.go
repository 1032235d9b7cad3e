package emulator_test

import (
	"strings"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"

	"github.com/iotemu/iotemu/testkit"
)

// principalOfRule publishes {} on topic with c and returns principal() as
// the rule saw it.
func principalOfRule(t *testing.T, emu *testkit.Emulator, c paho.Client, topic string) string {
	t.Helper()
	rec := recordRule(t, emu, "principal_"+strings.NewReplacer("/", "_", "-", "_").Replace(topic),
		"SELECT principal() AS p FROM '"+topic+"'")
	if tok := c.Publish(topic, 1, false, "{}"); !tok.WaitTimeout(wait) || tok.Error() != nil {
		t.Fatalf("publish %s: %v", topic, tok.Error())
	}
	outs, err := rec.WaitN(1, wait)
	if err != nil {
		t.Fatal(err)
	}
	return outs[0].Message.Principal
}

// connectedPrincipal returns the principalIdentifier of clientID's
// connected event.
func connectedPrincipal(t *testing.T, rec *recorder, clientID string) string {
	t.Helper()
	msgs := rec.waitFor(t, "$aws/events/presence/connected/"+clientID)
	p, _ := event(t, msgs[len(msgs)-1])["principalIdentifier"].(string)
	return p
}

// TestPrincipalOverMutualTLS: principal() of an mTLS client is its
// certificate ID, as in its connected event (it was empty: the type
// assertion looked for a *tls.Conn inside the broker's wrapper).
func TestPrincipalOverMutualTLS(t *testing.T) {
	emu := testkit.Start(t)
	events := record(t, emu, "$aws/events/presence/connected/+")
	c := emu.Connect(t, "dev-mtls", emu.OverTLS(t))
	want := connectedPrincipal(t, events, "dev-mtls")
	if len(want) != 64 {
		t.Fatalf("connected event principalIdentifier %q, want a certificate ID", want)
	}
	if got := principalOfRule(t, emu, c.Paho(), "p/mtls"); got != want {
		t.Fatalf("principal() = %q, want %q", got, want)
	}
	// An anonymous client of the permissive mode has no principal().
	anon := emu.Connect(t, "dev-anon")
	if got := principalOfRule(t, emu, anon.Paho(), "p/anon"); got != "" {
		t.Fatalf("anonymous principal() = %q, want none", got)
	}
}

// TestPrincipalOverSigV4: principal() of a SigV4 WebSocket client is its
// connected event's principalIdentifier.
func TestPrincipalOverSigV4(t *testing.T) {
	emu, _ := strictSigV4(t)
	events := record(t, emu, "$aws/events/presence/connected/+")
	host := strings.TrimSuffix(strings.TrimPrefix(emu.WebSocketURL(), "ws://"), "/mqtt")
	c := emu.Connect(t, "dev-sigv4", testkit.WithPahoOptions(func(o *paho.ClientOptions) {
		o.Servers = nil
		o.AddBroker(presignWS(host, webCredential, time.Now()))
	}))
	want := connectedPrincipal(t, events, "dev-sigv4")
	if want == "" {
		t.Fatal("connected event has no principalIdentifier")
	}
	if got := principalOfRule(t, emu, c.Paho(), "web/p"); got != want {
		t.Fatalf("principal() = %q, want %q", got, want)
	}
}

// TestPrincipalOverCustomAuthorizer: principal() is the authorizer's
// principalId.
func TestPrincipalOverCustomAuthorizer(t *testing.T) {
	emu := startCustomAuth(t)
	events := record(t, emu.Emulator, "$aws/events/presence/connected/+")
	c, err := dial311(t, emu.MQTTURL(), "dev-ca", username("tok", "ivy", nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := connectedPrincipal(t, events, "dev-ca"); want != "ivy" {
		t.Fatalf("connected event principalIdentifier %q, want ivy", want)
	}
	if got := principalOfRule(t, emu.Emulator, c, "devices/ivy/p"); got != "ivy" {
		t.Fatalf("principal() = %q, want ivy", got)
	}
}
