package provisioning_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/iotemu/iotemu/provisioning"
)

// fakeRegistry is an in-memory provisioning.Registry.
type fakeRegistry struct {
	mu       sync.Mutex
	certs    map[string]*provisioning.Certificate
	things   map[string]*provisioning.Thing
	types    map[string]bool
	policies map[string]string // name -> document
	attached map[string][]string
	thingOf  map[string]string // cert ARN -> thing
	n        int
}

func newFakeRegistry() *fakeRegistry {
	return &fakeRegistry{
		certs: map[string]*provisioning.Certificate{}, things: map[string]*provisioning.Thing{},
		types: map[string]bool{"Sensor": true}, policies: map[string]string{}, attached: map[string][]string{}, thingOf: map[string]string{},
	}
}

func (f *fakeRegistry) add(status string) provisioning.Certificate {
	f.n++
	sum := sha256.Sum256(fmt.Appendf(nil, "cert-%d", f.n))
	id := hex.EncodeToString(sum[:])
	c := &provisioning.Certificate{ID: id, ARN: "arn:aws:iot:us-east-1:123456789012:cert/" + id, PEM: "PEM-" + id, Status: status}
	f.certs[id] = c
	return *c
}

func (f *fakeRegistry) CreateKeysAndCertificate(_ context.Context, status string) (provisioning.Certificate, provisioning.Keys, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.add(status), provisioning.Keys{PublicKey: "PUB", PrivateKey: "PRIV"}, nil
}

