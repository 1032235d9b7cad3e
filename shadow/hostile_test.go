package shadow_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/iotemu/iotemu/shadow"
)

// TestHostileInput sends malformed and adversarial requests over both
// entry points: each gets AWS's error, none panics.
func TestHostileInput(t *testing.T) {
	deep := `{"state":{"desired":` + strings.Repeat(`{"a":`, 15000) + `1` + strings.Repeat(`}`, 15000) + `}}`
	deepArr := `{"state":{"desired":{"a":` + strings.Repeat(`[`, 5000) + strings.Repeat(`]`, 5000) + `}}}`
	tests := []struct {
		name    string
		payload string
		want    *shadow.Error
	}{
		{"empty payload", ``, shadow.ErrEmptyPayload},
		{"truncated JSON", `{"state": {"desired": `, shadow.ErrInvalidJSON},
		{"trailing garbage", `{"state":{}} x`, shadow.ErrInvalidJSON},
		{"two documents", `{"state":{}}{"state":{}}`, shadow.ErrInvalidJSON},
		{"invalid UTF-8", "{\"state\":{\"desired\":{\"a\":\"\xff\xfe\"}}}", shadow.ErrUnsupportedEncoding},
		{"UTF-16 BOM", "\xfe\xff\x00{", shadow.ErrUnsupportedEncoding},
		{"top-level array", `[{"state":{}}]`, shadow.ErrMissingState},
		{"top-level string", `"state"`, shadow.ErrMissingState},
		{"top-level null", `null`, shadow.ErrMissingState},
		{"top-level number", `1e400`, shadow.ErrMissingState},
		{"no state", `{"hello":"world"}`, shadow.ErrMissingState},
		{"state string", `{"state":"on"}`, shadow.ErrStateNotObject},
		{"state array", `{"state":[]}`, shadow.ErrStateNotObject},
		{"state true", `{"state":true}`, shadow.ErrStateNotObject},
		{"state invalid node", `{"state":{"delta":{"a":1}}}`, &shadow.Error{Code: 400, Message: "State contains an invalid node: 'delta'"}},
		{"desired string", `{"state":{"desired":"x"}}`, shadow.ErrDesiredNotObject},
		{"reported number", `{"state":{"reported":1}}`, shadow.ErrReportedNotObject},
		{"version string", `{"state":{},"version":"1"}`, shadow.ErrInvalidVersion},
		{"version fraction", `{"state":{},"version":1.5}`, shadow.ErrInvalidVersion},
		{"version huge", `{"state":{},"version":12345678901234567890123}`, shadow.ErrInvalidVersion},
		{"clientToken number", `{"state":{},"clientToken":5}`, shadow.ErrInvalidClientToken},
		{"deep nesting", deep, shadow.ErrInvalidJSON},
		{"deep arrays", deepArr, shadow.ErrTooDeep},
		{"null in array", `{"state":{"desired":{"a":[1,null]}}}`, shadow.ErrNullInArray},
		{"null in nested array", `{"state":{"desired":{"a":[[null]]}}}`, shadow.ErrNullInArray},
		{"null member of object in array", `{"state":{"desired":{"a":[{"b":null}]}}}`, shadow.ErrNullInArray},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, rec, _ := newService(t)
			_, err := svc.Update(context.Background(), "t", "", []byte(tt.payload))
			if got := shadow.AsError(err); err == nil || *got != *tt.want {
				t.Errorf("Update: got %v, want %v", err, tt.want)
			}
			rec.take()
			if err := svc.HandleMQTT(context.Background(), "$aws/things/t/shadow/update", []byte(tt.payload)); err != nil {
				t.Fatalf("HandleMQTT: got %v, want nil", err)
			}
			msgs := rec.take()
			if len(msgs) != 1 || !strings.HasSuffix(msgs[0].Topic, "/update/rejected") {
				t.Fatalf("published: got %d messages, want one on update/rejected", len(msgs))
			}
			got := decodeMap(t, msgs[0].Payload)
			if got["message"] != tt.want.Message || got["code"].(interface{ String() string }).String() != strconv.Itoa(tt.want.Code) {
				t.Errorf("rejected: got %s, want code %d message %q", msgs[0].Payload, tt.want.Code, tt.want.Message)
			}
			if _, ok, _ := svc.Snapshot(context.Background(), "t", ""); ok {
				t.Errorf("shadow after a rejected update: got one, want none")
			}
		})
	}
}

