package provisioning

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/fxamacker/cbor/v2"
)

// The MQTT API of fleet provisioning: CreateKeysAndCertificate,
// CreateCertificateFromCsr and RegisterThing, in JSON or CBOR. Replies are
// published on the request topic plus /accepted or /rejected, encoded like
// the request.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/fleet-provision-api.html#fleet-provision-api

// Limits of the API.
const (
	// tokenLifetime: "The certificate ownership token ... expires after
	// one hour."
	// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/fleet-provision-api.html#create-keys-cert
	tokenLifetime = time.Hour
	maxCSR        = 4096 // CertificateSigningRequest
	maxParamKey   = 2048 // RegisterThing's Parameter
	maxParamValue = 4096 // RegisterThing's Value
	// maxParameters bounds a request's parameters (UNCONFIRMED).
	maxParameters = 100
)

// Request is a message a device published on a fleet provisioning topic.
type Request struct {
	// ClientID is the publishing client.
	ClientID string
	// CertificateID is the ID of the certificate the client connected
	// with (the claim certificate), "" if none.
	CertificateID string
	Topic         string
	Payload       []byte
}

// Reply is the answer to send to the requesting client.
type Reply struct {
	Topic   string
	Payload []byte
}

// Operations of the API.
const (
	opCreate        = "create"
	opCreateFromCSR = "create-from-csr"
	opProvision     = "provision"
)

// parsedTopic is a request topic.
type parsedTopic struct {
	op, template, format string
}

// ParseTopic recognises a request topic of the API.
func parseTopic(topic string) (parsedTopic, bool) {
	l := strings.Split(topic, "/")
	switch {
	case len(l) == 4 && l[0] == "$aws" && l[1] == "certificates" && (l[2] == opCreate || l[2] == opCreateFromCSR):
		return parsedTopic{op: l[2], format: l[3]}, l[3] == "json" || l[3] == "cbor"
	case len(l) == 5 && l[0] == "$aws" && l[1] == "provisioning-templates" && l[3] == opProvision:
		return parsedTopic{op: opProvision, template: l[2], format: l[4]}, l[4] == "json" || l[4] == "cbor"
	}
	return parsedTopic{}, false
}

// IsRequestTopic reports whether topic is a request topic of the fleet
// provisioning API.
func IsRequestTopic(topic string) bool {
	_, ok := parseTopic(topic)
	return ok
}

// HandleMQTT answers one request. ok is false for a topic that is not a
// request topic (no reply, UNCONFIRMED: AWS's behaviour for an unknown
// format segment).
func (s *Service) HandleMQTT(ctx context.Context, req Request) (reply Reply, ok bool) {
	t, ok := parseTopic(req.Topic)
	if !ok {
		return Reply{}, false
	}
	s.Sweep(ctx)
	var out any
	var err error
	switch t.op {
	case opCreate:
		out, err = s.createKeys(ctx, req, t)
	case opCreateFromCSR:
		out, err = s.createFromCSR(ctx, req, t)
	default:
		out, err = s.registerThingMQTT(ctx, req, t)
	}
	suffix := "/accepted"
	if err != nil {
		e := AsError(err)
		s.log.Info("fleet provisioning request rejected", "topic", req.Topic, "clientId", req.ClientID, "errorCode", e.Rejected().ErrorCode, "message", e.Message)
		out, suffix = e.Rejected(), "/rejected"
	} else {
		s.log.Info("fleet provisioning request accepted", "topic", req.Topic, "clientId", req.ClientID)
	}
	payload, encErr := encode(t.format, out)
	if encErr != nil {
		s.log.Warn("encode fleet provisioning reply", "error", encErr)
		return Reply{}, false
	}
	return Reply{Topic: req.Topic + suffix, Payload: payload}, true
}

func encode(format string, v any) ([]byte, error) {
	if format == "cbor" {
		return cbor.Marshal(v) //nolint:wrapcheck // the caller logs it
	}
	return json.Marshal(v) //nolint:wrapcheck // the caller logs it
}

// decode reads a request document; an empty payload is an empty object.
func decode(format string, payload []byte, v any) error {
	if len(bytes.TrimSpace(payload)) == 0 {
		return nil
	}
	var err error
	if format == "cbor" {
		err = cbor.Unmarshal(payload, v)
	} else {
		err = json.Unmarshal(payload, v)
	}
	if err != nil {
		return mqttErrorf(InvalidRequest, http.StatusBadRequest, MQTTInvalidPayload, "The request payload is not a valid %s document", strings.ToUpper(format))
	}
	return nil
}

// createKeysReply is CreateKeysAndCertificate's accepted document.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/fleet-provision-api.html#create-keys-cert
type createKeysReply struct {
	CertificateID             string `json:"certificateId" cbor:"certificateId"`
	CertificatePem            string `json:"certificatePem" cbor:"certificatePem"`
	PrivateKey                string `json:"privateKey" cbor:"privateKey"`
	CertificateOwnershipToken string `json:"certificateOwnershipToken" cbor:"certificateOwnershipToken"`
}

