package emulator_test

import (
	"testing"

	paho5 "github.com/eclipse/paho.golang/paho"

	"github.com/iotemu/iotemu/testkit"
)

// TestREADMEStrictPolicyIsAttached: the README's strict-mode policy keeps
// iot:Connection.Thing.IsAttached, because ${iot:Connection.Thing.ThingName}
// is the client ID the device chose: without the condition, lamp-1's
// certificate connects as lamp-2 (on AWS as here); with it, it is refused.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/thing-policy-variables.html
func TestREADMEStrictPolicyIsAttached(t *testing.T) {
	t.Parallel()
	const connectAny = `{"Effect":"Allow","Action":"iot:Connect","Resource":"arn:aws:iot:us-east-1:123456789012:client/${iot:Connection.Thing.ThingName}"`
	unsafe := `{"Version":"2012-10-17","Statement":[` + connectAny + `}]}`
	safe := `{"Version":"2012-10-17","Statement":[` + connectAny + `,
   "Condition":{"Bool":{"iot:Connection.Thing.IsAttached":"true"}}}]}`
	emu := testkit.Start(t, testkit.WithStrictAuth())
	emu.CreateDevice(t, "lamp-2", "")
	loose := emu.CreateDevice(t, "lamp-1", unsafe)
	strict := emu.CreateDevice(t, "lamp-3", safe)
	for _, c := range []struct {
		name     string
		dev      testkit.Device
		clientID string
		want     byte
	}{
		{"without IsAttached, as another thing", loose, "lamp-2", 0},
		{"with IsAttached, as another thing", strict, "lamp-2", 0x87},
		{"with IsAttached, as its own thing", strict, "lamp-3", 0},
	} {
		if code := connack5(t, emu, deviceTLS(c.dev), &paho5.Connect{ClientID: c.clientID, CleanStart: true, KeepAlive: 30}); code != c.want {
			t.Errorf("%s: CONNACK %#x, want %#x", c.name, code, c.want)
		}
	}
}
