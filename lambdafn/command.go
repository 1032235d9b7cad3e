package lambdafn

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Command is a function iotemu runs as a process of the user's own: a
// compiled aws-lambda-go bootstrap, or any program speaking the Lambda
// Runtime API (a custom runtime's bootstrap script, python -m awslambdaric
// handler, ...). Each process is one execution environment.
type Command struct {
	// Name is the function's name (Lambda's naming rule); invocations by
	// name, full or partial ARN all resolve to it.
	Name string
	// Path is the executable (looked up in PATH when it has no slash);
	// Args are its arguments.
	Path string
	Args []string
	// Dir is the working directory and LAMBDA_TASK_ROOT ("" means the
	// directory of Path).
	Dir string
	// Env is the function's environment variables. The variables Lambda
	// reserves and iotemu sets are refused, as Lambda refuses them.
	Env map[string]string
	// Handler is _HANDLER (aws-lambda-go ignores it; runtimes for
	// interpreted languages load it).
	Handler string
	// Timeout is the function's timeout (default 3s, at most 900s, as
	// Lambda's; finer than Lambda's whole seconds is accepted).
	Timeout time.Duration
	// MemoryMB is AWS_LAMBDA_FUNCTION_MEMORY_SIZE (default 128); iotemu
	// does not limit the process's memory.
	MemoryMB int
	// MaxConcurrency is how many processes of this function may run at
	// once (default DefaultMaxConcurrency); more concurrent invocations
	// wait for one to be free.
	MaxConcurrency int
}

// Defaults and limits of a Command: Lambda's timeout and memory.
// AWS: https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html#lambda-CreateFunction-request-Timeout
// AWS: https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html#lambda-CreateFunction-request-MemorySize
const (
	DefaultTimeout        = 3 * time.Second
	MaxTimeout            = 900 * time.Second
	DefaultMemoryMB       = 128
	DefaultMaxConcurrency = 4
)

// reservedEnv are the variables iotemu sets in every execution
// environment; Lambda rejects them in a function's configuration.
// AWS: https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
var reservedEnv = []string{
	"_HANDLER", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME",
	"AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE",
	"AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_LAMBDA_RUNTIME_API",
	"LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
}

// inheritedEnv are the variables of iotemu's own environment a process
// gets, so that interpreters and their package managers find themselves;
// everything else comes from Command.Env, as on Lambda.
var inheritedEnv = []string{"PATH", "HOME", "TMPDIR", "LANG", "TZ", "SSL_CERT_FILE", "SSL_CERT_DIR"}

// withDefaults validates c and fills its defaults; the error says what
// is wrong, as Lambda's CreateFunction would.
func (c Command) withDefaults() (Command, error) {
	if !namePattern.MatchString(c.Name) {
		return c, fmt.Errorf("command %q: not a function name", c.Name)
	}
	if c.Path == "" {
		return c, fmt.Errorf("command %s: no path", c.Name)
	}
	path, err := exec.LookPath(c.Path)
	if err != nil {
		return c, fmt.Errorf("command %s: %w", c.Name, err)
	}
	if c.Path, err = filepath.Abs(path); err != nil {
		return c, fmt.Errorf("command %s: %w", c.Name, err)
	}
	if c.Dir == "" {
		c.Dir = filepath.Dir(c.Path)
	}
	if bad := reservedKeys(c.Env); len(bad) > 0 {
		// AWS: https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html#API_CreateFunction_Errors
		return c, fmt.Errorf("command %s: InvalidParameterValueException: Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: %s", c.Name, strings.Join(bad, ", "))
	}
	return c.withLimits()
}

func (c Command) withLimits() (Command, error) {
	switch {
	case c.Timeout == 0:
		c.Timeout = DefaultTimeout
	case c.Timeout < 0 || c.Timeout > MaxTimeout:
		return c, fmt.Errorf("command %s: timeout %s is not within 0 and 900 seconds", c.Name, c.Timeout)
	}
	switch {
	case c.MemoryMB == 0:
		c.MemoryMB = DefaultMemoryMB
	case c.MemoryMB < 128 || c.MemoryMB > 10240:
		return c, fmt.Errorf("command %s: memory %d MB is not within 128 and 10240", c.Name, c.MemoryMB)
	}
	switch {
	case c.MaxConcurrency == 0:
		c.MaxConcurrency = DefaultMaxConcurrency
	case c.MaxConcurrency < 0:
		return c, fmt.Errorf("command %s: max concurrency %d is negative", c.Name, c.MaxConcurrency)
	}
	return c, nil
}

func reservedKeys(env map[string]string) []string {
	var bad []string
	for _, k := range reservedEnv {
		if _, ok := env[k]; ok {
			bad = append(bad, k)
		}
	}
	return bad
}

// environ is the process environment of one execution environment whose
// Runtime API listens at runtimeAPI (host:port): the inherited basics,
// the function's variables, then the ones Lambda sets.
// AWS: https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
func (c Command) environ(getenv func(string) string, region, runtimeAPI string) []string {
	vars := map[string]string{}
	for _, k := range inheritedEnv {
		if v := getenv(k); v != "" {
			vars[k] = v
		}
	}
	for k, v := range c.Env {
		vars[k] = v
	}
	for k, v := range map[string]string{
		"AWS_LAMBDA_RUNTIME_API":          runtimeAPI,
		"AWS_LAMBDA_FUNCTION_NAME":        c.Name,
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": strconv.Itoa(c.MemoryMB),
		"AWS_LAMBDA_FUNCTION_VERSION":     "$LATEST",
		"AWS_LAMBDA_INITIALIZATION_TYPE":  "on-demand",
		"AWS_LAMBDA_LOG_GROUP_NAME":       "/aws/lambda/" + c.Name,
		"AWS_REGION":                      region,
		"AWS_DEFAULT_REGION":              region,
		"_HANDLER":                        c.Handler,
		"LAMBDA_TASK_ROOT":                c.Dir,
	} {
		vars[k] = v
	}
	out := make([]string, 0, len(vars))
	for k, v := range vars {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}