// TestNumberPrecision: numbers are stored and echoed with their exact digits.
func TestNumberPrecision(t *testing.T) {
	svc, rec, _ := newService(t)
	req := `{"state":{"desired":{"big":12345678901234567890123,"huge":1e400,"tiny":-1.5e-400,"exact":0.10000000000000000001,"int":9007199254740993}}}`
	acc := string(mustUpdate(t, svc, "t", "", req))
	for _, lit := range []string{"12345678901234567890123", "1e400", "-1.5e-400", "0.10000000000000000001", "9007199254740993"} {
		if !strings.Contains(acc, lit) {
			t.Errorf("accepted: got %s, want it to contain %s", acc, lit)
		}
	}
	b, err := svc.Get(context.Background(), "t", "")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	for _, lit := range []string{"12345678901234567890123", "1e400", "9007199254740993"} {
		if strings.Count(string(b), lit) != 2 { // desired and delta
			t.Errorf("get: got %s, want %s in desired and delta", b, lit)
		}
	}
	for _, m := range rec.take() {
		if strings.HasSuffix(m.Topic, "/delta") && !strings.Contains(string(m.Payload), "1e400") {
			t.Errorf("delta: got %s, want 1e400 kept", m.Payload)
		}
	}
}

// TestDuplicateKeys: by default the last value wins (as Jackson, which AWS
// is believed to use); Compat.RejectDuplicateKeys answers Invalid JSON.
func TestDuplicateKeys(t *testing.T) {
	req := `{"state":{"desired":{"a":1,"a":2,"o":{"x":1},"o":{"y":2}}}}`
	svc, _, _ := newService(t)
	mustUpdate(t, svc, "t", "", req)
	got := mustGet(t, svc, "t", "")
	desired := got["state"].(map[string]any)["desired"].(map[string]any)
	if desired["a"].(interface{ String() string }).String() != "2" {
		t.Errorf("desired.a: got %v, want 2", desired["a"])
	}
	if o := desired["o"].(map[string]any); len(o) != 1 || o["y"] == nil {
		t.Errorf("desired.o: got %v, want {\"y\":2}", o)
	}
	strict, _, _ := newService(t, func(c *shadow.Config) { c.Compat.RejectDuplicateKeys = true })
	for _, dup := range []string{req, `{"state":{},"state":{}}`, `{"state":{"desired":{"a":[{"k":1,"k":2}]}}}`} {
		if _, err := strict.Update(context.Background(), "t", "", []byte(dup)); !errors.Is(err, shadow.ErrInvalidJSON) {
			t.Errorf("strict Update(%s): got %v, want ErrInvalidJSON", dup, err)
		}
	}
	if _, err := strict.Update(context.Background(), "t", "", []byte(`{"state":{"desired":{"a":{"k":1},"b":{"k":1}}}}`)); err != nil {
		t.Errorf("strict Update with equal keys in sibling objects: got %v, want nil", err)
	}
}

// TestGetDeleteIgnoreBadPayload: get payloads are ignored except for a
// clientToken (AWS: device-shadow-mqtt.html); a clientToken that is not a
// string or too long is rejected like in an update.
func TestGetDeleteIgnoreBadPayload(t *testing.T) {
	svc, rec, _ := newService(t)
	mustUpdate(t, svc, "t", "", `{"state":{"reported":{"a":1}}}`)
	rec.take()
	for _, p := range []string{"", "not json", "\xff", "[1]", `{"clientToken":null}`, `{"other":1}`} {
		if err := svc.HandleMQTT(context.Background(), "$aws/things/t/shadow/get", []byte(p)); err != nil {
			t.Fatalf("HandleMQTT get: %v", err)
		}
		msgs := rec.take()
		if len(msgs) != 1 || !strings.HasSuffix(msgs[0].Topic, "/get/accepted") {
			t.Errorf("get with payload %q: got %v, want get/accepted", p, msgs)
		}
	}
	for _, p := range []string{`{"clientToken":5}`, `{"clientToken":"` + strings.Repeat("x", 65) + `"}`} {
		if err := svc.HandleMQTT(context.Background(), "$aws/things/t/shadow/delete", []byte(p)); err != nil {
			t.Fatalf("HandleMQTT delete: %v", err)
		}
		msgs := rec.take()
		if len(msgs) != 1 || string(msgs[0].Payload) != `{"code":400,"message":"Invalid clientToken"}` {
			t.Errorf("delete with payload %s: got %v, want one Invalid clientToken rejection", p, msgs)
		}
	}
	if _, ok, _ := svc.Snapshot(context.Background(), "t", ""); !ok {
		t.Errorf("shadow after rejected deletes: got none, want it kept")
	}
}
