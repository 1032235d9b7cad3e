// Command fn is the aws-lambda-go function the lambdafn tests run as a
// command: what it does is the event's action.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

type event struct {
	Action string `json:"action"`
	Millis int    `json:"millis"` // sleep
	Dir    string `json:"dir"`    // barrier: a file per process, wait for N
	N      int    `json:"n"`
}

func handle(ctx context.Context, e event) (map[string]any, error) {
	lc, _ := lambdacontext.FromContext(ctx)
	deadline, _ := ctx.Deadline()
	out := map[string]any{"pid": os.Getpid(), "requestId": lc.AwsRequestID, "arn": lc.InvokedFunctionArn, "deadlineMs": deadline.UnixMilli()}
	switch e.Action {
	case "env":
		for _, k := range []string{"AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_REGION", "_HANDLER", "LAMBDA_TASK_ROOT", "GREETING"} {
			out[k] = os.Getenv(k)
		}
		fmt.Println("hello from", os.Getenv("AWS_LAMBDA_FUNCTION_NAME"))
		fmt.Fprintln(os.Stderr, "to stderr")
	case "fail":
		return nil, errors.New("kaput")
	case "panic":
		panic("boom")
	case "exit":
		os.Exit(3)
	case "sleep":
		fmt.Println("sleeping")
		time.Sleep(time.Duration(e.Millis) * time.Millisecond)
	case "barrier":
		if err := barrier(e.Dir, e.N); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// barrier marks this process in dir and waits until n processes have:
// proof that n of them run at once.
func barrier(dir string, n int) error {
	if err := os.WriteFile(filepath.Join(dir, fmt.Sprint(os.Getpid())), nil, 0o600); err != nil {
		return err
	}
	for {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return err
		}
		if len(entries) >= n {
			return nil
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func main() { lambda.Start(handle) }
