package registry_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/iotemu/iotemu/registry"
)

func TestPolicyVersions(t *testing.T) {
	r, _, _ := newRegistry(t)
	v, err := r.CreatePolicy("p", allowAll)
	must(t, err)
	if v.VersionID != "1" || !v.IsDefault || v.PolicyARN != "arn:aws:iot:eu-west-1:111122223333:policy/p" {
		t.Fatalf("got %+v", v)
	}
	_, err = r.CreatePolicy("p", allowAll)
	wantCode(t, err, registry.ResourceAlreadyExists)
	for i := 2; i <= registry.MaxPolicyVersions; i++ {
		v, err := r.CreatePolicyVersion("p", allowAll, i == 3)
		must(t, err)
		if v.IsDefault != (i == 3) {
			t.Fatalf("version %d: got default %v", i, v.IsDefault)
		}
	}
	_, err = r.CreatePolicyVersion("p", allowAll, false)
	wantCode(t, err, registry.VersionsLimitExceeded)
	p, err := r.GetPolicy("p")
	must(t, err)
	if p.DefaultVersionID != "3" {
		t.Fatalf("default: got %s, want 3", p.DefaultVersionID)
	}
	wantCode(t, r.DeletePolicyVersion("p", "3"), registry.DeleteConflict)
	wantCode(t, r.DeletePolicy("p"), registry.DeleteConflict) // other versions exist
	must(t, r.DeletePolicyVersion("p", "5"))
	v6, err := r.CreatePolicyVersion("p", allowAll, false)
	must(t, err)
	if v6.VersionID != "6" {
		t.Fatalf("version IDs are not reused: got %s, want 6", v6.VersionID)
	}
	must(t, r.SetDefaultPolicyVersion("p", "6"))
	vs, err := r.ListPolicyVersions("p")
	must(t, err)
	if len(vs) != 5 || vs[0].VersionID != "6" || !vs[0].IsDefault {
		t.Fatalf("got %+v", vs)
	}
	for _, id := range []string{"1", "2", "3", "4"} {
		must(t, r.DeletePolicyVersion("p", id))
	}
	wantCode(t, r.DeletePolicyVersion("p", "1"), registry.ResourceNotFound)
	_, err = r.GetPolicyVersion("p", "x")
	wantCode(t, err, registry.InvalidRequest)
	must(t, r.DeletePolicy("p"))
	_, err = r.GetPolicy("p")
	wantCode(t, err, registry.ResourceNotFound)
}

func TestMalformedPolicies(t *testing.T) {
	r, _, _ := newRegistry(t)
	bad := map[string]string{
		"not JSON":        `{"Statement":`,
		"array":           `[]`,
		"no statement":    `{"Version":"2012-10-17"}`,
		"empty list":      `{"Statement":[]}`,
		"bad effect":      `{"Statement":[{"Effect":"Maybe","Action":"iot:*","Resource":"*"}]}`,
		"no action":       `{"Statement":{"Effect":"Allow","Resource":"*"}}`,
		"no resource":     `{"Statement":{"Effect":"Allow","Action":"iot:*"}}`,
		"over 2048 chars": `{"Statement":{"Effect":"Allow","Action":"iot:*","Resource":"` + strings.Repeat("a", 2048) + `"}}`,
		"empty":           ``,
	}
	for name, doc := range bad {
		t.Run(name, func(t *testing.T) {
			_, err := r.CreatePolicy("p", doc)
			wantCode(t, err, registry.MalformedPolicy)
		})
	}
	for _, name := range []string{"", "a b", "a/b", strings.Repeat("p", 129)} {
		_, err := r.CreatePolicy(name, allowAll)
		wantCode(t, err, registry.InvalidRequest)
	}
	spaced := `{"Statement":{"Effect":"Allow","Action":"iot:*","Resource":"*"}}` + strings.Repeat(" \n", 3000)
	if _, err := r.CreatePolicy("spaces+=,.@-_", spaced); err != nil {
		t.Fatalf("white space does not count: %v", err)
	}
}

func TestPolicyValidatorSeam(t *testing.T) {
	r, err := registry.New(registry.Config{Region: "us-east-1", AccountID: "123456789012",
		ValidatePolicy: func(string) error { return errSeam }})
	must(t, err)
	_, err = r.CreatePolicy("p", allowAll)
	wantCode(t, err, registry.MalformedPolicy)
	if !strings.Contains(err.Error(), "seam says no") {
		t.Fatalf("got %v, want the validator's message", err)
	}
}

type seamError struct{}

func (seamError) Error() string { return "seam says no" }

var errSeam = seamError{}

func TestAttachments(t *testing.T) {
	r, _, _ := newRegistry(t)
	c, _, err := r.CreateKeysAndCertificate(true)
	must(t, err)
	for i := range registry.MaxPoliciesPerTarget + 1 {
		name := "p" + strings.Repeat("x", i)
		_, err := r.CreatePolicy(name, allowAll)
		must(t, err)
		err = r.AttachPolicy(name, c.ARN)
		if i < registry.MaxPoliciesPerTarget {
			must(t, err)
		} else {
			wantCode(t, err, registry.LimitExceeded)
		}
	}
	must(t, r.AttachPolicy("p", c.ARN)) // idempotent
	wantCode(t, r.AttachPolicy("nope", c.ARN), registry.ResourceNotFound)
	wantCode(t, r.AttachPolicy("p", r.CertificateARN(strings.Repeat("a", 64))), registry.ResourceNotFound)
	wantCode(t, r.AttachPolicy("p", "not a target"), registry.InvalidRequest)
	must(t, r.AttachPolicy("p", "us-east-1:0a1b2c3d-1111-2222-3333-444455556666"))
	wantCode(t, r.DeletePolicy("p"), registry.DeleteConflict)

	pols, _, err := r.ListAttachedPolicies(c.ARN, false, "", 0)
	must(t, err)
	if len(pols) != registry.MaxPoliciesPerTarget || pols[0].Name != "p" {
		t.Fatalf("got %d policies, first %+v", len(pols), pols[0])
	}
	targets, _, err := r.ListTargetsForPolicy("p", "", 0)
	must(t, err)
	if len(targets) != 2 {
		t.Fatalf("targets: got %v, want the certificate and the Cognito ID", targets)
	}
	must(t, r.DetachPolicy("p", c.ARN))
	must(t, r.DetachPolicy("p", c.ARN)) // detaching twice succeeds
	wantCode(t, r.DetachPrincipalPolicy("nope", c.ARN), registry.ResourceNotFound)
}

