package provisioning

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"slices"
	"strings"
)

// A run provisions the resources of one template body with one set of
// parameters: everything is evaluated first, then the certificate, the
// thing, the policies, the attachments and the certificate's status, in
// the order the guide gives for JITP.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jit-provisioning.html#jit-provisioning-example-templatebody

// certSource says which certificate properties a run accepts.
type certSource int

const (
	// certByID only: fleet provisioning and JITP, where the certificate
	// already exists (AWS::IoT::Certificate::Id).
	// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/provision-template.html#certificate-resources
	certByID certSource = iota
	// certAny: RegisterThing (CSR, PEM or id).
	certAny
)

type runInput struct {
	body    *Body
	params  map[string]string
	sources certSource
}

// runResult is what a run provisioned.
type runResult struct {
	thingName           string
	certificateID       string
	certificatePEM      string // of a certificate signed from a CSR
	resourceARNs        map[string]string
	deviceConfiguration map[string]string
}

// plan is a body evaluated with its parameters.
type plan struct {
	thing    *thingPlan
	cert     *certPlan
	policies []policyPlan
	config   map[string]string
}

type thingPlan struct {
	logical    string
	name       string
	typeName   *string
	attributes map[string]string // nil when absent
	groups     []string
	billing    string
	override   map[string]string
}

type certPlan struct {
	logical  string
	id       string
	csr      string
	pem      string
	status   string
	override map[string]string
}

type policyPlan struct {
	logical  string
	name     string
	document string
}

