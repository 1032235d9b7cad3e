package eval

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/big"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dop251/goja"

	"github.com/iotemu/iotemu/rules/internal/sql"
)

// ErrTimeout is returned when an evaluation exceeds its time limit.
var ErrTimeout = errors.New("evaluation time limit exceeded")

// ErrUndefined, returned by an ExternalFunc, makes the function's result
// Undefined instead of failing the evaluation.
var ErrUndefined = errors.New("undefined result")

// ExtArg is one argument of an external function call: a String, another
// value as JSON text, or Undefined.
type ExtArg struct {
	IsString    bool
	IsUndefined bool
	Str         string
	JSON        []byte
}

// ExternalFunc performs an external function (aws_lambda, get_thing_shadow,
// ...) and returns its JSON result.
type ExternalFunc func(ctx context.Context, name string, args []ExtArg) ([]byte, error)

// Env is the per-message evaluation context read by context functions.
type Env struct {
	Topic           string // as seen by topic(): the Basic Ingest prefix removed
	Payload         []byte
	ClientID        string
	Principal       string
	AccountID       string
	SourceIP        string
	TraceID         string // "" means Undefined
	Timestamp       int64  // epoch milliseconds
	UserProperties  [][2]string
	ContentType     string
	ResponseTopic   string
	CorrelationData []byte
	PayloadFormat   string // "", "UNSPECIFIED_BYTES" or "UTF8_DATA"
	NewUUID         func() string
	Rand            func() float64
	External        ExternalFunc
}

// Outcome is the result of one statement evaluation.
type Outcome struct {
	Matched bool
	Payload []byte
	// Vars holds the SET variables as JSON, for substitution templates.
	Vars []byte
}

// Evaluator runs compiled programs on a pool of goja runtimes; a runtime is
// used by one goroutine at a time.
type Evaluator struct {
	pool    sync.Pool
	prelude *goja.Program
	timeout time.Duration
}

// NewEvaluator returns an evaluator whose evaluations are interrupted after
// timeout (0 means no limit other than the context).
func NewEvaluator(timeout time.Duration) (*Evaluator, error) {
	p, err := goja.Compile("prelude.js", preludeJS, false)
	if err != nil {
		return nil, fmt.Errorf("compile prelude: %w", err)
	}
	ev := &Evaluator{prelude: p, timeout: timeout}
	ev.pool.New = func() any { return ev.newRT() }
	return ev, nil
}

// rt is one pooled runtime plus the state of the evaluation it runs.
type rt struct {
	vm      *goja.Runtime
	helpers goja.Value // the `$` object
	fns     map[*goja.Program]goja.Callable

	// The evaluation being run.
	version sql.Version
	env     *Env
	ctx     context.Context
	fatal   error
	calls   map[string]int // once-per-statement external calls
	zones   map[string]*time.Location
	cur     *Program
	out     bytes.Buffer // the SELECT result, written by $.out/$.outf
	outKind kind
	vars    []byte
	scratch big.Int // see vInt64
	argv    []goja.Value

	// timer interrupts the evaluation at its time limit; it is made once
	// per runtime and reset per evaluation. interrupt signals fired once
	// per call, so that run can wait for a late one before the next
	// evaluation.
	timer *time.Timer
	fired chan struct{}
	// stop is set by interrupt, for Go-side loops (see charge); used is
	// what Go-side functions built in this evaluation.
	stop atomic.Bool
	used int
}

// zone resolves a zone id, caching per runtime (time.LoadLocation reads the
// embedded database on every call).
func (r *rt) zone(id string) (*time.Location, error) {
	if l, ok := r.zones[id]; ok {
		return l, nil
	}
	l, err := zoneByName(id)
	if err != nil {
		return nil, err
	}
	if r.zones == nil || len(r.zones) > 256 {
		r.zones = map[string]*time.Location{}
	}
	r.zones[id] = l
	return l, nil
}

func (ev *Evaluator) newRT() *rt {
	r := &rt{vm: goja.New(), fired: make(chan struct{}, 2)}
	r.vm.SetMaxCallStackSize(2000)
	r.helpers = r.helperObject()
	if _, err := r.vm.RunProgram(ev.prelude); err != nil {
		panic(fmt.Sprintf("eval: prelude failed: %v", err))
	}
	r.timer = time.AfterFunc(time.Hour, r.interrupt)
	r.timer.Stop()
	return r
}

// interrupt stops the running evaluation (time limit or context end).
func (r *rt) interrupt() {
	r.stop.Store(true)
	r.vm.Interrupt(ErrTimeout)
	r.fired <- struct{}{}
}

// fn returns the function a program evaluates to, made once per runtime.
func (r *rt) fn(p *goja.Program) (goja.Callable, error) {
	if f, ok := r.fns[p]; ok {
		return f, nil
	}
	v, err := r.vm.RunProgram(p)
	if err != nil {
		return nil, fmt.Errorf("evaluate: %w", err)
	}
	f, ok := goja.AssertFunction(v)
	if !ok {
		return nil, errors.New("evaluate: program is not a function")
	}
	if r.fns == nil || len(r.fns) >= maxCachedPrograms {
		r.fns = map[*goja.Program]goja.Callable{} // rules replaced many times: start over
	}
	r.fns[p] = f
	return f, nil
}

