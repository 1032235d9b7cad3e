package eval

import (
	"context"
	"errors"
	"fmt"
	"sync"
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
	version sql.Version
	env     *Env
	ctx     context.Context
	fatal   error
	calls   map[string]int // once-per-statement external calls
	zones   map[string]*time.Location
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
	r := &rt{vm: goja.New()}
	r.vm.SetMaxCallStackSize(2000)
	_ = r.vm.Set("__rt", r.helpers())
	if _, err := r.vm.RunProgram(ev.prelude); err != nil {
		panic(fmt.Sprintf("eval: prelude failed: %v", err))
	}
	return r
}

func (ev *Evaluator) acquire(ctx context.Context, v sql.Version, env *Env) *rt {
	r := ev.pool.Get().(*rt)
	r.version, r.env, r.ctx, r.fatal, r.calls = v, env, ctx, nil, nil
	return r
}

func (ev *Evaluator) release(r *rt) {
	r.env, r.ctx, r.fatal = nil, nil, nil
	_ = r.vm.Set("__root", nil)
	_ = r.vm.Set("__vars", nil)
	ev.pool.Put(r)
}

// root converts the payload: JSON when it parses, else the raw bytes.
// AWS: binary-payloads.html.
func (r *rt) root(payload []byte) goja.Value {
	if v, err := r.parseJSON(payload); err == nil {
		return v
	}
	return r.vm.ToValue(r.vm.NewArrayBuffer(payload))
}

// run executes a program under the evaluation time limit and the context:
// vm.Interrupt stops a runaway expression and no goroutine outlives run.
func (ev *Evaluator) run(ctx context.Context, r *rt, p *goja.Program) (goja.Value, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("evaluate: %w", err)
	}
	if ev.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, ev.timeout)
		defer cancel()
	}
	done := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		defer close(done)
		r.vm.Interrupt(ErrTimeout)
	})
	v, err := r.vm.RunProgram(p)
	if !stop() {
		<-done
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
	_ = r.vm.Set("__root", r.root(env.Payload))
	v, err := ev.run(ctx, r, p.prog)
	if err != nil {
		return Outcome{}, err
	}
	if kindOf(v) != kArr {
		return Outcome{}, nil
	}
	pair := arrItems(v.(*goja.Object))
	out := pair[0]
	if p.selectValue && !p.version.Modern() && kindOf(out) == kArr {
		// AWS: iot-rule-sql-version.html (top-level arrays need 2016-03-23).
		return Outcome{}, errors.New("evaluate: SELECT VALUE of an array requires SQL version 2016-03-23")
	}
	return Outcome{Matched: true, Payload: r.marshal(out, true), Vars: r.marshal(pair[1], false)}, nil
}

// RunTemplate evaluates a substitution template against the original payload
// and the SET variables of the statement evaluation.
func (ev *Evaluator) RunTemplate(ctx context.Context, p *ExprProgram, env *Env, vars []byte) (string, error) {
	r := ev.acquire(ctx, p.version, env)
	defer ev.release(r)
	_ = r.vm.Set("__root", r.root(env.Payload))
	vv := goja.Value(r.newObj())
	if len(vars) > 0 {
		if parsed, err := r.parseJSON(vars); err == nil {
			vv = parsed
		}
	}
	_ = r.vm.Set("__vars", vv)
	v, err := ev.run(ctx, r, p.prog)
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
