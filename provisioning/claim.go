package provisioning

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// claimLifetime: a provisioning claim "is valid for five minutes".
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/provision-wo-cert.html#trusted-user
const claimLifetime = 5 * time.Minute

// KeyPair is a key pair of CreateProvisioningClaim.
type KeyPair struct {
	PublicKey  string `json:"PublicKey"`
	PrivateKey string `json:"PrivateKey"`
}

// CreateProvisioningClaimOutput is CreateProvisioningClaim's response.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateProvisioningClaim.html#API_CreateProvisioningClaim_ResponseSyntax
type CreateProvisioningClaimOutput struct {
	CertificateID  string    `json:"certificateId"`
	CertificatePem string    `json:"certificatePem"`
	KeyPair        KeyPair   `json:"keyPair"`
	Expiration     Timestamp `json:"expiration"`
}

// ClaimPolicyName is the policy attached to every claim certificate of a
// template: what a claim may do over MQTT (the fleet provisioning topics of
// that template), so that it works in strict mode. AWS scopes claims
// internally (docs/compatibility.md "Fleet provisioning").
func ClaimPolicyName(template string) string { return "iotemu-provisioning-claim-" + template }

// claimPolicy is ClaimPolicyName's document: the claim policy of the
// guide's claim-based example, for one template.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/provision-wo-cert.html#claim-based
func (s *Service) claimPolicy(template string) string {
	topic := s.arn("topic/$aws/")
	filter := s.arn("topicfilter/$aws/")
	return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[`+
		`{"Effect":"Allow","Action":["iot:Connect"],"Resource":"*"},`+
		`{"Effect":"Allow","Action":["iot:Publish","iot:Receive"],"Resource":["%[1]scertificates/create/*","%[1]sprovisioning-templates/%[3]s/provision/*"]},`+
		`{"Effect":"Allow","Action":["iot:Subscribe"],"Resource":["%[2]scertificates/create/*","%[2]sprovisioning-templates/%[3]s/provision/*"]}]}`,
		topic, filter, template)
}

// CreateProvisioningClaim issues a temporary claim certificate, valid for
// five minutes, with which a device may provision itself with the
// template (the trusted-user flow).
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateProvisioningClaim.html
func (s *Service) CreateProvisioningClaim(ctx context.Context, templateName string) (CreateProvisioningClaimOutput, error) {
	if err := checkTemplateName(templateName); err != nil {
		return CreateProvisioningClaimOutput{}, err
	}
	t, _, err := s.activeTemplate(templateName)
	if err != nil {
		return CreateProvisioningClaimOutput{}, err
	}
	if t.typ != TypeFleetProvisioning {
		return CreateProvisioningClaimOutput{}, errorf(InvalidRequest, "The provisioning template %s is of type %s, not FLEET_PROVISIONING", t.name, t.typ)
	}
	reg := s.cfg.Registry
	cert, keys, err := reg.CreateKeysAndCertificate(ctx, StatusActive)
	if err != nil {
		return CreateProvisioningClaimOutput{}, registrationError(err)
	}
	policy := ClaimPolicyName(t.name)
	if _, ok, err := reg.Policy(ctx, policy); err != nil {
		return CreateProvisioningClaimOutput{}, registrationError(err)
	} else if !ok {
		if _, err := reg.CreatePolicy(ctx, policy, s.claimPolicy(t.name)); err != nil {
			return CreateProvisioningClaimOutput{}, registrationError(err)
		}
	}
	if err := reg.AttachPolicy(ctx, policy, cert.ARN); err != nil {
		return CreateProvisioningClaimOutput{}, registrationError(err)
	}
	expires := s.cfg.Now().Add(claimLifetime)
	if err := s.lock(); err != nil {
		return CreateProvisioningClaimOutput{}, err
	}
	s.claims[cert.ID] = claim{template: t.name, expires: expires}
	s.mu.Unlock()
	s.log.Info("CreateProvisioningClaim", "template", t.name, "certificateId", cert.ID, "expiration", expires)
	return CreateProvisioningClaimOutput{
		CertificateID: cert.ID, CertificatePem: cert.PEM, KeyPair: KeyPair(keys), Expiration: Timestamp{Time: expires},
	}, nil
}

// checkClaim refuses a provisioning claim used with another template, or
// after it expired (UNCONFIRMED codes).
func (s *Service) checkClaim(certID, template string) error {
	if certID == "" {
		return nil
	}
	if err := s.lock(); err != nil {
		return err
	}
	c, ok := s.claims[certID]
	now := s.cfg.Now()
	s.mu.Unlock()
	if !ok {
		return nil
	}
	if now.After(c.expires) {
		return mqttErrorf(InvalidRequest, http.StatusForbidden, MQTTAccessDenied, "The provisioning claim has expired")
	}
	if c.template != template {
		return mqttErrorf(InvalidRequest, http.StatusForbidden, MQTTAccessDenied,
			"The provisioning claim is for template %s, not %s", c.template, template)
	}
	return nil
}

func isBadCSR(err error) bool { return errors.Is(err, ErrBadCSR) }
