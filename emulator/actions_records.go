package emulator

import (
	"context"
	"fmt"
	"net/http"
	"sync"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/rules"
)

// DefaultActionRecords is the size of the ring of action records when
// Config.ActionRecords is zero.
const DefaultActionRecords = 1000

// actionRecords is a bounded ring of the latest action executions, with a
// channel closed at each append so that waiters need no polling.
type actionRecords struct {
	mu      sync.Mutex
	ring    []rules.ActionRecord
	next    int  // where the next record goes
	full    bool // the ring has wrapped
	changed chan struct{}
}

func newActionRecords(size int) *actionRecords {
	if size <= 0 {
		size = DefaultActionRecords
	}
	return &actionRecords{ring: make([]rules.ActionRecord, size), changed: make(chan struct{})}
}

func (r *actionRecords) add(rec rules.ActionRecord) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ring[r.next] = rec
	r.next = (r.next + 1) % len(r.ring)
	r.full = r.full || r.next == 0
	close(r.changed)
	r.changed = make(chan struct{})
}

// reset forgets every record.
func (r *actionRecords) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	clear(r.ring)
	r.next, r.full = 0, false
}

// list returns the records of a rule ("" for all), oldest first, and the
// channel closed by the next append.
func (r *actionRecords) list(rule string) ([]rules.ActionRecord, <-chan struct{}) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []rules.ActionRecord
	start, n := 0, r.next
	if r.full {
		start, n = r.next, len(r.ring)
	}
	for i := range n {
		rec := r.ring[(start+i)%len(r.ring)]
		if rule == "" || rec.Rule == rule {
			out = append(out, rec)
		}
	}
	return out, r.changed
}

// ActionRecords returns the latest action executions of a rule ("" for
// every rule), oldest first: rule, action type, rendered request, result
// or error, time and trace ID. The ring keeps Config.ActionRecords.
func (s *Server) ActionRecords(rule string) []rules.ActionRecord {
	recs, _ := s.records.list(rule)
	return recs
}

// WaitActionRecord returns the first record (oldest first) for which
// match is true, waiting for new records until ctx is done.
func (s *Server) WaitActionRecord(ctx context.Context, match func(rules.ActionRecord) bool) (rules.ActionRecord, error) {
	for {
		recs, changed := s.records.list("")
		for _, r := range recs {
			if match(r) {
				return r, nil
			}
		}
		select {
		case <-ctx.Done():
			return rules.ActionRecord{}, fmt.Errorf("wait for action record: %w", ctx.Err())
		case <-changed:
		}
	}
}

// handleActionRecords serves GET /iotemu/actions?rule=&type= → {"records":
// [...]}, an iotemu extension (no AWS API reads rule action executions).
func (s *Server) handleActionRecords(w http.ResponseWriter, r *http.Request) {
	recs, _ := s.records.list(r.URL.Query().Get("rule"))
	out := struct {
		Records []rules.ActionRecord `json:"records"`
	}{Records: []rules.ActionRecord{}}
	typ := r.URL.Query().Get("type")
	for _, rec := range recs {
		if typ == "" || rec.Type == typ {
			out.Records = append(out.Records, rec)
		}
	}
	awsrest.WriteJSON(w, requestID(w), out)
}