func (s *Service) evaluate(in runInput) (*plan, *Error) {
	e := newEvaluator(in.body, in.params)
	p := &plan{config: map[string]string{}}
	for _, r := range in.body.Resources {
		if r.Condition != "" {
			ok, err := e.condition(r.Condition)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
		}
		v, err := e.eval(r.Properties)
		if err != nil {
			return nil, err
		}
		props, _ := v.(map[string]any)
		switch r.Type {
		case ResourceThing:
			p.thing, err = thingOf(r, props)
		case ResourceCertificate:
			p.cert, err = certOf(r, props, in.sources)
		case ResourcePolicy:
			var pol policyPlan
			pol, err = policyOf(r, props)
			p.policies = append(p.policies, pol)
		}
		if err != nil {
			return nil, err
		}
	}
	for k, v := range in.body.DeviceConfiguration {
		r, err := e.eval(v)
		if err != nil {
			return nil, err
		}
		if r == noValue {
			continue
		}
		sv, ok := r.(string)
		if !ok {
			if b, isBool := r.(bool); isBool {
				sv = boolString(b)
			} else {
				return nil, templateError("DeviceConfiguration %s must evaluate to a string", k)
			}
		}
		p.config[k] = sv
	}
	return p, nil
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func stringProp(props map[string]any, key, logical string) (string, bool, *Error) {
	v, ok := props[key]
	if !ok {
		return "", false, nil
	}
	s, isStr := v.(string)
	if !isStr {
		return "", false, templateError("Property %s of resource %s must be a string", key, logical)
	}
	return s, true, nil
}

// thingOf reads a thing resource's ThingName, AttributePayload,
// ThingTypeName, ThingGroups and BillingGroup.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/provision-template.html#thing-resources
func thingOf(r Resource, props map[string]any) (*thingPlan, *Error) {
	t := &thingPlan{logical: r.LogicalName, override: r.Override}
	name, ok, err := stringProp(props, "ThingName", r.LogicalName)
	if err != nil {
		return nil, err
	}
	if !ok || name == "" {
		return nil, templateError("Resource %s has no ThingName", r.LogicalName)
	}
	t.name = name
	if tn, ok, err := stringProp(props, "ThingTypeName", r.LogicalName); err != nil {
		return nil, err
	} else if ok {
		t.typeName = &tn
	}
	b, _, err := stringProp(props, "BillingGroup", r.LogicalName)
	if err != nil {
		return nil, err
	}
	t.billing = b
	if a, ok := props["AttributePayload"]; ok {
		m, isMap := a.(map[string]any)
		if !isMap {
			return nil, templateError("AttributePayload of resource %s must be an object", r.LogicalName)
		}
		t.attributes = map[string]string{}
		for k, v := range m {
			s, isStr := v.(string)
			if !isStr {
				return nil, templateError("Attribute %s of resource %s must be a string", k, r.LogicalName)
			}
			t.attributes[k] = s
		}
	}
	if g, ok := props["ThingGroups"]; ok {
		l, isList := g.([]any)
		if !isList {
			return nil, templateError("ThingGroups of resource %s must be a list", r.LogicalName)
		}
		for _, x := range l {
			s, isStr := x.(string)
			if !isStr {
				return nil, templateError("ThingGroups of resource %s must be strings", r.LogicalName)
			}
			t.groups = append(t.groups, s)
		}
	}
	return t, nil
}

// certOf reads a certificate resource: exactly one of CertificateId,
// CertificateSigningRequest and CertificatePem, and Status (ACTIVE by
// default, compared case-insensitively: the examples say "Active").
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/provision-template.html#certificate-resources
func certOf(r Resource, props map[string]any, sources certSource) (*certPlan, *Error) {
	c := &certPlan{logical: r.LogicalName, override: r.Override, status: StatusActive}
	n := 0
	for key, dst := range map[string]*string{"CertificateId": &c.id, "CertificateSigningRequest": &c.csr, "CertificatePem": &c.pem} {
		v, ok, err := stringProp(props, key, r.LogicalName)
		if err != nil {
			return nil, err
		}
		if ok {
			*dst = v
			n++
		}
	}
	if n != 1 {
		return nil, templateError("Resource %s must have exactly one of CertificateId, CertificateSigningRequest and CertificatePem", r.LogicalName)
	}
	if sources == certByID && c.id == "" {
		return nil, templateError("Resource %s must use CertificateId: this template type provisions an existing certificate", r.LogicalName)
	}
	if st, ok, err := stringProp(props, "Status", r.LogicalName); err != nil {
		return nil, err
	} else if ok {
		c.status = strings.ToUpper(st)
		if c.status != StatusActive && c.status != StatusInactive {
			return nil, templateError("Resource %s has the invalid Status %s", r.LogicalName, st)
		}
	}
	return c, nil
}

// policyOf reads a policy resource: PolicyName (an existing policy) or
// PolicyDocument (a JSON string, or an object as in the fleet example);
// without a name, the name is the SHA-256 of the document.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/provision-template.html#policy-resources
func policyOf(r Resource, props map[string]any) (policyPlan, *Error) {
	p := policyPlan{logical: r.LogicalName}
	name, _, err := stringProp(props, "PolicyName", r.LogicalName)
	if err != nil {
		return p, err
	}
	p.name = name
	switch d := props["PolicyDocument"].(type) {
	case nil:
	case string:
		p.document = d
	case map[string]any:
		b, mErr := json.Marshal(d)
		if mErr != nil {
			return p, templateError("PolicyDocument of resource %s cannot be encoded", r.LogicalName)
		}
		p.document = string(b)
	default:
		return p, templateError("PolicyDocument of resource %s must be a string or an object", r.LogicalName)
	}
	if p.name == "" && p.document == "" {
		return p, templateError("Resource %s must have PolicyName or PolicyDocument", r.LogicalName)
	}
	if p.name == "" {
		sum := sha256.Sum256([]byte(p.document))
		p.name = hex.EncodeToString(sum[:])
	}
	return p, nil
}

// run evaluates and provisions.
func (s *Service) run(ctx context.Context, in runInput) (runResult, error) {
	p, perr := s.evaluate(in)
	if perr != nil {
		return runResult{}, perr
	}
	s.runMu.Lock()
	defer s.runMu.Unlock()
	reg := s.cfg.Registry
	res := runResult{resourceARNs: map[string]string{}, deviceConfiguration: p.config}
	var cert Certificate
	if p.cert != nil {
		c, pemOut, err := s.provisionCert(ctx, p.cert)
		if err != nil {
			return runResult{}, err
		}
		cert, res.certificatePEM, res.certificateID = c, pemOut, c.ID
		res.resourceARNs[p.cert.logical] = c.ARN
	}
	if p.thing != nil {
		t, err := s.provisionThing(ctx, p.thing)
		if err != nil {
			return runResult{}, err
		}
		res.thingName = t.Name
		res.resourceARNs[p.thing.logical] = t.ARN
	}
	for _, pol := range p.policies {
		arn, err := s.provisionPolicy(ctx, pol)
		if err != nil {
			return runResult{}, err
		}
		res.resourceARNs[pol.logical] = arn
		if cert.ARN != "" {
			if err := reg.AttachPolicy(ctx, pol.name, cert.ARN); err != nil {
				return runResult{}, registrationError(err)
			}
		}
	}
	if cert.ARN != "" && res.thingName != "" {
		if err := reg.AttachThingPrincipal(ctx, res.thingName, cert.ARN); err != nil {
			return runResult{}, registrationError(err)
		}
	}
	if p.cert != nil && cert.Status != p.cert.status && (cert.Status == StatusPendingActivation || p.cert.override["Status"] == "REPLACE") {
		if err := reg.SetCertificateStatus(ctx, cert.ID, p.cert.status); err != nil {
			return runResult{}, registrationError(err)
		}
	}
	return res, nil
}

// registrationError is a registry failure: ResourceRegistrationFailure
// with the registry's message (observed for a missing thing type).
func registrationError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return mqttErrorf(ResourceRegistrationFailure, http.StatusBadRequest, MQTTRegistration, "%s", err.Error())
}

