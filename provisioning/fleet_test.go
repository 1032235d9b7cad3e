package provisioning_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"
	"github.com/google/go-cmp/cmp"

	"github.com/iotemu/iotemu/provisioning"
)

const provisionTopic = "$aws/provisioning-templates/fleet/provision/json"

// TestFleetProvisioningByClaim runs the Device SDK sample's sequence:
// CreateKeysAndCertificate, then RegisterThing with the token.
func TestFleetProvisioningByClaim(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	f.createTemplate(t, "fleet", fleetTemplate, nil)
	topic, keys := f.mqtt(t, "$aws/certificates/create/json", "{}")
	if topic != "$aws/certificates/create/json/accepted" {
		t.Fatalf("topic %s: %v", topic, keys)
	}
	id, _ := keys["certificateId"].(string)
	if c, _, _ := f.reg.Certificate(context.Background(), id); c.Status != provisioning.StatusPendingActivation {
		t.Fatalf("new certificate status %q, want PENDING_ACTIVATION", c.Status)
	}
	for _, k := range []string{"certificatePem", "privateKey", "certificateOwnershipToken"} {
		if s, _ := keys[k].(string); s == "" {
			t.Fatalf("accepted lacks %s: %v", k, keys)
		}
	}
	topic, doc := f.mqtt(t, provisionTopic, map[string]any{
		"certificateOwnershipToken": keys["certificateOwnershipToken"],
		"parameters":                map[string]string{"SerialNumber": "1234", "DeviceLocation": "Seattle"},
	})
	if topic != provisionTopic+"/accepted" {
		t.Fatalf("topic %s: %v", topic, doc)
	}
	want := map[string]any{
		"deviceConfiguration": map[string]any{"FallbackUrl": "https://www.example.com/test-site", "LocationUrl": "https://example.aws"},
		"thingName":           "ThingPrefix_1234",
	}
	if d := cmp.Diff(want, doc); d != "" {
		t.Fatalf("accepted (-want +got):\n%s", d)
	}
	c, _, _ := f.reg.Certificate(context.Background(), id)
	if c.Status != provisioning.StatusActive || f.reg.thingOf[c.ARN] != "ThingPrefix_1234" || len(f.reg.attached[c.ARN]) != 1 {
		t.Fatalf("certificate %+v thing %q policies %v", c, f.reg.thingOf[c.ARN], f.reg.attached[c.ARN])
	}
	// The token is spent.
	_, doc = f.mqtt(t, provisionTopic, map[string]any{"certificateOwnershipToken": keys["certificateOwnershipToken"], "parameters": map[string]string{"SerialNumber": "1"}})
	if doc["errorCode"] != "InvalidCertificateOwnershipToken" {
		t.Fatalf("reused token: %v", doc)
	}
}