// createKeys issues a key pair and a certificate, PENDING_ACTIVATION
// until RegisterThing, and its ownership token.
func (s *Service) createKeys(ctx context.Context, req Request, t parsedTopic) (any, error) {
	var ignored map[string]any
	if err := decode(t.format, req.Payload, &ignored); err != nil {
		return nil, err
	}
	cert, keys, err := s.cfg.Registry.CreateKeysAndCertificate(ctx, StatusPendingActivation)
	if err != nil {
		return nil, registrationError(err)
	}
	token, err := s.newToken(cert.ID, req.CertificateID)
	if err != nil {
		return nil, err
	}
	return createKeysReply{CertificateID: cert.ID, CertificatePem: cert.PEM, PrivateKey: keys.PrivateKey, CertificateOwnershipToken: token}, nil
}

// csrRequest and csrReply are CreateCertificateFromCsr's documents.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/fleet-provision-api.html#create-cert-csr
type csrRequest struct {
	CertificateSigningRequest string `json:"certificateSigningRequest" cbor:"certificateSigningRequest"`
}

type csrReply struct {
	CertificateOwnershipToken string `json:"certificateOwnershipToken" cbor:"certificateOwnershipToken"`
	CertificateID             string `json:"certificateId" cbor:"certificateId"`
	CertificatePem            string `json:"certificatePem" cbor:"certificatePem"`
}

func (s *Service) createFromCSR(ctx context.Context, req Request, t parsedTopic) (any, error) {
	var in csrRequest
	if err := decode(t.format, req.Payload, &in); err != nil {
		return nil, err
	}
	if in.CertificateSigningRequest == "" {
		return nil, mqttErrorf(InvalidRequest, http.StatusBadRequest, MQTTInvalidCSR, "The certificate signing request cannot be empty.")
	}
	if len(in.CertificateSigningRequest) > maxCSR {
		return nil, mqttErrorf(InvalidRequest, http.StatusBadRequest, MQTTInvalidCSR, "The certificate signing request is longer than %d characters.", maxCSR)
	}
	cert, err := s.cfg.Registry.CreateCertificateFromCSR(ctx, in.CertificateSigningRequest, StatusPendingActivation)
	if err != nil {
		if isBadCSR(err) {
			return nil, mqttErrorf(InvalidRequest, http.StatusBadRequest, MQTTInvalidCSR, "%s", err.Error())
		}
		return nil, registrationError(err)
	}
	token, err := s.newToken(cert.ID, req.CertificateID)
	if err != nil {
		return nil, err
	}
	return csrReply{CertificateOwnershipToken: token, CertificateID: cert.ID, CertificatePem: cert.PEM}, nil
}

// newToken issues an opaque ownership token for a certificate.
func (s *Service) newToken(certID, claimID string) (string, error) {
	b := make([]byte, 96)
	if _, err := rand.Read(b); err != nil {
		return "", errorf(InternalFailure, "generate token: %v", err)
	}
	token := base64.StdEncoding.EncodeToString(b)
	if err := s.lock(); err != nil {
		return "", err
	}
	s.tokens[token] = ownership{certID: certID, issued: s.cfg.Now(), claimID: claimID}
	s.mu.Unlock()
	return token, nil
}

// provisionRequest and provisionReply are RegisterThing's documents.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/fleet-provision-api.html#register-thing
type provisionRequest struct {
	CertificateOwnershipToken string         `json:"certificateOwnershipToken" cbor:"certificateOwnershipToken"`
	Parameters                map[string]any `json:"parameters" cbor:"parameters"`
}

type provisionReply struct {
	DeviceConfiguration map[string]string `json:"deviceConfiguration" cbor:"deviceConfiguration"`
	ThingName           string            `json:"thingName,omitempty" cbor:"thingName,omitempty"`
}

// CertificateIDParameter is the reserved parameter naming the certificate
// being provisioned.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/provision-template.html#fleet-provisioning-example
const CertificateIDParameter = "AWS::IoT::Certificate::Id"

