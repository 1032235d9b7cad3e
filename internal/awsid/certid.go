package awsid

import (
	"crypto/sha256"
	"encoding/hex"
)

// CertificateID is AWS IoT's ID of a DER certificate: the lowercase hex
// SHA-256 fingerprint, 64 characters (`openssl x509 -fingerprint -sha256`
// without colons).
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_Certificate.html#iot-Type-Certificate-certificateId
func CertificateID(der []byte) string {
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:])
}
