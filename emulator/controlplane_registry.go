package emulator

import (
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/internal/certs"
	"github.com/iotemu/iotemu/internal/route"
	"github.com/iotemu/iotemu/policy"
	iotreg "github.com/iotemu/iotemu/registry"
)

// The IoT control-plane operations on the registry, certificates and
// policies, on the HTTP port. Paths, methods, query and header names and
// JSON members are those of aws-sdk-go-v2 service/iot v1.75.0
// serializers.go/deserializers.go; statuses and error shapes come from the
// registry package's table (iot service-2.json).
//
// The registry package is imported as iotreg because this package already
// has a type named registry (the MQTT connections, connections.go).

// maxRegistryBodyBytes bounds what a request makes the emulator read.
const maxRegistryBodyBytes = 1 << 20

// newIoTRegistry creates the registry with the emulator's CA as issuer and
// as the one registered CA, and the policy package as validator.
func (s *Server) newIoTRegistry() error {
	alg := iotreg.KeyRSA2048
	if s.cfg.Compat.ECDSAKeysAndCertificate {
		alg = iotreg.KeyECDSAP256
	}
	r, err := iotreg.New(iotreg.Config{
		Region: s.cfg.Region, AccountID: s.cfg.AccountID, Now: s.cfg.Now,
		Issuer: caIssuer{s.ca}, CAs: []*x509.Certificate{s.ca.Cert}, KeyAlgorithm: alg,
		ValidatePolicy: validatePolicy,
	})
	if err != nil {
		return err
	}
	s.iotreg = r
	return nil
}

// validatePolicy is CreatePolicy's validation: the policy package's parser,
// whose errors carry AWS's MalformedPolicyException messages.
func validatePolicy(doc string) error {
	_, err := policy.Parse(doc)
	return err
}

// caIssuer issues device certificates from the emulator's CA.
type caIssuer struct{ ca *certs.Authority }

var _ iotreg.Issuer = caIssuer{}

func (c caIssuer) Issue(pub crypto.PublicKey, subject pkix.Name, now time.Time) ([]byte, error) {
	return c.ca.IssueDevice(pub, subject, now)
}

// Registry returns the thing registry, certificates and policies, for
// seeding and inspecting from Go.
func (s *Server) Registry() *iotreg.Registry { return s.iotreg }

// registerRegistryRoutes adds the registry operations to the router.
func (s *Server) registerRegistryRoutes(rt *route.Router) {
	s.registerThingRoutes(rt)
	s.registerThingTypeRoutes(rt)
	s.registerThingGroupRoutes(rt)
	s.registerCertificateRoutes(rt)
	s.registerPolicyRoutes(rt)
	s.registerAttachmentRoutes(rt)
	rt.HandleFunc("/endpoint", s.handleDescribeEndpoint, http.MethodGet)
}

// writeRegistryError writes a registry error with its modelled shape and
// status; any other error is an InternalFailureException.
func writeRegistryError(w http.ResponseWriter, err error) {
	var re *iotreg.Error
	if errors.As(err, &re) {
		writeError(w, &awsrest.Error{Status: re.Status(), Type: string(re.Code), Message: re.Message})
		return
	}
	var ae *awsrest.Error
	if errors.As(err, &ae) {
		writeError(w, ae)
		return
	}
	writeError(w, awsrest.Errorf(http.StatusInternalServerError, string(iotreg.InternalFailure), "%v", err))
}

// readJSON decodes the request body into v; an empty body is {}.
func readJSON(r *http.Request, v any) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRegistryBodyBytes+1))
	if err != nil {
		return invalid("Unable to read the request body: %v", err)
	}
	if len(body) > maxRegistryBodyBytes {
		return awsrest.Errorf(http.StatusRequestEntityTooLarge, string(iotreg.InvalidRequest), "The request body exceeds %d bytes", maxRegistryBodyBytes)
	}
	if len(body) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		return invalid("Could not parse request body into json: %v", err)
	}
	return nil
}

// queryInt reads an integer query parameter ("" → 0).
func queryInt(r *http.Request, name string) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, invalid("Invalid %s: %q is not an integer", name, v)
	}
	return n, nil
}

// queryVersion reads an optional long query parameter (expectedVersion).
func queryVersion(r *http.Request, name string) (*int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return nil, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return nil, invalid("Invalid %s: %q is not a long", name, v)
	}
	return &n, nil
}

// queryBool reads a boolean query parameter ("" → false).
func queryBool(r *http.Request, name string) (bool, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, invalid("Invalid %s: %q is not a boolean", name, v)
	}
	return b, nil
}

// requiredHeader reads a header the operation requires.
func requiredHeader(r *http.Request, name string) (string, error) {
	v := r.Header.Get(name)
	if v == "" {
		return "", invalid("Missing required header %s", name)
	}
	return v, nil
}

// pageParams reads maxResults and nextToken (or pageSize and marker).
func pageParams(r *http.Request, sizeName, tokenName string) (size int, token string, err error) {
	size, err = queryInt(r, sizeName)
	return size, r.URL.Query().Get(tokenName), err
}

// epochPtr is an optional timestamp member.
func epochPtr(t time.Time) *float64 {
	if t.IsZero() {
		return nil
	}
	v := epochSeconds(t)
	return &v
}