// maxCachedPrograms bounds the functions a runtime keeps.
const maxCachedPrograms = 4096

func (ev *Evaluator) acquire(ctx context.Context, v sql.Version, env *Env) *rt {
	r := ev.pool.Get().(*rt)
	r.version, r.env, r.ctx, r.fatal, r.calls = v, env, ctx, nil, nil
	r.out.Reset()
	r.outKind, r.vars, r.used = kUndef, nil, 0
	r.stop.Store(false)
	return r
}

func (ev *Evaluator) release(r *rt) {
	r.env, r.ctx, r.fatal, r.cur = nil, nil, nil, nil
	clear(r.argv) // let the payload's values go
	if r.out.Cap() > 64<<10 {
		r.out = bytes.Buffer{} // do not keep a large output alive in the pool
	}
	ev.pool.Put(r)
}

// args fills the function arguments after the fixed ones (the `$` object
// and extra): the converted payload (JSON when it parses, else the raw
// bytes), or only the members the program reads, one per parameter.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/binary-payloads.html
func (r *rt) args(payload []byte, use rootUse, extra ...goja.Value) []goja.Value {
	a := append(r.argv[:0], r.helpers, undef)
	a = append(a, extra...)
	switch {
	case use.all:
		if v, err := r.parseJSON(payload); err == nil {
			a[1] = v
		} else {
			a[1] = r.vm.ToValue(r.vm.NewArrayBuffer(payload))
		}
	case len(use.fields) > 0:
		n := len(a)
		for range use.fields {
			a = append(a, undef)
		}
		_ = r.parseFields(payload, use.fields, a[n:]) // not JSON: every member Undefined
	}
	r.argv = a
	return a
}

// run calls a compiled function under the evaluation time limit and the
// context: the runtime's timer (and, for a cancellable context, a context
// callback) interrupts a runaway expression; no goroutine outlives run.
func (ev *Evaluator) run(ctx context.Context, r *rt, fn goja.Callable, args ...goja.Value) (goja.Value, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("evaluate: %w", err)
	}
	if ev.timeout > 0 {
		r.timer.Reset(ev.timeout)
	}
	var stopCtx func() bool
	if ctx.Done() != nil {
		stopCtx = context.AfterFunc(ctx, r.interrupt)
	}
	v, err := fn(goja.Undefined(), args...)
	if ev.timeout > 0 && !r.timer.Stop() {
		<-r.fired
	}
	if stopCtx != nil && !stopCtx() {
		<-r.fired
	}
	r.vm.ClearInterrupt()
	if r.fatal != nil {
		return nil, r.fatal
	}
	var ie *goja.InterruptedError
	if errors.As(err, &ie) {
		if cerr := context.Cause(ctx); cerr != nil && !errors.Is(cerr, context.DeadlineExceeded) {
			return nil, fmt.Errorf("evaluate: %w", cerr)
		}
		return nil, fmt.Errorf("evaluate: %w", ErrTimeout)
	}
	if err != nil {
		return nil, fmt.Errorf("evaluate: %w", err)
	}
	return v, nil
}

// Run evaluates a statement for one message.
func (ev *Evaluator) Run(ctx context.Context, p *Program, env *Env) (Outcome, error) {
	r := ev.acquire(ctx, p.version, env)
	defer ev.release(r)
	fn, err := r.fn(p.prog)
	if err != nil {
		return Outcome{}, err
	}
	r.cur = p
	v, err := ev.run(ctx, r, fn, r.args(env.Payload, p.root)...)
	if err != nil {
		return Outcome{}, err
	}
	if kindOf(v) != kBool || !v.ToBoolean() {
		return Outcome{}, nil
	}
	if p.selectValue && !p.version.Modern() && r.outKind == kArr {
		// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-rule-sql-version.html
		// (top-level arrays need 2016-03-23).
		return Outcome{}, errors.New("evaluate: SELECT VALUE of an array requires SQL version 2016-03-23")
	}
	o := Outcome{Matched: true, Vars: r.vars}
	if r.out.Len() > 0 {
		o.Payload = bytes.Clone(r.out.Bytes())
	}
	return o, nil
}

// RunTemplate evaluates a substitution template against the original payload
// and the SET variables of the statement evaluation.
func (ev *Evaluator) RunTemplate(ctx context.Context, p *ExprProgram, env *Env, vars []byte) (string, error) {
	r := ev.acquire(ctx, p.version, env)
	defer ev.release(r)
	fn, err := r.fn(p.prog)
	if err != nil {
		return "", err
	}
	vv := undef
	if len(vars) > 0 {
		if parsed, err := r.parseJSON(vars); err == nil {
			vv = parsed
		}
	}
	v, err := ev.run(ctx, r, fn, r.args(env.Payload, p.root, vv)...)
	if err != nil {
		return "", err
	}
	return v.String(), nil
}

// fail aborts the evaluation with err (external function failures).
func (r *rt) fail(err error) goja.Value {
	r.fatal = err
	panic(r.vm.NewGoError(err))
}