// TestFleetRejections checks every rejected document.
func TestFleetRejections(t *testing.T) {
	t.Parallel()
	deny := invokerFunc(func(_ context.Context, _ string, _ []byte) ([]byte, error) {
		return []byte(`{"allowProvisioning": false}`), nil
	})
	f := newFixture(t, deny)
	f.createTemplate(t, "fleet", fleetTemplate, nil)
	f.createTemplate(t, "off", fleetTemplate, func(in *provisioning.CreateProvisioningTemplateInput) { in.Enabled = false })
	f.createTemplate(t, "hooked", fleetTemplate, func(in *provisioning.CreateProvisioningTemplateInput) {
		in.PreProvisioningHook = &provisioning.Hook{TargetArn: "arn:aws:lambda:us-east-1:123456789012:function:deny"}
	})
	f.createTemplate(t, "jitp", fleetTemplate, func(in *provisioning.CreateProvisioningTemplateInput) { in.Type = provisioning.TypeJITP })
	token := func() string {
		_, keys := f.mqtt(t, "$aws/certificates/create/json", nil)
		return keys["certificateOwnershipToken"].(string)
	}
	long := strings.Repeat("x", 4097)
	for _, tc := range []struct {
		name, topic string
		payload     any
		want        provisioning.Rejected
	}{
		{"empty token", provisionTopic, `{"parameters":{}}`,
			provisioning.Rejected{StatusCode: 400, ErrorCode: "InvalidCertificateOwnershipToken", ErrorMessage: "Certificate ownership token cannot be empty."}},
		{"unknown token", provisionTopic, map[string]any{"certificateOwnershipToken": "bogus"},
			provisioning.Rejected{StatusCode: 400, ErrorCode: "InvalidCertificateOwnershipToken", ErrorMessage: "Certificate ownership token is invalid."}},
		{"template not found", "$aws/provisioning-templates/nope/provision/json", map[string]any{"certificateOwnershipToken": "t"},
			provisioning.Rejected{StatusCode: 404, ErrorCode: "ResourceNotFound", ErrorMessage: "The specified template does not exist: nope"}},
		{"disabled", "$aws/provisioning-templates/off/provision/json", map[string]any{"certificateOwnershipToken": "t"},
			provisioning.Rejected{StatusCode: 400, ErrorCode: "InvalidRequest", ErrorMessage: "The provisioning template off is disabled"}},
		{"JITP template", "$aws/provisioning-templates/jitp/provision/json", map[string]any{"certificateOwnershipToken": "t"},
			provisioning.Rejected{StatusCode: 400, ErrorCode: "InvalidRequest", ErrorMessage: "The provisioning template jitp is of type JITP, not FLEET_PROVISIONING"}},
		{"hook denies", "$aws/provisioning-templates/hooked/provision/json", map[string]any{"certificateOwnershipToken": token(), "parameters": map[string]string{"SerialNumber": "1"}},
			provisioning.Rejected{StatusCode: 403, ErrorCode: "AccessDenied", ErrorMessage: "Provisioning was denied by the pre-provisioning hook"}},
		{"missing parameter", provisionTopic, map[string]any{"certificateOwnershipToken": token(), "parameters": map[string]string{"DeviceLocation": "Seattle"}},
			provisioning.Rejected{StatusCode: 400, ErrorCode: "InvalidParameters", ErrorMessage: "Missing value for parameter SerialNumber"}},
		{"unknown mapping key", provisionTopic, map[string]any{"certificateOwnershipToken": token(), "parameters": map[string]string{"SerialNumber": "1", "DeviceLocation": "Paris"}},
			provisioning.Rejected{StatusCode: 400, ErrorCode: "InvalidParameters", ErrorMessage: "Fn::FindInMap: the key Paris is not in mapping LocationTable"}},
		{"parameter not a string", provisionTopic, `{"certificateOwnershipToken":"t","parameters":{"SerialNumber":1}}`,
			provisioning.Rejected{StatusCode: 400, ErrorCode: "InvalidParameters", ErrorMessage: "The value of parameter SerialNumber is not a string"}},
		{"oversized parameter", provisionTopic, map[string]any{"certificateOwnershipToken": "t", "parameters": map[string]string{"SerialNumber": long}},
			provisioning.Rejected{StatusCode: 400, ErrorCode: "InvalidParameters", ErrorMessage: "Parameter names have 1 to 2048 characters and values at most 4096"}},
		{"malformed JSON", provisionTopic, `{"certificateOwnershipToken":`,
			provisioning.Rejected{StatusCode: 400, ErrorCode: "InvalidPayload", ErrorMessage: "The request payload is not a valid JSON document"}},
		{"CSR missing", "$aws/certificates/create-from-csr/json", `{}`,
			provisioning.Rejected{StatusCode: 400, ErrorCode: "InvalidCSR", ErrorMessage: "The certificate signing request cannot be empty."}},
		{"CSR oversized", "$aws/certificates/create-from-csr/json", map[string]string{"certificateSigningRequest": long},
			provisioning.Rejected{StatusCode: 400, ErrorCode: "InvalidCSR", ErrorMessage: "The certificate signing request is longer than 4096 characters."}},
		{"CSR not PEM", "$aws/certificates/create-from-csr/json", map[string]string{"certificateSigningRequest": "hello"},
			provisioning.Rejected{StatusCode: 400, ErrorCode: "InvalidCSR", ErrorMessage: "not PEM: certificate signing request not usable"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			topic, doc := f.mqtt(t, tc.topic, tc.payload)
			if topic != tc.topic+"/rejected" {
				t.Fatalf("topic %s: %v", topic, doc)
			}
			want := map[string]any{"statusCode": float64(tc.want.StatusCode), "errorCode": tc.want.ErrorCode, "errorMessage": tc.want.ErrorMessage}
			if d := cmp.Diff(want, doc); d != "" {
				t.Fatalf("rejected (-want +got):\n%s", d)
			}
		})
	}
}

