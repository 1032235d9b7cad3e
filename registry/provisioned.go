package registry

import "strings"

// SetCertificateStatus sets a certificate's status as the service itself
// does: fleet provisioning and JITP take a certificate out of
// PENDING_ACTIVATION, which UpdateCertificate refuses to clients.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/fleet-provision-api.html#register-thing
func (r *Registry) SetCertificateStatus(id string, status CertificateStatus) error {
	if err := validCertificateID(id); err != nil {
		return err
	}
	if !status.valid() {
		return errorf(InvalidRequest, "The certificate status %s is not valid", status)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.certs[strings.ToLower(strings.TrimPrefix(id, "0x"))]
	if !ok {
		return certNotFound(id)
	}
	c.Status = status
	c.LastModifiedDate = r.now()
	return nil
}