func TestIdentity(t *testing.T) {
	r, _, _ := newRegistry(t)
	c, _, err := r.CreateKeysAndCertificate(true)
	must(t, err)
	_, err = r.CreatePolicy("device", allowAll)
	must(t, err)
	_, err = r.CreatePolicy("fleet", `{"Statement":{"Effect":"Deny","Action":"iot:Publish","Resource":"*"}}`)
	must(t, err)
	must(t, r.AttachPolicy("device", c.ARN))
	_, err = r.CreateThingType(registry.CreateThingTypeInput{Name: "sensor"})
	must(t, err)
	_, err = r.CreateThing(registry.CreateThingInput{Name: "dev-1", TypeName: "sensor", Attributes: map[string]string{"floor": "2"}})
	must(t, err)
	_, err = r.CreateThingGroup(registry.CreateThingGroupInput{Name: "building"})
	must(t, err)
	_, err = r.CreateThingGroup(registry.CreateThingGroupInput{Name: "floor2", ParentName: "building"})
	must(t, err)
	must(t, r.AddThingToThingGroup("floor2", "dev-1"))
	must(t, r.AttachPolicy("fleet", r.ThingGroupARN("building")))

	id, err := r.IdentityForCertificate(c.X509.Raw, "dev-1")
	must(t, err)
	if id.Thing == nil || id.ThingAttached || len(id.Policies) != 1 {
		t.Fatalf("unattached thing: got %+v, want the thing, not attached, 1 policy", id)
	}
	must(t, r.AttachThingPrincipal("dev-1", c.ARN, ""))
	id, err = r.IdentityForCertificate(c.X509.Raw, "dev-1")
	must(t, err)
	if !id.ThingAttached || id.Thing.TypeName != "sensor" || id.Thing.Attributes["floor"] != "2" ||
		strings.Join(id.ThingGroups, ",") != "building,floor2" || len(id.Policies) != 2 || id.Policies[1].Name != "fleet" {
		t.Fatalf("attached: got %+v", id)
	}
	if id.Certificate.Status != registry.StatusActive || id.Policies[0].Document != allowAll || id.Policies[0].VersionID != "1" {
		t.Fatalf("got %+v", id)
	}
	id, err = r.IdentityForCertificate(c.X509.Raw, "other-client")
	must(t, err)
	if id.Thing != nil || len(id.Policies) != 1 {
		t.Fatalf("other client ID: got %+v, want no thing", id)
	}

	// An exclusive attachment makes the thing the connection's, whatever the client ID.
	_, err = r.CreateThing(registry.CreateThingInput{Name: "dev-2"})
	must(t, err)
	wantCode(t, r.AttachThingPrincipal("dev-2", c.ARN, registry.ExclusiveThing), registry.InvalidRequest)
	must(t, r.DetachThingPrincipal("dev-1", c.ARN))
	must(t, r.AttachThingPrincipal("dev-2", c.ARN, registry.ExclusiveThing))
	wantCode(t, r.AttachThingPrincipal("dev-1", c.ARN, ""), registry.InvalidRequest)
	id, err = r.IdentityForCertificate(c.X509.Raw, "anything")
	must(t, err)
	if id.Thing == nil || id.Thing.Name != "dev-2" || !id.ThingAttached {
		t.Fatalf("exclusive: got %+v, want dev-2 attached", id)
	}
	_, err = r.IdentityForCertificate([]byte("unknown"), "x")
	wantCode(t, err, registry.ResourceNotFound)
	if got := r.IdentityForPrincipal("us-east-1:0a1b", "x"); got.Thing != nil || len(got.Policies) != 0 {
		t.Fatalf("Cognito: got %+v", got)
	}
}

// TestConcurrentUse runs writers and readers together under -race.
func TestConcurrentUse(t *testing.T) {
	r, _, _ := newRegistry(t)
	c, _, err := r.CreateKeysAndCertificate(true)
	must(t, err)
	_, err = r.CreatePolicy("p", allowAll)
	must(t, err)
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			name := "t" + strings.Repeat("x", i)
			for range 50 {
				_, _ = r.CreateThing(registry.CreateThingInput{Name: name})
				_ = r.AttachThingPrincipal(name, c.ARN, "")
				_ = r.AttachPolicy("p", c.ARN)
				_, _ = r.IdentityForCertificate(c.X509.Raw, name)
				_, _, _ = r.ListThings(registry.ListThingsInput{})
				_ = r.DetachThingPrincipal(name, c.ARN)
				_ = r.DetachPolicy("p", c.ARN)
				_ = r.DeleteThing(name, nil)
			}
		})
	}
	wg.Wait()
}
