package provisioning

import (
	"context"
	"encoding/json"
	"maps"
	"net/http"
)

// hookInput is what a pre-provisioning hook's function receives.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/pre-provisioning-hook.html#pre-provisioning-hook-input
type hookInput struct {
	ClaimCertificateID string            `json:"claimCertificateId"`
	CertificateID      string            `json:"certificateId"`
	CertificatePem     string            `json:"certificatePem"`
	TemplateArn        string            `json:"templateArn"`
	ClientID           string            `json:"clientId"`
	Parameters         map[string]string `json:"parameters"`
}

// hookOutput is what it returns.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/pre-provisioning-hook.html#pre-provisioning-hook-output
type hookOutput struct {
	AllowProvisioning  *bool             `json:"allowProvisioning"`
	ParameterOverrides map[string]string `json:"parameterOverrides"`
}

// callHook runs a template's hook and returns the parameters with its
// overrides. A refusal, a function error, an answer that is not the
// documented JSON or one later than the timeout fails provisioning with
// 403 AccessDenied (statusCode and errorCode UNCONFIRMED).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/pre-provisioning-hook.html#pre-provisioning-hook-output
func (s *Service) callHook(ctx context.Context, h *Hook, in hookInput) (map[string]string, error) {
	denied := func(format string, args ...any) error {
		return mqttErrorf(InvalidRequest, http.StatusForbidden, MQTTAccessDenied, format, args...)
	}
	if s.cfg.Invoker == nil {
		return nil, denied("The pre-provisioning hook %s cannot be invoked: no Lambda invoker is configured", h.TargetArn)
	}
	payload, err := json.Marshal(in)
	if err != nil {
		return nil, errorf(InternalFailure, "encode hook input: %v", err)
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.HookTimeout)
	defer cancel()
	out, err := s.cfg.Invoker.Invoke(ctx, h.TargetArn, payload)
	if err != nil {
		s.log.Warn("pre-provisioning hook failed", "function", h.TargetArn, "error", err)
		return nil, denied("The pre-provisioning hook %s failed", h.TargetArn)
	}
	var res hookOutput
	if err := json.Unmarshal(out, &res); err != nil {
		return nil, denied("The pre-provisioning hook %s returned an invalid response", h.TargetArn)
	}
	if res.AllowProvisioning == nil || !*res.AllowProvisioning {
		s.log.Info("pre-provisioning hook denied provisioning", "function", h.TargetArn, "clientId", in.ClientID)
		return nil, denied("Provisioning was denied by the pre-provisioning hook")
	}
	params := maps.Clone(in.Parameters)
	if params == nil {
		params = map[string]string{}
	}
	maps.Copy(params, res.ParameterOverrides)
	return params, nil
}
