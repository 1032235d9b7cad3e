package lambdafn

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// errClosed reports an invocation after Commands.Close.
var errClosed = errors.New("functions closed")

// pool is the execution environments of one command: at most
// MaxConcurrency processes, each running one invocation at a time; an idle
// one is reused, another is started when none is idle, as Lambda scales.
// AWS: https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html#understanding-concurrency
type pool struct {
	cmd         Command
	region      string
	log         *slog.Logger
	initTimeout time.Duration
	slots       chan struct{} // one per invocation in progress
	closing     chan struct{} // closed by close

	mu     sync.Mutex
	idle   []*environment
	live   map[*environment]struct{} // idle and busy
	closed bool
}

func newPool(c Command, region string, log *slog.Logger, initTimeout time.Duration) *pool {
	return &pool{
		cmd: c, region: region, log: log, initTimeout: initTimeout,
		slots: make(chan struct{}, c.MaxConcurrency), closing: make(chan struct{}),
		live: map[*environment]struct{}{},
	}
}

// invoke runs inv in an idle or a new environment once a slot is free.
// An environment whose process ended while idle is replaced and the
// invocation handed to a fresh one.
func (p *pool) invoke(ctx context.Context, inv *invocation) (outcome, error) {
	select {
	case p.slots <- struct{}{}:
	case <-p.closing:
		return outcome{}, fmt.Errorf("invoke %s: %w", p.cmd.Name, errClosed)
	case <-ctx.Done():
		return outcome{}, fmt.Errorf("invoke %s: %w", p.cmd.Name, ctx.Err())
	}
	defer func() { <-p.slots }()
	for {
		e, err := p.get()
		if err != nil {
			return outcome{}, err
		}
		o, ok, err := e.invoke(ctx, inv, p.initTimeout)
		if ok {
			p.put(e)
		} else {
			p.drop(e)
		}
		if !errors.Is(err, errRetired) {
			return o, err
		}
	}
}

// get takes an idle environment that is still alive, else starts one.
// The caller holds a slot, so live never exceeds MaxConcurrency.
func (p *pool) get() (*environment, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, fmt.Errorf("invoke %s: %w", p.cmd.Name, errClosed)
	}
	for len(p.idle) > 0 {
		e := p.idle[len(p.idle)-1]
		p.idle = p.idle[:len(p.idle)-1]
		if e.alive() {
			return e, nil
		}
		delete(p.live, e)
		e.stop() // exited already: stop only closes its server
	}
	e, err := startEnvironment(p.cmd, p.region, p.log)
	if err != nil {
		return nil, err
	}
	p.live[e] = struct{}{}
	return e, nil
}

func (p *pool) put(e *environment) {
	p.mu.Lock()
	if !p.closed {
		p.idle = append(p.idle, e)
		p.mu.Unlock()
		return
	}
	p.mu.Unlock()
	e.stop()
}

func (p *pool) drop(e *environment) {
	p.mu.Lock()
	delete(p.live, e)
	p.mu.Unlock()
	e.stop()
}

// close stops every process, idle or busy (a busy invocation then reports
// Runtime.ExitError), and waits for them. Idempotent.
func (p *pool) close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	close(p.closing)
	envs := make([]*environment, 0, len(p.live))
	for e := range p.live {
		envs = append(envs, e)
	}
	p.idle, p.live = nil, map[*environment]struct{}{}
	p.mu.Unlock()
	var wg sync.WaitGroup
	for _, e := range envs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e.stop()
		}()
	}
	wg.Wait()
}

// processes is how many processes the pool has running.
func (p *pool) processes() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.live)
}
