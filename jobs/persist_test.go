package jobs_test

import (
	"context"
	"errors"
	"testing"

	"github.com/iotemu/iotemu/jobs"
)

// TestSnapshotRestore: a service restored from another's snapshot has its
// jobs, executions (status, versionNumber), templates and sequence, and
// what it encodes is the same document.
func TestSnapshotRestore(t *testing.T) {
	a := newEnv(t)
	a.createJob(t, "j1", nil, "thing1", "thing2")
	a.mqtt(t, "thing1", "j1/update", `{"status":"IN_PROGRESS","statusDetails":{"step":"1"}}`)
	if _, err := a.svc.CreateJobTemplate(context.Background(), jobs.CreateJobTemplateInput{JobTemplateID: "tpl", Document: `{"x":1}`, Description: "d"}); err != nil {
		t.Fatal(err)
	}
	raw, err := a.svc.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	b := newEnv(t)
	if err := b.svc.Restore(raw); err != nil {
		t.Fatal(err)
	}
	again, err := b.svc.Snapshot()
	if err != nil || string(again) != string(raw) {
		t.Fatalf("snapshot of the restored service differs (%v):\n%s\n%s", err, raw, again)
	}
	ex, err := b.svc.DescribeJobExecution(context.Background(), "j1", "thing1", 0)
	if err != nil || ex.Execution.Status != jobs.ExecInProgress || ex.Execution.VersionNumber != 2 {
		t.Fatalf("execution after restore: %+v %v", ex, err)
	}
	if _, err := b.svc.DescribeJobTemplate(context.Background(), "tpl"); err != nil {
		t.Fatal(err)
	}
	b.createJob(t, "j2", nil, "thing1") // the sequence goes on
	if err := b.svc.Restore([]byte(`{"version":7}`)); err == nil {
		t.Fatal("another version accepted")
	}
}

// TestCommitBeforeReply: Config.Commit runs before a device's accepted
// reply is published, and a failed commit publishes nothing.
func TestCommitBeforeReply(t *testing.T) {
	var fail bool
	var e *env
	commits := 0
	e = newEnv(t, func(c *jobs.Config) {
		c.Commit = func(context.Context) error {
			commits++
			if n := len(e.pub.take()); n != 0 {
				t.Errorf("%d messages published before the commit", n)
			}
			if fail {
				return errors.New("disk full")
			}
			return nil
		}
	})
	e.createJob(t, "j1", nil, "thing1")
	e.pub.take()
	if msgs := e.mqtt(t, "thing1", "j1/update", `{"status":"IN_PROGRESS"}`); len(msgs) == 0 || commits < 2 {
		t.Fatalf("update: %d commits, messages %v", commits, topics(msgs))
	}
	fail = true
	if msgs := e.mqtt(t, "thing1", "j1/update", `{"status":"SUCCEEDED"}`); len(msgs) != 0 {
		t.Fatalf("published after a failed commit: %v", topics(msgs))
	}
}

// FuzzRestore: any bytes are restored or refused without a panic; a
// refused document leaves the service as it was.
func FuzzRestore(f *testing.F) {
	seed := newEnv(f)
	seed.createJob(f, "j1", nil, "thing1")
	raw, _ := seed.svc.Snapshot()
	f.Add(raw)
	f.Add([]byte(`{"version":1,"jobs":[{"id":"x","status":"BOGUS"}]}`))
	f.Add([]byte(`{"version":1,"jobs":[{"id":"x","status":"IN_PROGRESS","executions":[{"thing":"t","status":"QUEUED","executionNumber":2,"versionNumber":1},{"thing":"t","status":"QUEUED","executionNumber":1,"versionNumber":1}]}]}`))
	f.Add([]byte(`{"version":1,"templates":[{"id":""}]}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		e := newEnv(t)
		e.createJob(t, "keep", nil, "thing1")
		if err := e.svc.Restore(doc); err != nil {
			if _, derr := e.svc.DescribeJob(context.Background(), "keep"); derr != nil {
				t.Fatalf("a refused restore changed the service: %v", derr)
			}
			return
		}
		if _, err := e.svc.Snapshot(); err != nil {
			t.Fatal(err)
		}
		_ = e.svc.Tick(context.Background()) // the restored timers run without a panic
	})
}
