package rules

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Recorder is an Action that records every output, for Go tests. It is safe
// for concurrent use; Wait blocks until enough outputs arrived (no sleeps).
type Recorder struct {
	mu      sync.Mutex
	outs    []Output
	changed chan struct{}
}

var _ Action = (*Recorder)(nil)

// Do records out.
func (r *Recorder) Do(_ context.Context, out Output) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.outs = append(r.outs, out)
	if r.changed != nil {
		close(r.changed)
		r.changed = nil
	}
	return nil
}

// Outputs returns a copy of the recorded outputs.
func (r *Recorder) Outputs() []Output {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Output(nil), r.outs...)
}

// Payloads returns the recorded payloads.
func (r *Recorder) Payloads() [][]byte {
	outs := r.Outputs()
	p := make([][]byte, len(outs))
	for i, o := range outs {
		p[i] = o.Payload
	}
	return p
}

// Reset forgets the recorded outputs.
func (r *Recorder) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.outs = nil
}

// Wait returns the recorded outputs once there are at least n, or an error
// when ctx is done first.
func (r *Recorder) Wait(ctx context.Context, n int) ([]Output, error) {
	for {
		r.mu.Lock()
		if len(r.outs) >= n {
			outs := append([]Output(nil), r.outs...)
			r.mu.Unlock()
			return outs, nil
		}
		if r.changed == nil {
			r.changed = make(chan struct{})
		}
		ch, got := r.changed, len(r.outs)
		r.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, fmt.Errorf("wait for %d outputs (got %d): %w", n, got, ctx.Err())
		}
	}
}

// WaitN is Wait with a timeout.
func (r *Recorder) WaitN(n int, timeout time.Duration) ([]Output, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return r.Wait(ctx, n)
}