func (s *Service) registerThingMQTT(ctx context.Context, req Request, t parsedTopic) (any, error) {
	var in provisionRequest
	if err := decode(t.format, req.Payload, &in); err != nil {
		return nil, err
	}
	// AWS: observed (aws/aws-iot-device-sdk-js-v2#69).
	if in.CertificateOwnershipToken == "" {
		return nil, tokenError("Certificate ownership token cannot be empty.")
	}
	params, err := checkParameters(in.Parameters)
	if err != nil {
		return nil, err
	}
	tmpl, body, err := s.activeTemplate(t.template)
	if err != nil {
		return nil, err
	}
	if !tmpl.enabled {
		return nil, errorf(InvalidRequest, "The provisioning template %s is disabled", tmpl.name)
	}
	if tmpl.typ != TypeFleetProvisioning {
		return nil, errorf(InvalidRequest, "The provisioning template %s is of type %s, not FLEET_PROVISIONING", tmpl.name, tmpl.typ)
	}
	if err := s.checkClaim(req.CertificateID, tmpl.name); err != nil {
		return nil, err
	}
	own, err := s.ownershipOf(in.CertificateOwnershipToken)
	if err != nil {
		return nil, err
	}
	params[CertificateIDParameter] = own.certID
	if tmpl.hook != nil {
		cert, _, cErr := s.cfg.Registry.Certificate(ctx, own.certID)
		if cErr != nil {
			return nil, registrationError(cErr)
		}
		params, err = s.callHook(ctx, tmpl.hook, hookInput{
			ClaimCertificateID: req.CertificateID, CertificateID: own.certID, CertificatePem: cert.PEM,
			TemplateArn: tmpl.arn, ClientID: req.ClientID, Parameters: params,
		})
		if err != nil {
			return nil, err
		}
		params[CertificateIDParameter] = own.certID
	}
	res, err := s.run(ctx, runInput{body: body, params: params, sources: certByID})
	if err != nil {
		return nil, err
	}
	s.consumeToken(in.CertificateOwnershipToken)
	s.log.Info("RegisterThing", "template", tmpl.name, "thing", res.thingName, "certificateId", own.certID, "clientId", req.ClientID)
	return provisionReply{DeviceConfiguration: res.deviceConfiguration, ThingName: res.thingName}, nil
}

func tokenError(msg string) *Error {
	return mqttErrorf(InvalidRequest, http.StatusBadRequest, MQTTInvalidToken, "%s", msg)
}

// checkParameters checks a request's parameters: string values within
// RegisterThing's limits.
func checkParameters(in map[string]any) (map[string]string, error) {
	if len(in) > maxParameters {
		return nil, mqttErrorf(InvalidRequest, http.StatusBadRequest, MQTTInvalidParameters, "The request has more than %d parameters", maxParameters)
	}
	out := make(map[string]string, len(in))
	for k, v := range in {
		s, ok := v.(string)
		if !ok {
			return nil, mqttErrorf(InvalidRequest, http.StatusBadRequest, MQTTInvalidParameters, "The value of parameter %s is not a string", k)
		}
		if len(k) == 0 || len(k) > maxParamKey || len(s) > maxParamValue {
			return nil, mqttErrorf(InvalidRequest, http.StatusBadRequest, MQTTInvalidParameters,
				"Parameter names have 1 to %d characters and values at most %d", maxParamKey, maxParamValue)
		}
		out[k] = s
	}
	return out, nil
}

// ownershipOf returns a live token's certificate.
func (s *Service) ownershipOf(token string) (ownership, error) {
	if err := s.lock(); err != nil {
		return ownership{}, err
	}
	defer s.mu.Unlock()
	own, ok := s.tokens[token]
	if !ok {
		// AWS: message UNCONFIRMED.
		return ownership{}, tokenError("Certificate ownership token is invalid.")
	}
	if s.cfg.Now().Sub(own.issued) > tokenLifetime {
		return ownership{}, tokenError("Certificate ownership token has expired.")
	}
	return own, nil
}

func (s *Service) consumeToken(token string) {
	s.mu.Lock()
	delete(s.tokens, token)
	s.mu.Unlock()
}

// Sweep acts on the clock: certificates whose ownership token expired
// before they were provisioned are deleted, as AWS does, and expired
// provisioning claims are deactivated. HandleMQTT calls it; the root also
// calls it periodically.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/fleet-provision-api.html#create-keys-cert
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/provision-wo-cert.html#trusted-user
func (s *Service) Sweep(ctx context.Context) {
	if s.lock() != nil {
		return
	}
	now := s.cfg.Now()
	var stale, expired []string
	for tok, own := range s.tokens {
		if now.Sub(own.issued) > tokenLifetime {
			stale = append(stale, own.certID)
			delete(s.tokens, tok)
		}
	}
	for id, c := range s.claims {
		if now.After(c.expires) {
			expired = append(expired, id)
			delete(s.claims, id)
		}
	}
	s.mu.Unlock()
	for _, id := range stale {
		if c, ok, err := s.cfg.Registry.Certificate(ctx, id); err == nil && ok && c.Status == StatusPendingActivation {
			if err := s.cfg.Registry.DeleteCertificate(ctx, id); err != nil {
				s.log.Warn("delete unprovisioned certificate", "certificateId", id, "error", err)
			} else {
				s.log.Info("deleted a certificate whose ownership token expired", "certificateId", id)
			}
		}
	}
	for _, id := range expired {
		if err := s.cfg.Registry.SetCertificateStatus(ctx, id, StatusInactive); err != nil {
			s.log.Warn("deactivate expired claim certificate", "certificateId", id, "error", err)
		} else {
			s.log.Info("provisioning claim expired", "certificateId", id)
		}
	}
}
