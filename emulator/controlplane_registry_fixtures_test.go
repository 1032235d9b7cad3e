package emulator_test

import (
	"crypto/tls"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iotemu/iotemu/emulator"
	"github.com/iotemu/iotemu/fixtures"
	"github.com/iotemu/iotemu/testkit"
)

const registryFixtures = `
thingTypes: [{name: sensor}]
thingGroups:
  - {name: building}
  - {name: floor1, parent: building, policies: [fleet]}
things:
  - {name: dev-1, type: sensor, attributes: {model: x1}, groups: [floor1]}
policies:
  - name: device
    document: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "iot:*", Resource: "*"}]}
  - name: fleet
    document: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Publish","Resource":"*"}]}'
certificates:
  - {name: dev-1, policies: [device], things: [dev-1]}
  - {name: spare, status: INACTIVE}
`

// TestRegistryFixtures: the fixtures create the registry, generate the
// certificates into CertsDir, and a device connects with the files.
func TestRegistryFixtures(t *testing.T) {
	t.Parallel()
	set, err := fixtures.Parse(strings.NewReader(registryFixtures))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	emu := testkit.Start(t, testkit.WithConfig(func(c *emulator.Config) {
		c.Fixtures, c.CertsDir, c.Compat.ECDSAKeysAndCertificate = set, dir, true
	}))
	certPEM, err := os.ReadFile(filepath.Join(dir, "dev-1-certificate.pem.crt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"dev-1-private.pem.key", "dev-1-public.pem.key", "spare-certificate.pem.crt", "ca.pem"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
	pair, err := tls.LoadX509KeyPair(filepath.Join(dir, "dev-1-certificate.pem.crt"), filepath.Join(dir, "dev-1-private.pem.key"))
	if err != nil {
		t.Fatal(err)
	}
	id, err := emu.Registry().IdentityForCertificate(pair.Certificate[0], "dev-1")
	if err != nil {
		t.Fatal(err)
	}
	if id.Certificate.Status != "ACTIVE" || !id.ThingAttached || id.Thing.TypeName != "sensor" ||
		strings.Join(id.ThingGroups, ",") != "building,floor1" || len(id.Policies) != 2 || id.Certificate.PEM != string(certPEM) {
		t.Fatalf("identity: %+v", id)
	}
	dev := testkit.Device{ThingName: "dev-1", TLSConfig: &tls.Config{RootCAs: emu.CAPool(), Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}}
	c := emu.Connect(t, "dev-1", emu.AsDevice(dev))
	inbox := c.Subscribe(t, "fx/t", 1)
	c.Publish(t, "fx/t", 1, false, []byte("x"))
	if m := inbox.Next(t, wait); string(m.Payload) != "x" {
		t.Fatalf("got %q", m.Payload)
	}
}

// TestRegistryFixtureErrors: every bad entry is reported.
func TestRegistryFixtureErrors(t *testing.T) {
	set, err := fixtures.Parse(strings.NewReader(`
things: [{name: a, type: missing}, {name: "bad name"}]
policies: [{name: p, document: "{"}]
certificates: [{name: c, policies: [nope]}, {name: d, certificatePem: "junk"}]
`))
	if err != nil {
		t.Fatal(err)
	}
	_, err = emulator.New(emulator.Config{Fixtures: set, Compat: emulator.Compat{ECDSAKeysAndCertificate: true}})
	if err == nil {
		t.Fatal("New: got nil error")
	}
	for _, want := range []string{"things[0] (a)", "things[1] (bad name)", "policies[0] (p)", "certificates[0] (c)", "certificates[1] (d)"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not mention %s", err, want)
		}
	}
}