// TestHookOverrides: parameterOverrides reach the template, the hook sees
// the documented input.
func TestHookOverrides(t *testing.T) {
	t.Parallel()
	var got map[string]any
	hook := invokerFunc(func(_ context.Context, fn string, payload []byte) ([]byte, error) {
		if fn != "arn:aws:lambda:us-east-1:123456789012:function:hook" {
			return nil, errors.New("wrong function " + fn)
		}
		_ = json.Unmarshal(payload, &got)
		return []byte(`{"allowProvisioning": true, "parameterOverrides": {"DeviceLocation": "Seattle"}}`), nil
	})
	f := newFixture(t, hook)
	f.createTemplate(t, "fleet", fleetTemplate, func(in *provisioning.CreateProvisioningTemplateInput) {
		in.PreProvisioningHook = &provisioning.Hook{TargetArn: "arn:aws:lambda:us-east-1:123456789012:function:hook"}
	})
	_, keys := f.mqtt(t, "$aws/certificates/create/json", nil)
	_, doc := f.mqtt(t, provisionTopic, map[string]any{"certificateOwnershipToken": keys["certificateOwnershipToken"], "parameters": map[string]string{"SerialNumber": "9"}})
	cfg, _ := doc["deviceConfiguration"].(map[string]any)
	if cfg["LocationUrl"] != "https://example.aws" {
		t.Fatalf("override not applied: %v", doc)
	}
	if got["certificateId"] != keys["certificateId"] || got["templateArn"] != "arn:aws:iot:us-east-1:123456789012:provisioningtemplate/fleet" ||
		got["clientId"] != "dev1" || got["certificatePem"] == "" {
		t.Fatalf("hook input %v", got)
	}
	params, _ := got["parameters"].(map[string]any)
	if params["SerialNumber"] != "9" {
		t.Fatalf("hook parameters %v", params)
	}
}

// TestFleetCBOR: the cbor topics answer in CBOR with the same keys.
func TestFleetCBOR(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	f.createTemplate(t, "fleet", fleetTemplate, nil)
	r, _ := f.svc.HandleMQTT(context.Background(), provisioning.Request{Topic: "$aws/certificates/create-from-csr/cbor",
		Payload: mustCBOR(t, map[string]string{"certificateSigningRequest": csrPEM(t, "dev")})})
	var keys map[string]string
	if err := cbor.Unmarshal(r.Payload, &keys); err != nil || r.Topic != "$aws/certificates/create-from-csr/cbor/accepted" {
		t.Fatalf("%s %x: %v", r.Topic, r.Payload, err)
	}
	req := mustCBOR(t, map[string]any{"certificateOwnershipToken": keys["certificateOwnershipToken"], "parameters": map[string]string{"SerialNumber": "7", "DeviceLocation": "Seattle"}})
	r, _ = f.svc.HandleMQTT(context.Background(), provisioning.Request{Topic: "$aws/provisioning-templates/fleet/provision/cbor", Payload: req})
	var doc struct {
		DeviceConfiguration map[string]string `cbor:"deviceConfiguration"`
		ThingName           string            `cbor:"thingName"`
	}
	if err := cbor.Unmarshal(r.Payload, &doc); err != nil || doc.ThingName != "ThingPrefix_7" {
		t.Fatalf("%s: %+v %v", r.Topic, doc, err)
	}
	r, _ = f.svc.HandleMQTT(context.Background(), provisioning.Request{Topic: "$aws/provisioning-templates/fleet/provision/cbor", Payload: []byte{0xff}})
	var rej provisioning.Rejected
	if err := cbor.Unmarshal(r.Payload, &rej); err != nil || rej.ErrorCode != "InvalidPayload" {
		t.Fatalf("%s: %+v %v", r.Topic, rej, err)
	}
	if _, ok := f.svc.HandleMQTT(context.Background(), provisioning.Request{Topic: "$aws/certificates/create/xml"}); ok {
		t.Fatal("an unknown format got a reply")
	}
}

