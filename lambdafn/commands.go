package lambdafn

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/iotemu/iotemu/internal/awsid"
)

// DefaultInitTimeout is Lambda's limit on the Init phase: a process must
// ask for its first event within it.
// AWS: https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html#runtimes-lifecycle
const DefaultInitTimeout = 10 * time.Second

// CommandsConfig configures Commands; zero fields get defaults.
type CommandsConfig struct {
	Region    string // AWS_REGION and the invoked ARN's region, default "us-east-1"
	AccountID string // default "123456789012"
	// Logger receives each line of the processes' stdout and stderr, with
	// the function's name (nil: discarded).
	Logger *slog.Logger
	// NewRequestID makes each invocation's request ID (nil: random UUIDs).
	NewRequestID func() string
	// InitTimeout bounds a new process's start until its first GET /next
	// (default DefaultInitTimeout).
	InitTimeout time.Duration
}

// Commands runs functions as commands: the user's own Lambda executables,
// each process an execution environment polling a Runtime API that
// Commands serves on loopback. Its owner must Close it, which stops every
// process. It is safe for concurrent use.
type Commands struct {
	cfg CommandsConfig

	mu     sync.RWMutex
	fns    map[string]*pool
	closed bool
}

// NewCommands returns Commands with no function.
func NewCommands(cfg CommandsConfig) *Commands {
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.AccountID == "" {
		cfg.AccountID = "123456789012"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.NewRequestID == nil {
		cfg.NewRequestID = awsid.NewUUID
	}
	if cfg.InitTimeout <= 0 {
		cfg.InitTimeout = DefaultInitTimeout
	}
	return &Commands{cfg: cfg, fns: map[string]*pool{}}
}

// Register adds a function run as a command. No process starts until
// the function is invoked. A name registered already is an error, as
// Lambda's ResourceConflictException.
func (c *Commands) Register(cmd Command) error {
	cmd, err := cmd.withDefaults()
	if err != nil {
		return fmt.Errorf("register: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return fmt.Errorf("register %s: %w", cmd.Name, errClosed)
	}
	if _, ok := c.fns[cmd.Name]; ok {
		return fmt.Errorf("register %s: ResourceConflictException: Function already exist: %s", cmd.Name, cmd.Name)
	}
	c.fns[cmd.Name] = newPool(cmd, c.cfg.Region, c.cfg.Logger, c.cfg.InitTimeout)
	return nil
}

// Has reports whether a command is registered under the function's name
// (resolved from a name, full or partial ARN as the Registry does).
func (c *Commands) Has(function string) bool {
	return c.pool(function) != nil
}

// Names lists the functions run as commands, sorted.
func (c *Commands) Names() []string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]string, 0, len(c.fns))
	for n := range c.fns {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Processes returns how many processes of the function are running.
func (c *Commands) Processes(function string) int {
	if p := c.pool(function); p != nil {
		return p.processes()
	}
	return 0
}

func (c *Commands) pool(function string) *pool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.fns[resolve(function)]
}

// Invoke runs one invocation of the function with payload (its event
// JSON) and returns the runtime's response. A function error (posted to
// /error or /init/error, a timeout, a process that exited) is a
// *FunctionError, returned with its error document as out.
func (c *Commands) Invoke(ctx context.Context, function string, payload []byte) (out []byte, err error) {
	p := c.pool(function)
	if p == nil {
		return nil, fmt.Errorf("invoke %s: %w", resolve(function), ErrFunctionNotFound)
	}
	inv := &invocation{
		id: c.cfg.NewRequestID(), arn: c.invokedARN(function), traceID: newTraceID(time.Now()),
		payload: payload, done: make(chan outcome, 1),
	}
	o, err := p.invoke(ctx, inv)
	if err != nil {
		return nil, err
	}
	if o.fe != nil {
		return o.document(), o.fe
	}
	return o.body, nil
}

// invokedARN is Lambda-Runtime-Invoked-Function-Arn: the ARN as the
// caller gave it, else the function's ARN.
// AWS: https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html#runtimes-api-next
func (c *Commands) invokedARN(function string) string {
	if strings.HasPrefix(function, "arn:") {
		return function
	}
	return awsid.ARN("lambda", c.cfg.Region, c.cfg.AccountID, "function:"+resolve(function))
}

// Close stops every process and waits until none is left; invocations in
// progress end with Runtime.ExitError, later ones fail. Idempotent.
func (c *Commands) Close() error {
	c.mu.Lock()
	c.closed = true
	pools := make([]*pool, 0, len(c.fns))
	for _, p := range c.fns {
		pools = append(pools, p)
	}
	c.mu.Unlock()
	for _, p := range pools {
		p.close()
	}
	return nil
}