func (s *Service) provisionCert(ctx context.Context, c *certPlan) (Certificate, string, error) {
	reg := s.cfg.Registry
	switch {
	case c.csr != "":
		cert, err := reg.CreateCertificateFromCSR(ctx, c.csr, c.status)
		if errors.Is(err, ErrBadCSR) {
			return Certificate{}, "", mqttErrorf(InvalidRequest, http.StatusBadRequest, MQTTInvalidCSR, "%s", err.Error())
		}
		if err != nil {
			return Certificate{}, "", registrationError(err)
		}
		return cert, cert.PEM, nil
	case c.pem != "":
		cert, err := reg.RegisterCertificate(ctx, c.pem, c.status)
		if err != nil {
			return Certificate{}, "", registrationError(err)
		}
		return cert, "", nil
	}
	cert, ok, err := reg.Certificate(ctx, c.id)
	if err != nil {
		return Certificate{}, "", registrationError(err)
	}
	if !ok {
		return Certificate{}, "", mqttErrorf(ResourceRegistrationFailure, http.StatusBadRequest, MQTTRegistration,
			"The certificate %s does not exist", c.id)
	}
	if o := c.override["Status"]; o == "FAIL" && cert.Status != StatusPendingActivation && cert.Status != c.status {
		return Certificate{}, "", conflict("certificate %s has status %s", cert.ID, cert.Status)
	}
	return cert, "", nil
}

// conflict is OverrideSettings FAIL on an existing resource that differs.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/provision-template.html#override-settings
// ("ResourceConflictsException").
func conflict(format string, args ...any) *Error {
	return mqttErrorf(ResourceRegistrationFailure, http.StatusBadRequest, "ResourceConflictsException", "Resource conflict: "+format, args...)
}

// provisionThing creates the thing, or applies the override settings to
// an existing one; without a setting a property is left alone (DO_NOTHING,
// UNCONFIRMED).
func (s *Service) provisionThing(ctx context.Context, t *thingPlan) (Thing, error) {
	reg := s.cfg.Registry
	old, exists, err := reg.Thing(ctx, t.name)
	if err != nil {
		return Thing{}, registrationError(err)
	}
	if !exists {
		th, err := reg.CreateThing(ctx, ThingChange{Name: t.name, TypeName: t.typeName, Attributes: t.attributes, AddGroups: t.groups, BillingGroup: t.billing})
		if err != nil {
			return Thing{}, registrationError(err)
		}
		return th, nil
	}
	ch := ThingChange{Name: t.name, BillingGroup: t.billing}
	changed := t.billing != ""
	if t.attributes != nil {
		switch t.override["AttributePayload"] {
		case "REPLACE":
			ch.Attributes, changed = t.attributes, true
		case "MERGE":
			merged := maps.Clone(old.Attributes)
			if merged == nil {
				merged = map[string]string{}
			}
			maps.Copy(merged, t.attributes)
			ch.Attributes, changed = merged, true
		case "FAIL":
			if !maps.Equal(old.Attributes, t.attributes) {
				return Thing{}, conflict("thing %s has other attributes", t.name)
			}
		}
	}
	if t.typeName != nil && *t.typeName != old.TypeName {
		switch t.override["ThingTypeName"] {
		case "REPLACE":
			ch.TypeName, changed = t.typeName, true
		case "FAIL":
			return Thing{}, conflict("thing %s has thing type %q", t.name, old.TypeName)
		}
	}
	if t.groups != nil {
		switch t.override["ThingGroups"] {
		case "MERGE":
			ch.AddGroups, changed = t.groups, true
		case "REPLACE":
			ch.AddGroups, changed = t.groups, true
			for _, g := range old.Groups {
				if !slices.Contains(t.groups, g) {
					ch.RemoveGroups = append(ch.RemoveGroups, g)
				}
			}
		case "FAIL":
			if !sameSet(old.Groups, t.groups) {
				return Thing{}, conflict("thing %s is in other thing groups", t.name)
			}
		}
	}
	if !changed {
		return old, nil
	}
	th, err := reg.UpdateThing(ctx, ch)
	if err != nil {
		return Thing{}, registrationError(err)
	}
	return th, nil
}

func sameSet(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(slices.Compact(x), slices.Compact(y))
}

// provisionPolicy returns the policy's ARN, creating it from its document
// when no policy of that name exists.
func (s *Service) provisionPolicy(ctx context.Context, p policyPlan) (string, error) {
	reg := s.cfg.Registry
	arn, ok, err := reg.Policy(ctx, p.name)
	if err != nil {
		return "", registrationError(err)
	}
	if ok {
		return arn, nil
	}
	if p.document == "" {
		return "", mqttErrorf(ResourceRegistrationFailure, http.StatusBadRequest, MQTTRegistration, "The policy %s does not exist", p.name)
	}
	arn, err = reg.CreatePolicy(ctx, p.name, p.document)
	if err != nil {
		return "", registrationError(err)
	}
	return arn, nil
}
