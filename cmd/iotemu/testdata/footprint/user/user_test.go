package user_test

import (
	"testing"

	"github.com/iotemu/iotemu/emulator"
	"github.com/iotemu/iotemu/testkit"
)

// A minimal testkit user: one emulator, one publish.
func TestMinimal(t *testing.T) {
	emu := testkit.Start(t)
	if err := emu.Server().Publish(t.Context(), emulator.Message{Topic: "t", Payload: []byte("x")}); err != nil {
		t.Fatal(err)
	}
}
