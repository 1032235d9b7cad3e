package provisioning

import (
	"context"
)

// RegisterThingInput is RegisterThing's request: an inline template body
// and its parameters.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_RegisterThing.html#API_RegisterThing_RequestSyntax
type RegisterThingInput struct {
	TemplateBody string            `json:"templateBody"`
	Parameters   map[string]string `json:"parameters,omitempty"`
}

// RegisterThingOutput is its response: the certificate signed from a CSR
// parameter, and the ARN of each resource by logical name.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_RegisterThing.html#API_RegisterThing_ResponseSyntax
type RegisterThingOutput struct {
	CertificatePem string            `json:"certificatePem,omitempty"`
	ResourceArns   map[string]string `json:"resourceArns"`
}

// RegisterThing provisions a thing from an inline template (bulk and
// single-thing registration): its certificate may be a CSR, a PEM or an
// existing certificate ID.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_RegisterThing.html
func (s *Service) RegisterThing(ctx context.Context, in RegisterThingInput) (RegisterThingOutput, error) {
	body, err := parseTemplateBody(in.TemplateBody)
	if err != nil {
		return RegisterThingOutput{}, err
	}
	for k, v := range in.Parameters {
		if len(k) == 0 || len(k) > maxParamKey || len(v) > maxParamValue {
			return RegisterThingOutput{}, errorf(InvalidRequest, "Parameter names have 1 to %d characters and values at most %d", maxParamKey, maxParamValue)
		}
	}
	res, rerr := s.run(ctx, runInput{body: body, params: in.Parameters, sources: certAny})
	if rerr != nil {
		e := AsError(rerr)
		if e.MQTTCode == MQTTInvalidCSR {
			return RegisterThingOutput{}, errorf(InvalidRequest, "%s", e.Message)
		}
		return RegisterThingOutput{}, e
	}
	s.log.Info("RegisterThing", "thing", res.thingName, "certificateId", res.certificateID)
	return RegisterThingOutput{CertificatePem: res.certificatePEM, ResourceArns: res.resourceARNs}, nil
}
