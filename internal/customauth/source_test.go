package customauth

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/iotemu/iotemu/internal/authz"
)

// invokerFunc adapts a function to Invoker.
type invokerFunc func(ctx context.Context, function string, payload []byte) ([]byte, error)

func (f invokerFunc) Invoke(ctx context.Context, function string, payload []byte) ([]byte, error) {
	return f(ctx, function, payload)
}

// TestResolveTransports: the same unsigned authorizer authenticates a
// CONNECT user name and an HTTP header; the function gets the event of
// each transport within the 5-second limit, and its answer becomes the
// identity with its deadlines.
func TestResolveTransports(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	st := NewStore(func() time.Time { return now }, func(n string) string { return "arn:aws:iot:us-east-1:123456789012:authorizer/" + n })
	if _, err := st.Create(&Authorizer{Name: "A", FunctionARN: "fn", TokenKeyName: "tok", SigningDisabled: true}); err != nil {
		t.Fatal(err)
	}
	var got event
	inv := invokerFunc(func(ctx context.Context, function string, payload []byte) ([]byte, error) {
		if dl, ok := ctx.Deadline(); !ok || time.Until(dl) > Timeout {
			t.Errorf("invocation deadline: %v %v, want within %v", dl, ok, Timeout)
		}
		if function != "fn" {
			t.Errorf("function: got %q", function)
		}
		got = event{}
		if err := json.Unmarshal(payload, &got); err != nil {
			t.Fatal(err)
		}
		return []byte(`{"isAuthenticated":true,"principalId":"dev1","policyDocuments":[` + allowAll + `],"refreshAfterInSeconds":300}`), nil
	})
	svc := NewService(st, Config{Invoker: inv, Now: func() time.Time { return now }})

	mqttP := &authz.Presented{Transport: authz.TransportTLS, ClientID: "c1", TLS: &authz.TLSInfo{ServerName: "iot.local"},
		MQTT: &authz.Connect{ProtocolVersion: 4, ClientID: "c1", Username: "u?x-amz-customauthorizer-name=A&tok=t1"}}
	id, ok, err := svc.Resolve(context.Background(), mqttP)
	if !ok || err != nil || id.Principal != "dev1" || len(id.Policies) != 1 || !id.RefreshAt.Equal(now.Add(300*time.Second)) || id.Refresh == nil {
		t.Fatalf("MQTT: got %+v %v %v", id, ok, err)
	}
	if got.Token != "t1" || got.ProtocolData.MQTT == nil || got.ProtocolData.MQTT.ClientID != "c1" || got.ProtocolData.TLS.ServerName != "iot.local" {
		t.Errorf("MQTT event: got %+v", got)
	}

	r := httptest.NewRequest(http.MethodPost, "/topics/a", nil)
	r.Header.Set("x-amz-customauthorizer-name", "A")
	r.Header.Set("tok", "t2")
	if id, ok, err = svc.Resolve(context.Background(), authz.FromHTTP(authz.TransportHTTP, r, nil)); !ok || err != nil || id.Principal != "dev1" {
		t.Fatalf("HTTP: got %+v %v %v", id, ok, err)
	}
	if got.Token != "t2" || got.ProtocolData.HTTP == nil || got.ProtocolData.MQTT != nil {
		t.Errorf("HTTP event: got %+v", got)
	}

	// A request that names no authorizer, with no default set, is not claimed.
	if _, ok, _ := svc.Resolve(context.Background(), authz.FromHTTP(authz.TransportHTTP, httptest.NewRequest(http.MethodPost, "/topics/a", nil), nil)); ok {
		t.Error("unnamed request claimed without a default authorizer")
	}
	// An unknown authorizer refuses with CONNACK 0x87 and 403.
	mqttP.MQTT.Username = "u?x-amz-customauthorizer-name=B"
	_, ok, err = svc.Resolve(context.Background(), mqttP)
	var ae *authz.Error
	if !ok || !errors.As(err, &ae) || ae.Connack != authz.ConnackNotAuthorized || ae.Status != http.StatusForbidden {
		t.Errorf("unknown authorizer: got %v %v", ok, err)
	}
}
