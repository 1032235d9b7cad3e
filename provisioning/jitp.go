package provisioning

import (
	"context"
	"crypto/x509"
	"encoding/asn1"
	"fmt"
)

// Just-in-time provisioning: the first connection of a device certificate
// signed by a registered CA with a provisioning template runs the template
// with parameters from the certificate.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jit-provisioning.html#jit-provisioning-overview

// JITPInput is one just-in-time provisioning: the CA's registrationConfig
// (an inline templateBody, or the templateName of a JITP template) and
// the device certificate, already registered PENDING_ACTIVATION.
type JITPInput struct {
	TemplateBody string
	TemplateName string
	// CertificateID is the registered device certificate's ID.
	CertificateID string
	// Certificate is the device certificate (its subject gives the
	// parameters).
	Certificate *x509.Certificate
}

// JITPResult is what it provisioned.
type JITPResult struct {
	ThingName    string
	ResourceARNs map[string]string
}

// oidDNQualifier is distinguishedNameQualifier (X.520).
var oidDNQualifier = asn1.ObjectIdentifier{2, 5, 4, 46}

// JITPParameters are the parameters a certificate gives a JITP template:
// the AWS::IoT::Certificate::* names present in its subject, and its ID.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jit-provisioning.html#jit-provisioning-overview
func JITPParameters(c *x509.Certificate, certID string) map[string]string {
	p := map[string]string{CertificateIDParameter: certID}
	first := func(name string, vs []string) {
		if len(vs) > 0 && vs[0] != "" {
			p["AWS::IoT::Certificate::"+name] = vs[0]
		}
	}
	first("Country", c.Subject.Country)
	first("Organization", c.Subject.Organization)
	first("OrganizationalUnit", c.Subject.OrganizationalUnit)
	first("StateName", c.Subject.Province)
	first("CommonName", []string{c.Subject.CommonName})
	first("SerialNumber", []string{c.Subject.SerialNumber})
	for _, n := range c.Subject.Names {
		if n.Type.Equal(oidDNQualifier) {
			first("DistinguishedNameQualifier", []string{fmt.Sprint(n.Value)})
		}
	}
	return p
}

// ProvisionJITP runs a CA's provisioning template for a device
// certificate. Every parameter the template declares without a default
// must be in the certificate, else provisioning fails and the certificate
// stays PENDING_ACTIVATION; the certificate resource must use
// CertificateId. The CA path (JITR) calls it at the first connection.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jit-provisioning.html#jit-provisioning-example-templatebody
func (s *Service) ProvisionJITP(ctx context.Context, in JITPInput) (JITPResult, error) {
	if in.Certificate == nil || in.CertificateID == "" {
		return JITPResult{}, errorf(InvalidRequest, "JITP needs the device certificate and its ID")
	}
	var body *Body
	switch {
	case in.TemplateName != "":
		t, b, err := s.activeTemplate(in.TemplateName)
		if err != nil {
			return JITPResult{}, err
		}
		if t.typ != TypeJITP {
			return JITPResult{}, errorf(InvalidRequest, "The provisioning template %s is of type %s, not JITP", t.name, t.typ)
		}
		body = b
	case in.TemplateBody != "":
		b, err := parseTemplateBody(in.TemplateBody)
		if err != nil {
			return JITPResult{}, err
		}
		body = b
	default:
		return JITPResult{}, errorf(InvalidRequest, "The CA has no provisioning template")
	}
	params := JITPParameters(in.Certificate, in.CertificateID)
	for name, p := range body.Parameters {
		if _, ok := params[name]; !ok && p.Default == nil {
			return JITPResult{}, templateError("The certificate has no value for parameter %s", name)
		}
	}
	res, err := s.run(ctx, runInput{body: body, params: params, sources: certByID})
	if err != nil {
		s.log.Warn("just-in-time provisioning failed", "certificateId", in.CertificateID, "error", err)
		return JITPResult{}, err
	}
	s.log.Info("just-in-time provisioning", "certificateId", in.CertificateID, "thing", res.thingName)
	return JITPResult{ThingName: res.thingName, ResourceARNs: res.resourceARNs}, nil
}
