package lambdafn

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"time"
)

// invocation is one event handed to an execution environment. Its fields
// are set before it is handed over and read only afterwards.
type invocation struct {
	id, arn, traceID string
	payload          []byte
	done             chan outcome // buffered: the one answer of the runtime
}

// environment is one execution environment: a process of the command and
// the Runtime API it polls, on a loopback port of its own (the Runtime API
// names no function, so each process needs its own). It runs one
// invocation at a time, as on Lambda. It owns two goroutines, the HTTP
// server's and the process's Wait; stop ends both.
// AWS: https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html#runtimes-api
type environment struct {
	cmd     Command
	timeout time.Duration
	next    chan *invocation // unbuffered: taken by GET /next
	initErr chan outcome     // an /init/error with no invocation in hand

	mu      sync.Mutex
	current *invocation // handed to the runtime, not answered yet
	served  int         // invocations handed over

	srv       *http.Server
	serveDone chan struct{} // closed when the HTTP server has returned
	proc      *exec.Cmd
	exited    chan struct{} // closed when the process has been waited for
	waitErr   error         // set before exited is closed
	stopOnce  sync.Once
	logStdout *lineLog
	logStderr *lineLog
}

// errRetired reports a warm environment whose process ended between two
// invocations (aws-lambda-go exits after a handler panic): the invocation
// was not handed over and may go to a fresh environment.
var errRetired = errors.New("execution environment retired")

// startEnvironment listens on a loopback port, starts the process with
// AWS_LAMBDA_RUNTIME_API pointing at it, and serves its Runtime API.
func startEnvironment(c Command, region string, log *slog.Logger) (*environment, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("start %s: listen: %w", c.Name, err)
	}
	e := &environment{
		cmd: c, timeout: c.Timeout, next: make(chan *invocation), initErr: make(chan outcome, 1),
		serveDone: make(chan struct{}), exited: make(chan struct{}),
		logStdout: newLineLog(log, c.Name, "stdout"), logStderr: newLineLog(log, c.Name, "stderr"),
	}
	e.srv = &http.Server{Handler: e.routes(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(e.serveDone)
		_ = e.srv.Serve(ln) // always ErrServerClosed after stop
	}()
	e.proc = exec.Command(c.Path, c.Args...)
	e.proc.Dir, e.proc.Env = c.Dir, c.environ(os.Getenv, region, ln.Addr().String())
	e.proc.Stdout, e.proc.Stderr = e.logStdout, e.logStderr
	// Output copying ends this long after the process, even when a child
	// of it still holds the pipes.
	e.proc.WaitDelay = time.Second
	ownProcessGroup(e.proc)
	if err := e.proc.Start(); err != nil {
		_ = e.srv.Close()
		<-e.serveDone
		return nil, fmt.Errorf("start %s: %w", c.Name, err)
	}
	go e.wait()
	return e, nil
}

func (e *environment) wait() {
	err := e.proc.Wait()
	e.logStdout.flush()
	e.logStderr.flush()
	e.waitErr = err
	close(e.exited)
}

// alive reports whether the process is still running.
func (e *environment) alive() bool {
	select {
	case <-e.exited:
		return false
	default:
		return true
	}
}

// stop kills the process (and its process group) and waits for it and
// for the Runtime API server. Idempotent.
func (e *environment) stop() {
	e.stopOnce.Do(func() {
		killProcessGroup(e.proc)
		<-e.exited
		_ = e.srv.Close()
		<-e.serveDone
	})
}

// invoke hands inv to the runtime and waits for its answer, the function's
// timeout, the process's end or ctx. ok false means the environment must
// be reset (stopped and not reused).
func (e *environment) invoke(ctx context.Context, inv *invocation, initTimeout time.Duration) (o outcome, ok bool, err error) {
	if o, ok, handed, err := e.handOver(ctx, inv, initTimeout); !handed {
		return o, ok, err
	}
	timer := time.NewTimer(e.timeout)
	defer timer.Stop()
	select {
	case o := <-inv.done:
		return o, !o.reset, nil
	case <-e.exited:
		select {
		case o := <-inv.done: // answered, then exited (a panic in aws-lambda-go)
			return o, false, nil
		default:
			return exited(inv.id, e.waitErr), false, nil
		}
	case <-timer.C:
		return timedOut(inv.id, e.timeout), false, nil
	case <-ctx.Done():
		// The function runs on, as on Lambda, but nobody waits for it;
		// the environment is reset rather than left busy.
		return outcome{}, false, fmt.Errorf("invoke %s: %w", e.cmd.Name, ctx.Err())
	}
}

// handOver waits for the runtime's GET /next to take inv, bounded by
// Lambda's Init phase limit on a fresh process.
// AWS: https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html#runtimes-lifecycle
func (e *environment) handOver(ctx context.Context, inv *invocation, initTimeout time.Duration) (o outcome, ok, handed bool, err error) {
	e.mu.Lock()
	warm := e.served > 0
	e.mu.Unlock()
	timer := time.NewTimer(initTimeout)
	defer timer.Stop()
	select {
	case e.next <- inv:
		return outcome{}, true, true, nil
	case o := <-e.initErr:
		return withReset(o), false, false, nil
	case <-e.exited:
		select {
		case o := <-e.initErr: // reported, then exited: the report is the answer
			return withReset(o), false, false, nil
		default:
		}
		if warm {
			return outcome{}, false, false, errRetired
		}
		return exited(inv.id, e.waitErr), false, false, nil
	case <-timer.C:
		return timedOut(inv.id, initTimeout), false, false, nil
	case <-ctx.Done():
		return outcome{}, true, false, fmt.Errorf("invoke %s: %w", e.cmd.Name, ctx.Err())
	}
}

func withReset(o outcome) outcome {
	o.reset = true
	return o
}

// take records inv as handed to the runtime (GET /next).
func (e *environment) take(inv *invocation) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.current = inv
	e.served++
}

// answer delivers the runtime's answer for request id; false means no
// invocation of that id is waiting.
func (e *environment) answer(id string, o outcome) bool {
	e.mu.Lock()
	inv := e.current
	if inv == nil || inv.id != id {
		e.mu.Unlock()
		return false
	}
	e.current = nil
	e.mu.Unlock()
	inv.done <- o // buffered, and answered once: current is cleared
	return true
}

// failInit delivers an /init/error: to the invocation in hand, else to
// the next hand-over.
func (e *environment) failInit(o outcome) {
	o = withReset(o)
	e.mu.Lock()
	inv := e.current
	e.current = nil
	e.mu.Unlock()
	if inv != nil {
		inv.done <- o
		return
	}
	select {
	case e.initErr <- o:
	default: // one init error is enough
	}
}
