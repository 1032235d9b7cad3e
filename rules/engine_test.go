package rules_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iotemu/iotemu/rules"
)

func newEngine(tb testing.TB, cfg rules.Config) *rules.Engine {
	tb.Helper()
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return fixedNow }
	}
	e, err := rules.NewEngine(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return e
}

func mustAdd(tb testing.TB, e *rules.Engine, r rules.Rule) {
	tb.Helper()
	if r.SQLVersion == "" {
		r.SQLVersion = "2016-03-23"
	}
	if err := e.Add(r); err != nil {
		tb.Fatalf("add %s: %v", r.Name, err)
	}
}

func firedRules(tb testing.TB, e *rules.Engine, topic string) []string {
	tb.Helper()
	res, err := e.Handle(context.Background(), rules.Message{Topic: topic, Payload: []byte(`{}`)})
	if err != nil {
		tb.Fatalf("handle %s: %v", topic, err)
	}
	var names []string
	for _, r := range res {
		if r.Fired {
			names = append(names, r.Rule)
		}
	}
	return names
}

func TestTopicMatching(t *testing.T) {
	tests := []struct {
		compat rules.Compat
		topic  string
		want   []string
	}{
		{rules.Compat{}, "topic/subtopic", []string{"exact", "hash", "plus", "root"}},
		{rules.Compat{}, "topic/subtopic-3/details", []string{"hash", "plus_mid", "root"}},
		{rules.Compat{}, "topic", []string{"root"}},
		{rules.Compat{HashMatchesParent: true}, "topic", []string{"hash", "root"}},
		{rules.Compat{}, "topic/", []string{"hash", "plus", "root"}},
		{rules.Compat{}, "topic-2/subtopic-x", []string{"root"}},
		{rules.Compat{}, "Topic/subtopic", []string{"root"}},
		{rules.Compat{}, "$aws/things/t1/shadow/update/accepted", []string{"shadow"}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%v", tt.topic, tt.compat.HashMatchesParent), func(t *testing.T) {
			e := newEngine(t, rules.Config{Compat: tt.compat})
			for name, from := range map[string]string{
				"exact": "topic/subtopic", "hash": "topic/#", "plus": "topic/+", "root": "#",
				"plus_mid": "topic/+/details", "shadow": "$aws/things/+/shadow/update/accepted",
			} {
				mustAdd(t, e, rules.Rule{Name: name, SQL: "SELECT * FROM '" + from + "'"})
			}
			if diff := cmp.Diff(tt.want, firedRules(t, e, tt.topic)); diff != "" {
				t.Errorf("fired rules (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRuleLifecycle(t *testing.T) {
	e := newEngine(t, rules.Config{AccountID: "123456789012", Region: "eu-west-1"})
	mustAdd(t, e, rules.Rule{Name: "r1", SQL: "SELECT * FROM 'a/b'", Description: "d"})
	if err := e.Add(rules.Rule{Name: "r1", SQL: "SELECT * FROM 'a/b'"}); !errors.Is(err, rules.ErrRuleExists) {
		t.Errorf("duplicate add: got %v, want ErrRuleExists", err)
	}
	info, err := e.Get("r1")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := info.ARN, "arn:aws:iot:eu-west-1:123456789012:rule/r1"; got != want {
		t.Errorf("ARN: got %s, want %s", got, want)
	}
	if got, want := info.TopicPattern, "a/b"; got != want {
		t.Errorf("TopicPattern: got %s, want %s", got, want)
	}
	if err := e.Disable("r1"); err != nil {
		t.Fatal(err)
	}
	if got := firedRules(t, e, "a/b"); len(got) != 0 {
		t.Errorf("disabled: got %v, want none", got)
	}
	if err := e.Enable("r1"); err != nil {
		t.Fatal(err)
	}
	if got := firedRules(t, e, "a/b"); len(got) != 1 {
		t.Errorf("enabled: got %v, want [r1]", got)
	}
	if err := e.Replace(rules.Rule{Name: "r1", SQL: "SELECT * FROM 'c/d'", SQLVersion: "2016-03-23"}); err != nil {
		t.Fatal(err)
	}
	if got := firedRules(t, e, "a/b"); len(got) != 0 {
		t.Errorf("replaced, old topic: got %v, want none", got)
	}
	if got := firedRules(t, e, "c/d"); len(got) != 1 {
		t.Errorf("replaced, new topic: got %v, want [r1]", got)
	}
	if got := e.List(); len(got) != 1 || got[0].SQLVersion != "2016-03-23" {
		t.Errorf("List: got %+v, want one rule", got)
	}
	if err := e.Remove("r1"); err != nil {
		t.Fatal(err)
	}
	for _, err := range []error{e.Remove("r1"), e.Enable("r1"), e.Replace(rules.Rule{Name: "r1", SQL: "SELECT 1 AS a FROM 'x'"})} {
		if !errors.Is(err, rules.ErrRuleNotFound) || rules.ErrorCode(err) != rules.CodeNotFound {
			t.Errorf("got %v, want ErrRuleNotFound", err)
		}
	}
	if got := firedRules(t, e, "c/d"); len(got) != 0 {
		t.Errorf("removed: got %v, want none", got)
	}
}

func TestAddRejectsInvalidSQL(t *testing.T) {
	e := newEngine(t, rules.Config{})
	err := e.Add(rules.Rule{Name: "bad", SQL: "SELECT * FROM 'a' WHERE", SQLVersion: "2016-03-23"})
	var pe *rules.SQLParseError
	if !errors.As(err, &pe) || !errors.Is(err, rules.ErrSQLParse) {
		t.Fatalf("got %v, want *SQLParseError", err)
	}
	if pe.Line != 1 || pe.Column != 24 {
		t.Errorf("position: got %d:%d, want 1:24", pe.Line, pe.Column)
	}
	if got := rules.ErrorCode(err); got != "SqlParseException" {
		t.Errorf("code: got %s, want SqlParseException", got)
	}
	// 2015-10-08 is the default version: object literals are rejected.
	if err := e.Add(rules.Rule{Name: "old", SQL: "SELECT {'a':1} AS o FROM 'a'"}); !errors.Is(err, rules.ErrSQLParse) {
		t.Errorf("default version literal: got %v, want SqlParseException", err)
	}
	if err := e.Add(rules.Rule{Name: "v", SQL: "SELECT * FROM 'a'", SQLVersion: "2020-01-01"}); rules.ErrorCode(err) != rules.CodeInvalidRequest {
		t.Errorf("bad version: got %v, want InvalidRequestException", err)
	}
	if err := e.Add(rules.Rule{Name: "q", SQL: "SELECT * FROM 'a'", Actions: []rules.Action{rules.Republish{Topic: "x", QoS: 2}}}); rules.ErrorCode(err) != rules.CodeInvalidRequest {
		t.Errorf("qos 2: got %v, want InvalidRequestException", err)
	}
	if err := e.Add(rules.Rule{Name: "t", SQL: "SELECT * FROM 'a'", Actions: []rules.Action{rules.Republish{Topic: "${nosuch()}"}}}); !errors.Is(err, rules.ErrSQLParse) {
		t.Errorf("bad template: got %v, want SqlParseException", err)
	}
	if _, err := rules.ParseSQL("SELECT * FROM a/b", "2016-03-23"); !errors.Is(err, rules.ErrSQLParse) {
		t.Errorf("unquoted FROM: got %v, want SqlParseException", err)
	}
	u := newEngine(t, rules.Config{Compat: rules.Compat{AllowUnquotedFrom: true}})
	mustAdd(t, u, rules.Rule{Name: "u", SQL: "SELECT * FROM a/#"})
	if got := firedRules(t, u, "a/b"); len(got) != 1 {
		t.Errorf("unquoted FROM with compat: got %v, want [u]", got)
	}
}

func TestBasicIngest(t *testing.T) {
	rec := &rules.Recorder{}
	e := newEngine(t, rules.Config{})
	mustAdd(t, e, rules.Rule{Name: "BuildingManager", SQL: "SELECT topic() AS t, topic(3) AS floor FROM 'other/#'", Actions: []rules.Action{rec}})
	mustAdd(t, e, rules.Rule{Name: "catchall", SQL: "SELECT * FROM '#'", Actions: []rules.Action{rec}})
	mustAdd(t, e, rules.Rule{Name: "nofrom", SQL: "SELECT topic() AS t", Actions: []rules.Action{rec}})
	ctx := context.Background()
	res, err := e.Handle(ctx, rules.Message{Topic: "$aws/rules/BuildingManager/Buildings/Building5/Floor2/Room201/Lights", Payload: []byte(`{}`)})
	if err != nil || len(res) != 1 || !res[0].Fired {
		t.Fatalf("got %+v %v, want one fired result", res, err)
	}
	if got, want := string(rec.Outputs()[0].Payload), `{"t":"Buildings/Building5/Floor2/Room201/Lights","floor":"Floor2"}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if _, err := e.Handle(ctx, rules.Message{Topic: "$aws/rules/nofrom", Payload: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	if got, want := string(rec.Outputs()[1].Payload), `{"t":""}`; got != want {
		t.Errorf("no FROM: got %s, want %s", got, want)
	}
	if _, err := e.Handle(ctx, rules.Message{Topic: "$aws/rules/missing/x"}); !errors.Is(err, rules.ErrRuleNotFound) {
		t.Errorf("missing rule: got %v, want ErrRuleNotFound", err)
	}
	if got := len(rec.Outputs()); got != 2 {
		t.Errorf("got %d outputs, want 2 (ingest reaches only the named rule)", got)
	}
}

func TestConcurrentHandle(t *testing.T) {
	rec := &rules.Recorder{}
	e := newEngine(t, rules.Config{})
	mustAdd(t, e, rules.Rule{Name: "r", SQL: "SELECT n, n * 2 AS d FROM 'c/+' WHERE n % 2 = 0", Actions: []rules.Action{rec}})
	const workers, per = 8, 50
	var wg sync.WaitGroup
	errs := make(chan error, workers*per)
	for w := range workers {
		wg.Go(func() {
			for i := range per {
				n := w*per + i
				if _, err := e.Handle(context.Background(), rules.Message{Topic: fmt.Sprintf("c/%d", w), Payload: fmt.Appendf(nil, `{"n":%d}`, n)}); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Go(func() { // concurrent management
		for i := range 20 {
			name := fmt.Sprintf("x%d", i)
			_ = e.Add(rules.Rule{Name: name, SQL: "SELECT * FROM 'c/#'", SQLVersion: "2016-03-23"})
			_ = e.Remove(name)
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	outs, err := rec.WaitN(workers*per/2, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if len(outs) != workers*per/2 {
		t.Errorf("got %d outputs, want %d", len(outs), workers*per/2)
	}
}

func TestRecorderWaitTimeout(t *testing.T) {
	rec := &rules.Recorder{}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := rec.Wait(ctx, 1); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got %v, want DeadlineExceeded", err)
	}
}

func TestEvalErrorsReported(t *testing.T) {
	rec := &rules.Recorder{}
	e := newEngine(t, rules.Config{})
	mustAdd(t, e, rules.Rule{Name: "ext", SQL: "SELECT get_thing_shadow('t1', 'arn:role') AS s FROM 'a'", Actions: []rules.Action{rec}})
	fail := rules.ActionFunc(func(context.Context, rules.Output) error { return errors.New("boom") })
	mustAdd(t, e, rules.Rule{Name: "act", SQL: "SELECT 1 AS one FROM 'a'", Actions: []rules.Action{fail, rec}})
	res, err := e.Handle(context.Background(), rules.Message{Topic: "a", Payload: []byte(`{}`)})
	if err != nil || len(res) != 2 {
		t.Fatalf("got %+v %v", res, err)
	}
	if !errors.Is(res[1].Err, rules.ErrNoExternal) || res[1].Fired {
		t.Errorf("external without backend: got %+v, want ErrNoExternal and not fired", res[1])
	}
	if len(res[0].ActionErrors) != 1 || res[0].ActionErrors[0].Index != 0 || !res[0].Fired {
		t.Errorf("failing action: got %+v, want one ActionError at 0", res[0])
	}
	if got := len(rec.Outputs()); got != 1 {
		t.Errorf("got %d recorded, want 1 (the action after the failing one still runs)", got)
	}
}
