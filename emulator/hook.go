package emulator

import (
	"bytes"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
)

// hook is the emulator's only mochi hook: every AWS rule that mochi does not
// apply by itself is applied here.
type hook struct {
	mqtt.HookBase
	server *Server
}

func (h *hook) ID() string { return "iotemu" }

func (h *hook) Provides(b byte) bool {
	return bytes.Contains([]byte{
		mqtt.OnConnectAuthenticate,
		mqtt.OnACLCheck,
	}, []byte{b})
}

// OnConnectAuthenticate admits every client: in the default permissive mode
// anyone may connect, as with an AWS policy allowing iot:Connect on *.
func (h *hook) OnConnectAuthenticate(*mqtt.Client, packets.Packet) bool { return true }

// OnACLCheck allows every publish and subscribe in permissive mode.
func (h *hook) OnACLCheck(*mqtt.Client, string, bool) bool { return true }
