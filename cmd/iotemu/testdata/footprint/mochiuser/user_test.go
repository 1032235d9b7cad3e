package mochiuser_test

import (
	"testing"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/listeners"
)

// The peer of a minimal testkit user: a test that starts a bare mochi
// broker with one listener.
func TestMinimal(t *testing.T) {
	s := mqtt.New(nil)
	if err := s.AddListener(listeners.NewTCP(listeners.Config{ID: "t", Address: "127.0.0.1:0"})); err != nil {
		t.Fatal(err)
	}
	if err := s.Serve(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
}
