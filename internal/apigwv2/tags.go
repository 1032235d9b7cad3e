package apigwv2

import (
	"net/http"
	"regexp"
)

// resourceARN is the ARN of an API or a stage, without an account field:
// arn:aws:apigateway:{region}::/apis/{apiId}[/stages/{stageName}].
// AWS: docs/compatibility.md "apigatewayv2 control plane" "Tags" (CLI tag-resource example).
var resourceARN = regexp.MustCompile(`^arn:aws(?:-cn|-us-gov)?:apigateway:([a-z0-9-]+)::/apis/([a-z0-9]+)(?:/stages/([^/]+))?$`)

// tagsOf returns the tag map of the resource named by the {resourceArn}
// path parameter.
func (s *Service) tagsOf(r *http.Request) (*map[string]string, error) {
	arn := r.PathValue("resourceArn")
	m := resourceARN.FindStringSubmatch(arn)
	if m == nil || m[1] != s.cfg.Region {
		return nil, notFound("Invalid resource identifier specified %s", arn)
	}
	st, ok := s.apis.get(m[2])
	if !ok {
		return nil, notFoundID("API", s.cfg.AccountID+":"+m[2])
	}
	if m[3] == "" {
		return &st.api.Tags, nil
	}
	sg, ok := st.stages.get(m[3])
	if !ok {
		return nil, notFound("Invalid stage identifier specified")
	}
	return &sg.Tags, nil
}

type tagsBody struct {
	Tags map[string]string `json:"tags"`
}

func (s *Service) tagResource(r *http.Request, body []byte) (any, error) {
	tags, err := s.tagsOf(r)
	if err != nil {
		return nil, err
	}
	var in tagsBody
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	for k, v := range in.Tags {
		if len(k) < 1 || len(k) > 128 || len(v) > 1600 {
			return nil, badRequest("Invalid tag %q: keys are 1 to 128 characters, values at most 1600", k)
		}
	}
	if *tags == nil {
		*tags = map[string]string{}
	}
	for k, v := range in.Tags {
		(*tags)[k] = v
	}
	return struct{}{}, nil
}

func (s *Service) untagResource(r *http.Request, _ []byte) (any, error) {
	tags, err := s.tagsOf(r)
	if err != nil {
		return nil, err
	}
	for _, k := range r.URL.Query()["tagKeys"] {
		delete(*tags, k)
	}
	return nil, nil
}

func (s *Service) getTags(r *http.Request, _ []byte) (any, error) {
	tags, err := s.tagsOf(r)
	if err != nil {
		return nil, err
	}
	out := tagsBody{Tags: *tags}
	if out.Tags == nil {
		out.Tags = map[string]string{}
	}
	return out, nil
}