func mustCBOR(t *testing.T, v any) []byte {
	t.Helper()
	b, err := cbor.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestTokenExpiry: after an hour the token fails and the unprovisioned
// certificate is deleted.
func TestTokenExpiry(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	f.createTemplate(t, "fleet", fleetTemplate, nil)
	_, keys := f.mqtt(t, "$aws/certificates/create/json", nil)
	f.clock.Add(time.Hour + time.Second)
	_, doc := f.mqtt(t, provisionTopic, map[string]any{"certificateOwnershipToken": keys["certificateOwnershipToken"], "parameters": map[string]string{"SerialNumber": "1"}})
	if doc["errorCode"] != "InvalidCertificateOwnershipToken" {
		t.Fatalf("expired token: %v", doc)
	}
	if _, ok, _ := f.reg.Certificate(context.Background(), keys["certificateId"].(string)); ok {
		t.Fatal("the unprovisioned certificate was not deleted")
	}
}

// TestProvisioningClaim: a claim works for its template only, for five
// minutes.
func TestProvisioningClaim(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	f.createTemplate(t, "fleet", fleetTemplate, nil)
	f.createTemplate(t, "other", fleetTemplate, nil)
	ctx := context.Background()
	cl, err := f.svc.CreateProvisioningClaim(ctx, "fleet")
	if err != nil {
		t.Fatal(err)
	}
	if !cl.Expiration.Equal(f.clock.Now().Add(5*time.Minute)) || cl.KeyPair.PrivateKey == "" {
		t.Fatalf("claim %+v", cl)
	}
	if _, err := f.svc.CreateProvisioningClaim(ctx, "nope"); !errors.Is(err, provisioning.ErrNotFound) {
		t.Fatalf("claim of a missing template: %v", err)
	}
	r, _ := f.svc.HandleMQTT(ctx, provisioning.Request{CertificateID: cl.CertificateID, Topic: "$aws/certificates/create/json"})
	var keys map[string]string
	_ = json.Unmarshal(r.Payload, &keys)
	body, _ := json.Marshal(map[string]any{"certificateOwnershipToken": keys["certificateOwnershipToken"], "parameters": map[string]string{"SerialNumber": "1", "DeviceLocation": "Seattle"}})
	r, _ = f.svc.HandleMQTT(ctx, provisioning.Request{CertificateID: cl.CertificateID, Topic: "$aws/provisioning-templates/other/provision/json", Payload: body})
	if !strings.Contains(string(r.Payload), `"errorCode":"AccessDenied"`) {
		t.Fatalf("claim used with another template: %s", r.Payload)
	}
	f.clock.Add(5*time.Minute + time.Second)
	f.svc.Sweep(ctx)
	if c, _, _ := f.reg.Certificate(ctx, cl.CertificateID); c.Status != provisioning.StatusInactive {
		t.Fatalf("expired claim status %s", c.Status)
	}
}
