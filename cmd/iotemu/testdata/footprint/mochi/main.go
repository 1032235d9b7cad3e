// Bare mochi: a broker with one TCP listener, the footprint peer.
package main

import (
	"flag"
	"log"
	"os"
	"os/signal"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/listeners"
	"github.com/mochi-mqtt/server/v2/packets"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	flag.Parse()
	s := mqtt.New(nil)
	if err := s.AddHook(new(allow), nil); err != nil {
		log.Fatal(err)
	}
	if err := s.AddListener(listeners.NewTCP(listeners.Config{ID: "t", Address: *addr})); err != nil {
		log.Fatal(err)
	}
	if err := s.Serve(); err != nil {
		log.Fatal(err)
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	<-sig
	_ = s.Close()
}

// allow accepts every client (mochi's auth.AllowHook, without its ledger's yaml import).
type allow struct{ mqtt.HookBase }

func (allow) ID() string { return "allow" }
func (allow) Provides(b byte) bool {
	return b == mqtt.OnConnectAuthenticate || b == mqtt.OnACLCheck
}
func (allow) OnConnectAuthenticate(*mqtt.Client, packets.Packet) bool { return true }
func (allow) OnACLCheck(*mqtt.Client, string, bool) bool              { return true }
