package shadow_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/iotemu/iotemu/shadow"
	"github.com/iotemu/iotemu/shadow/shadowtest"
)

// stepSpacing separates the clock windows of consecutive steps so that
// "$T<k>" placeholders can only match the step that stamped them.
const stepSpacing = 10 * time.Second

func TestConformanceVectors(t *testing.T) {
	f, err := shadowtest.Vectors()
	if err != nil {
		t.Fatalf("load vectors: %v", err)
	}
	if len(f.Vectors) == 0 {
		t.Fatalf("load vectors: got 0 vectors, want some")
	}
	for _, v := range f.Vectors {
		t.Run(v.ID, func(t *testing.T) {
			// Vectors believed wrong run corrected, asserting what AWS is
			// believed to do (shadowtest.KnownWrong, docs/compatibility.md).
			v, reason := shadowtest.Apply(v)
			if reason != "" {
				t.Logf("%s corrected: %s", v.ID, reason)
			}
			problems := runVector(t, v)
			for _, p := range problems {
				t.Errorf("%s (%s): %s", v.ID, v.Title, p)
			}
		})
	}
}

// runVector runs every step of v in-process and returns the differences.
func runVector(t *testing.T, v shadowtest.Vector) []string {
	t.Helper()
	ctx := context.Background()
	svc, rec, clk := newService(t)
	if initial, ok := v.InitialShadow(); ok {
		sh, err := shadow.ParseDocument(initial)
		if err != nil {
			t.Fatalf("parse initial: %v", err)
		}
		name := ""
		if v.Shadow != nil {
			name = *v.Shadow
		}
		if err := svc.Set(ctx, v.Thing, name, sh); err != nil {
			t.Fatalf("seed initial: %v", err)
		}
	}
	run := shadowtest.NewRun(v)
	var problems []string
	for i, step := range v.Steps {
		clk.Advance(stepSpacing + time.Duration(step.SleepBeforeS)*time.Second)
		rec.take()
		obs := runStep(t, svc, rec, v, i)
		now := clk.Now().Unix()
		obs.Start, obs.End = now, now
		problems = append(problems, run.Check(i, obs)...)
	}
	return problems
}

func runStep(t *testing.T, svc *shadow.Service, rec *recorder, v shadowtest.Vector, i int) shadowtest.Observation {
	t.Helper()
	ctx := context.Background()
	step := v.Steps[i]
	name := v.ShadowName(i)
	var obs shadowtest.Observation
	obs.VersionBefore = version(t, svc, v.Thing, name)
	body, _ := step.Body()
	if step.Transport == "mqtt" {
		prefix := shadow.TopicPrefix(v.Thing, name) + "/" + step.Op
		if err := svc.HandleMQTT(ctx, prefix, body); err != nil {
			t.Fatalf("HandleMQTT(%s): %v", prefix, err)
		}
		msgs := rec.take()
		accepted, rejected := on(msgs, prefix+"/accepted"), on(msgs, prefix+"/rejected")
		if len(accepted)+len(rejected) != 1 {
			t.Fatalf("step %d: got %d accepted and %d rejected answers, want exactly one", i+1, len(accepted), len(rejected))
		}
		obs.Accepted = len(accepted) == 1
		obs.Body = append(accepted, rejected...)[0]
		obs.Deltas, obs.Documents = on(msgs, "/update/delta"), on(msgs, "/update/documents")
	} else {
		resp, err := callHTTP(ctx, svc, step.Op, v.Thing, name, body)
		obs.HTTPStatus = 200
		obs.Accepted = err == nil
		obs.Body = resp
		if err != nil {
			e := shadow.AsError(err)
			obs.HTTPStatus, obs.ErrorType, obs.ErrorMessage = e.HTTPStatus(), e.ErrorType(), e.Message
		}
		msgs := rec.take()
		obs.Deltas, obs.Documents = on(msgs, "/update/delta"), on(msgs, "/update/documents")
	}
	obs.VersionAfter = version(t, svc, v.Thing, name)
	return obs
}

// callHTTP calls the Service method of an iot-data operation.
func callHTTP(ctx context.Context, svc *shadow.Service, op, thing, name string, body []byte) ([]byte, error) {
	switch op {
	case "get":
		return svc.Get(ctx, thing, name)
	case "update":
		return svc.Update(ctx, thing, name, body)
	case "delete":
		return svc.Delete(ctx, thing, name)
	case "list":
		res, err := svc.ListNamed(ctx, thing, 0, "")
		if err != nil {
			return nil, err
		}
		return json.Marshal(res)
	}
	return nil, errors.New("unknown op " + op)
}

// version returns the stored version, 0 when the shadow does not exist.
func version(tb testing.TB, svc *shadow.Service, thing, name string) int64 {
	tb.Helper()
	sh, ok, err := svc.Snapshot(context.Background(), thing, name)
	if err != nil {
		tb.Fatalf("Snapshot: %v", err)
	}
	if !ok {
		return 0
	}
	return sh.Version
}

// TestVectorsFileIsReadable fails loudly when the vectors are missing or
// unreadable (they are embedded: a missing file already fails the build).
func TestVectorsFileIsReadable(t *testing.T) {
	f, err := shadowtest.Vectors()
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Vectors) < 40 {
		t.Fatalf("got %d shadow vectors, want the 43 of the repository's file", len(f.Vectors))
	}
}
