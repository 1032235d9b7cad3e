package user_test

import (
	"testing"

	"github.com/iotemu/iotemu/testkit"
)

// A minimal testkit user: one emulator, one publish.
func TestMinimal(t *testing.T) {
	emu := testkit.Start(t)
	_ = emu
}
