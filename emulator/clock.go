package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/iotemu/iotemu/clock"
	"github.com/iotemu/iotemu/internal/awsrest"
)

// The emulator's clock over HTTP (iotemu's own API, not AWS's):
//
//	GET  /iotemu/clock                      {"now":"…","manual":true}
//	POST /iotemu/clock {"advance":"5m"}     moves a manual clock forward
//	POST /iotemu/clock {"set":"<RFC 3339>"} moves it to a later instant
//
// POST answers 409 unless Config.Clock is a *clock.Fake (the binary's
// -clock manual); every timer that falls due fires before it answers.

// clockBodyLimit bounds a POST /iotemu/clock body.
const clockBodyLimit = 4 << 10

// clockState is the answer of both methods.
type clockState struct {
	Now    time.Time `json:"now"`
	Manual bool      `json:"manual"`
}

// ManualClock returns the emulator's clock if it is a fake one.
func (s *Server) ManualClock() (*clock.Fake, bool) {
	f, ok := s.cfg.Clock.(*clock.Fake)
	return f, ok
}

func (s *Server) clockState() clockState {
	_, manual := s.ManualClock()
	return clockState{Now: s.cfg.Clock.Now().UTC(), Manual: manual}
}

func (s *Server) handleGetClock(w http.ResponseWriter, _ *http.Request) {
	writeJSONBody(w, http.StatusOK, s.clockState())
}

func (s *Server) handlePostClock(w http.ResponseWriter, r *http.Request) {
	fake, ok := s.ManualClock()
	if !ok {
		writeError(w, awsrest.Errorf(http.StatusConflict, "ConflictException",
			"the clock is the wall clock; start iotemu with -clock manual (emulator.Config.Clock = a *clock.Fake) to move it"))
		return
	}
	var in struct {
		Advance string `json:"advance"`
		Set     string `json:"set"`
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, clockBodyLimit+1))
	if err == nil && len(body) > clockBodyLimit {
		err = fmt.Errorf("body larger than %d bytes", clockBodyLimit)
	}
	if err == nil {
		err = json.Unmarshal(body, &in)
	}
	if err != nil {
		writeError(w, awsrest.Errorf(http.StatusBadRequest, awsrest.InvalidRequest, "clock request: %v", err))
		return
	}
	if err := s.moveClock(fake, in.Advance, in.Set); err != nil {
		writeError(w, awsrest.Errorf(http.StatusBadRequest, awsrest.InvalidRequest, "%v", err))
		return
	}
	writeJSONBody(w, http.StatusOK, s.clockState())
}

var errClockRequest = errors.New(`want {"advance":"<Go duration, e.g. 5m>"} or {"set":"<RFC 3339 time, not before now>"}`)

func (s *Server) moveClock(fake *clock.Fake, advance, set string) error {
	switch {
	case advance != "" && set == "":
		d, err := time.ParseDuration(advance)
		if err != nil || d < 0 {
			return fmt.Errorf("advance %q: %w", advance, errClockRequest)
		}
		s.log.Info("iotemu.clock advance", "by", d.String(), "to", fake.Now().Add(d).UTC())
		fake.Advance(d)
	case set != "" && advance == "":
		t, err := time.Parse(time.RFC3339Nano, set)
		if err != nil || t.Before(fake.Now()) {
			return fmt.Errorf("set %q: %w", set, errClockRequest)
		}
		s.log.Info("iotemu.clock set", "to", t.UTC())
		fake.Set(t)
	default:
		return errClockRequest
	}
	return nil
}

// writeJSONBody writes v as a JSON response.
func writeJSONBody(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // a client gone mid-answer has nothing to receive
}