func (f *fakeRegistry) CreateCertificateFromCSR(_ context.Context, csrPEM, status string) (provisioning.Certificate, error) {
	b, _ := pem.Decode([]byte(csrPEM))
	if b == nil {
		return provisioning.Certificate{}, fmt.Errorf("not PEM: %w", provisioning.ErrBadCSR)
	}
	if _, err := x509.ParseCertificateRequest(b.Bytes); err != nil {
		return provisioning.Certificate{}, fmt.Errorf("%w: %w", provisioning.ErrBadCSR, err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.add(status), nil
}

func (f *fakeRegistry) RegisterCertificate(_ context.Context, _, status string) (provisioning.Certificate, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.add(status), nil
}

func (f *fakeRegistry) Certificate(_ context.Context, id string) (provisioning.Certificate, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.certs[id]
	if !ok {
		return provisioning.Certificate{}, false, nil
	}
	return *c, true, nil
}

func (f *fakeRegistry) SetCertificateStatus(_ context.Context, id, status string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.certs[id].Status = status
	return nil
}

func (f *fakeRegistry) DeleteCertificate(_ context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.certs, id)
	return nil
}

func (f *fakeRegistry) Thing(_ context.Context, name string) (provisioning.Thing, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.things[name]
	if !ok {
		return provisioning.Thing{}, false, nil
	}
	return *t, true, nil
}

func (f *fakeRegistry) apply(t *provisioning.Thing, c provisioning.ThingChange) error {
	if c.TypeName != nil {
		if *c.TypeName != "" && !f.types[*c.TypeName] {
			return fmt.Errorf("Thing type %s does not exist", *c.TypeName)
		}
		t.TypeName = *c.TypeName
	}
	if c.Attributes != nil {
		t.Attributes = maps.Clone(c.Attributes)
	}
	for _, g := range c.AddGroups {
		if !slices.Contains(t.Groups, g) {
			t.Groups = append(t.Groups, g)
		}
	}
	t.Groups = slices.DeleteFunc(t.Groups, func(g string) bool { return slices.Contains(c.RemoveGroups, g) })
	return nil
}

func (f *fakeRegistry) CreateThing(_ context.Context, c provisioning.ThingChange) (provisioning.Thing, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := &provisioning.Thing{Name: c.Name, ARN: "arn:aws:iot:us-east-1:123456789012:thing/" + c.Name, Attributes: map[string]string{}}
	if err := f.apply(t, c); err != nil {
		return provisioning.Thing{}, err
	}
	f.things[c.Name] = t
	return *t, nil
}

func (f *fakeRegistry) UpdateThing(_ context.Context, c provisioning.ThingChange) (provisioning.Thing, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := f.things[c.Name]
	if err := f.apply(t, c); err != nil {
		return provisioning.Thing{}, err
	}
	return *t, nil
}

func (f *fakeRegistry) Policy(_ context.Context, name string) (string, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, ok := f.policies[name]
	return "arn:aws:iot:us-east-1:123456789012:policy/" + name, ok, nil
}

func (f *fakeRegistry) CreatePolicy(_ context.Context, name, doc string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.policies[name] = doc
	return "arn:aws:iot:us-east-1:123456789012:policy/" + name, nil
}

func (f *fakeRegistry) AttachPolicy(_ context.Context, policy, certARN string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.attached[certARN] = append(f.attached[certARN], policy)
	return nil
}

func (f *fakeRegistry) AttachThingPrincipal(_ context.Context, thing, certARN string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.thingOf[certARN] = thing
	return nil
}

// invokerFunc is a provisioning.Invoker.
type invokerFunc func(ctx context.Context, function string, payload []byte) ([]byte, error)

func (f invokerFunc) Invoke(ctx context.Context, function string, payload []byte) ([]byte, error) {
	return f(ctx, function, payload)
}

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type fixture struct {
	svc   *provisioning.Service
	reg   *fakeRegistry
	clock *clock
}

func newFixture(t *testing.T, inv provisioning.Invoker) *fixture {
	t.Helper()
	f := &fixture{reg: newFakeRegistry(), clock: &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}}
	svc, err := provisioning.New(provisioning.Config{
		Region: "us-east-1", AccountID: "123456789012", Registry: f.reg, Invoker: inv, Now: f.clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	f.svc = svc
	t.Cleanup(func() { _ = svc.Close() })
	return f
}

const roleARN = "arn:aws:iam::123456789012:role/Provisioning"

// fleetTemplate is the official sample's template.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/provision-template.html#fleet-provisioning-example
const fleetTemplate = `{
  "Parameters": {"DeviceLocation": {"Type": "String"}, "AWS::IoT::Certificate::Id": {"Type": "String"}, "SerialNumber": {"Type": "String"}},
  "Mappings": {"LocationTable": {"Seattle": {"LocationUrl": "https://example.aws"}}},
  "Resources": {
    "thing": {"Type": "AWS::IoT::Thing",
      "Properties": {"ThingName": {"Fn::Join": ["", ["ThingPrefix_", {"Ref": "SerialNumber"}]]}, "AttributePayload": {"version": "v1", "serialNumber": "serialNumber"}},
      "OverrideSettings": {"AttributePayload": "MERGE", "ThingTypeName": "REPLACE", "ThingGroups": "DO_NOTHING"}},
    "certificate": {"Type": "AWS::IoT::Certificate",
      "Properties": {"CertificateId": {"Ref": "AWS::IoT::Certificate::Id"}, "Status": "Active"},
      "OverrideSettings": {"Status": "REPLACE"}},
    "policy": {"Type": "AWS::IoT::Policy",
      "Properties": {"PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["iot:Connect", "iot:Subscribe", "iot:Publish", "iot:Receive"], "Resource": "*"}]}}}
  },
  "DeviceConfiguration": {"FallbackUrl": "https://www.example.com/test-site", "LocationUrl": {"Fn::FindInMap": ["LocationTable", {"Ref": "DeviceLocation"}, "LocationUrl"]}}
}`

func (f *fixture) createTemplate(t *testing.T, name, body string, edit func(*provisioning.CreateProvisioningTemplateInput)) {
	t.Helper()
	in := provisioning.CreateProvisioningTemplateInput{TemplateName: name, TemplateBody: body, Enabled: true, ProvisioningRoleArn: roleARN}
	if edit != nil {
		edit(&in)
	}
	if _, err := f.svc.CreateProvisioningTemplate(context.Background(), in); err != nil {
		t.Fatalf("create template: %v", err)
	}
}

// mqtt sends one request and decodes the JSON reply.
func (f *fixture) mqtt(t *testing.T, topic string, payload any) (string, map[string]any) {
	t.Helper()
	var b []byte
	switch p := payload.(type) {
	case nil:
	case string:
		b = []byte(p)
	default:
		var err error
		if b, err = json.Marshal(p); err != nil {
			t.Fatal(err)
		}
	}
	r, ok := f.svc.HandleMQTT(context.Background(), provisioning.Request{ClientID: "dev1", Topic: topic, Payload: b})
	if !ok {
		t.Fatalf("no reply to %s", topic)
	}
	var doc map[string]any
	if err := json.Unmarshal(r.Payload, &doc); err != nil {
		t.Fatalf("reply %s: %v", r.Payload, err)
	}
	return r.Topic, doc
}

func csrPEM(t *testing.T, cn string) string {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: cn}}, k)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
}
