package apigw_test

import (
	"testing"

	"github.com/iotemu/iotemu/apigw"
)

// A redeployed stage routes the next message of an open connection with
// the new routes, and its events carry the new stage variables.
func TestPutAPIReplacesRoutesOfOpenConnections(t *testing.T) {
	s := start(t, apigw.Config{})
	first := apigw.API{ID: "aaaaaaaaaa", Stage: "dev", Routes: []apigw.Route{
		{Key: apigw.KeyDefault, Integration: apigw.Mock{Body: "v1"}, TwoWay: true},
	}}
	if err := s.PutAPI(first); err != nil {
		t.Fatalf("PutAPI: %v", err)
	}
	ws := dial(t, s, "/dev", nil)
	send(t, ws, "hello")
	if got := next(t, ws); got != "v1" {
		t.Fatalf("before redeploy: got %q, want v1", got)
	}

	rec := newRecorder()
	rec.respond = func(map[string]any) ([]byte, error) { return []byte(`{"statusCode":200,"body":"v2"}`), nil }
	second := apigw.API{ID: "aaaaaaaaaa", Stage: "dev", StageVariables: map[string]string{"fn": "two"}, Routes: []apigw.Route{
		{Key: apigw.KeyDefault, Integration: rec, TwoWay: true},
	}}
	if err := s.PutAPI(second); err != nil {
		t.Fatalf("PutAPI again: %v", err)
	}
	send(t, ws, "hello")
	if got := next(t, ws); got != "v2" {
		t.Fatalf("after redeploy: got %q, want v2", got)
	}
	ev := rec.next(t)
	if sv, _ := ev["stageVariables"].(map[string]any); sv["fn"] != "two" {
		t.Errorf("stageVariables = %v, want fn=two", ev["stageVariables"])
	}
}

// PutAPI refuses a stage another API serves; AddAPI still refuses any
// served stage.
func TestPutAPIStageOfAnotherAPI(t *testing.T) {
	s := start(t, apigw.Config{})
	if err := s.PutAPI(apigw.API{ID: "aaaaaaaaaa", Stage: "dev"}); err != nil {
		t.Fatalf("PutAPI: %v", err)
	}
	if err := s.PutAPI(apigw.API{ID: "bbbbbbbbbb", Stage: "dev"}); err == nil {
		t.Error("PutAPI of another API on a served stage succeeded")
	}
	if err := s.AddAPI(apigw.API{ID: "aaaaaaaaaa", Stage: "dev"}); err == nil {
		t.Error("AddAPI on a served stage succeeded")
	}
	if err := s.PutAPI(apigw.API{ID: "aaaaaaaaaa", Stage: "dev", Routes: []apigw.Route{{Key: "$bad", Integration: apigw.Mock{}}}}); err == nil {
		t.Error("PutAPI of an invalid API succeeded")
	}
}

// RemoveAPI closes the stage's connections with 1001, running their
// $disconnect, and the stage answers 403 afterwards; other stages stay.
func TestRemoveAPIClosesItsConnections(t *testing.T) {
	s := start(t, apigw.Config{})
	rec := newRecorder()
	for _, a := range []apigw.API{
		{ID: "aaaaaaaaaa", Stage: "dev", Routes: []apigw.Route{{Key: apigw.KeyDisconnect, Integration: rec}}},
		{ID: "bbbbbbbbbb", Stage: "prod", Routes: []apigw.Route{{Key: apigw.KeyDefault, Integration: apigw.Mock{Body: "ok"}, TwoWay: true}}},
	} {
		if err := s.PutAPI(a); err != nil {
			t.Fatalf("PutAPI: %v", err)
		}
	}
	dev := dial(t, s, "/dev", nil)
	prod := dial(t, s, "/prod", nil)
	if !s.RemoveAPI("dev") {
		t.Fatal("RemoveAPI(dev) = false")
	}
	if ce := closeOf(t, dev); ce.Code != 1001 {
		t.Errorf("close code %d, want 1001", ce.Code)
	}
	if ev := rec.next(t); rc(ev)["eventType"] != "DISCONNECT" {
		t.Errorf("event %v, want DISCONNECT", rc(ev)["eventType"])
	}
	if got := dialStatus(t, s, "/dev", nil); got != 403 {
		t.Errorf("dial removed stage: %d, want 403", got)
	}
	if s.RemoveAPI("dev") {
		t.Error("RemoveAPI of a removed stage = true")
	}
	send(t, prod, "x")
	if got := next(t, prod); got != "ok" {
		t.Errorf("other stage: got %q", got)
	}
}

func TestValidateRouteSelectionExpression(t *testing.T) {
	for expr, ok := range map[string]bool{
		"$request.body.action":                true,
		"${request.body.a}/${request.body.b}": true,
		`\$default`:                           true,
		"$request.method $request.path":       false,
		"${request.body.a":                    false,
	} {
		if err := apigw.ValidateRouteSelectionExpression(expr); (err == nil) != ok {
			t.Errorf("%q: err %v, want ok=%v", expr, err, ok)
		}
	}
}
