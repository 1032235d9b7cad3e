package emulator

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"strconv"

	iotreg "github.com/iotemu/iotemu/registry"
)

// Just-in-time registration (JITR) and the seam of just-in-time
// provisioning (JITP): a TLS client presenting an unregistered certificate
// signed by an ACTIVE registered CA with auto-registration ENABLE gets its
// certificate registered PENDING_ACTIVATION (registry.AutoRegister), the
// registration event published, and its connection closed. Once the
// certificate is ACTIVE (UpdateCertificate, typically from a rule on the
// event) the next connection goes through as any other.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/auto-register-device-cert.html#configure-auto-reg-first-connect

// jitProvisioner runs the provisioning template of a CA's registration
// configuration (RegisterCACertificate registrationConfig) for a device
// certificate just registered under it: JITP. It is called on the
// connection's goroutine, after the registration event and before the
// connection is closed; its error is logged (AWS reports JITP failures in
// CloudWatch only) and the certificate then stays PENDING_ACTIVATION.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jit-provisioning.html#jit-provisioning-overview
type jitProvisioner func(ctx context.Context, reg iotreg.AutoRegistration) error

// certificateRegisteredEvent is the message on
// $aws/events/certificates/registered/{caCertificateId}, members in the
// documented order; certificateRegistrationTimestamp is a string of
// milliseconds, as AWS's own sample consumers read it (UNCONFIRMED,
// docs/compatibility.md).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/auto-register-device-cert.html#configure-auto-reg-first-connect
type certificateRegisteredEvent struct {
	CertificateID                    string `json:"certificateId"`
	CACertificateID                  string `json:"caCertificateId"`
	Timestamp                        int64  `json:"timestamp"`
	CertificateStatus                string `json:"certificateStatus"`
	AWSAccountID                     string `json:"awsAccountId"`
	CertificateRegistrationTimestamp string `json:"certificateRegistrationTimestamp"`
}

// refuseCertificate is the broker's RefuseCertificate: true for a
// certificate JITR has registered, or one still PENDING_ACTIVATION under a
// CA (AWS publishes the event again and disconnects again).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/reserved-topics.html#reserved-topics-event
func (s *Server) refuseCertificate(cert *x509.Certificate) bool {
	reg, ok := s.iotreg.AutoRegister(cert)
	if !ok {
		return false
	}
	s.log.Info("certificate registered just in time", "certificateId", reg.Certificate.ID,
		"caCertificateId", reg.CA.ID, "new", reg.New)
	// The event is published whatever the CA_CERTIFICATE event
	// configuration (UNCONFIRMED: JITR is documented without an enablement
	// step; docs/compatibility.md).
	ctx := context.Background()
	// The registered certificate (and below, what JITP made) is in the data
	// directory before the event announces it and before the CONNACK.
	if err := s.commit(provisioningAreas); err != nil {
		s.log.Error("data directory write failed after just-in-time registration", "certificateId", reg.Certificate.ID, "error", err)
	}
	ev, _ := json.Marshal(certificateRegisteredEvent{
		CertificateID: reg.Certificate.ID, CACertificateID: reg.CA.ID, Timestamp: s.cfg.Now().UnixMilli(),
		CertificateStatus: string(reg.Certificate.Status), AWSAccountID: s.cfg.AccountID,
		CertificateRegistrationTimestamp: strconv.FormatInt(reg.Certificate.CreationDate.UnixMilli(), 10),
	}) // a struct of strings and integers always marshals
	if err := s.Publish(ctx, Message{Topic: "$aws/events/certificates/registered/" + reg.CA.ID, Payload: ev, QoS: 1}); err != nil {
		s.log.Warn("certificate registered event not published", "certificateId", reg.Certificate.ID, "error", err)
	}
	if reg.New && reg.CA.RegistrationConfig != nil && s.provisionJIT != nil {
		if err := s.provisionJIT(ctx, reg); err != nil {
			s.log.Warn("just-in-time provisioning failed", "certificateId", reg.Certificate.ID, "caCertificateId", reg.CA.ID, "error", err)
		}
		if err := s.commit(provisioningAreas); err != nil {
			s.log.Error("data directory write failed after just-in-time provisioning", "certificateId", reg.Certificate.ID, "error", err)
		}
	}
	return true
}
