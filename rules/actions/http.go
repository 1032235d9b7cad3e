package actions

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/iotemu/iotemu/rules"
)

// HTTP is AWS's HttpAction: the rule output POSTed to url.
// AWS: https-rule-action.html; service-2.json HttpAction (url ≤ 2000
// characters; confirmationUrl a prefix of url, required when url has a
// template; headers ≤ 100, keys 1–256; url and header values are
// templates, keys are not).
type HTTP struct {
	URL             string       `json:"url"`
	ConfirmationURL string       `json:"confirmationUrl,omitempty"`
	Headers         []HTTPHeader `json:"headers,omitempty"`
	Auth            *HTTPAuth    `json:"auth,omitempty"`
	EnableBatching  bool         `json:"enableBatching,omitempty"`
	BatchConfig     *BatchConfig `json:"batchConfig,omitempty"`
}

// HTTPHeader is one HttpActionHeader.
type HTTPHeader struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// HTTPAuth is HttpAuthorization: SigV4 signing is accepted, not performed.
type HTTPAuth struct {
	Sigv4 *struct {
		SigningRegion string `json:"signingRegion"`
		ServiceName   string `json:"serviceName"`
		RoleArn       string `json:"roleArn"`
	} `json:"sigv4,omitempty"`
}

// BatchConfig is accepted and ignored: each message is its own request.
type BatchConfig struct {
	MaxBatchOpenMs    *int32 `json:"maxBatchOpenMs,omitempty"`
	MaxBatchSize      *int32 `json:"maxBatchSize,omitempty"`
	MaxBatchSizeBytes *int32 `json:"maxBatchSizeBytes,omitempty"`
	BatchAcrossTopics bool   `json:"batchAcrossTopics,omitempty"`
}

// Type returns "http".
func (HTTP) Type() string { return "http" }

func (a *HTTP) check(at string) error {
	if err := required(at, "url", a.URL); err != nil {
		return err
	}
	invalid := func(format string, args ...any) error {
		return &ValidationError{Message: fmt.Sprintf(format, args...)}
	}
	switch {
	case len(a.URL) > 2000:
		return invalid("Value at '%s.url' failed to satisfy constraint: Member must have length less than or equal to 2000", at)
	case len(a.Headers) > 100:
		return invalid("Value at '%s.headers' failed to satisfy constraint: Member must have length less than or equal to 100", at)
	case strings.Contains(a.URL, "${") && a.ConfirmationURL == "":
		return invalid("confirmationUrl is required when url contains a substitution template")
	case a.ConfirmationURL != "" && !strings.Contains(a.ConfirmationURL, "${") && !strings.HasPrefix(a.URL, a.ConfirmationURL):
		return invalid("confirmationUrl %q must be a prefix of url %q", a.ConfirmationURL, a.URL)
	}
	for i, h := range a.Headers {
		if len(h.Key) < 1 || len(h.Key) > 256 {
			return invalid("Value at '%s.headers.%d.member.key' failed to satisfy constraint: Member must have length between 1 and 256", at, i+1)
		}
	}
	if s := a.Auth; s != nil && s.Sigv4 != nil {
		return required(at+".auth.sigv4", "signingRegion", s.Sigv4.SigningRegion, "serviceName", s.Sigv4.ServiceName, "roleArn", s.Sigv4.RoleArn)
	}
	return nil
}

func (a *HTTP) build(e *Env, c rules.ActionCompiler) (executor, error) {
	cc := &compiler{c: c}
	h := &httpAction{env: e, url: cc.t(a.URL), confirm: cc.t(a.ConfirmationURL)}
	for _, hd := range a.Headers {
		h.keys = append(h.keys, hd.Key)
		h.values = append(h.values, cc.t(hd.Value))
	}
	return h, cc.err
}

type httpAction struct {
	env          *Env
	url, confirm *rules.Template
	keys         []string
	values       []*rules.Template
}

// HTTPRequest is the rendered request of an HTTP action.
type HTTPRequest struct {
	Method  string            `json:"method"`
	URL     string            `json:"url"`
	Headers map[string]string `json:"headers"`
	Body    string            `json:"body"`
}

// HTTPResult is the endpoint's answer.
type HTTPResult struct {
	StatusCode int    `json:"statusCode"`
	Body       string `json:"body,omitempty"`
	Attempts   int    `json:"attempts"`
}

const httpVerb = "send HTTP request"

func (a *httpAction) Execute(ctx context.Context, out rules.Output) (rules.Report, error) {
	req, dest, err := a.render(ctx, out)
	rep := rules.Report{Type: "http", Resource: req.URL, Request: req}
	if err != nil {
		return rep, fail(httpVerb, err)
	}
	found, err := a.env.dests.gate(dest)
	if err != nil {
		return rep, fail(httpVerb, err)
	}
	if !found {
		if err := a.env.confirmDestination(ctx, dest); err != nil {
			return rep, fail(httpVerb, err)
		}
	}
	res, err := a.env.postWithRetries(ctx, req)
	rep.Result = res
	return rep, err
}

// render evaluates url, confirmationUrl and header values. The default
// Content-Type is application/json for a JSON payload, else
// application/octet-stream; a content-type header (any case) overrides it.
// AWS: https-rule-action.html (headers note).
func (a *httpAction) render(ctx context.Context, out rules.Output) (HTTPRequest, string, error) {
	r := renderer{ctx: ctx, out: out}
	req := HTTPRequest{Method: http.MethodPost, URL: r.s(a.url), Headers: map[string]string{}, Body: string(out.Payload)}
	dest := r.s(a.confirm)
	if dest == "" {
		dest = req.URL
	}
	req.Headers["Content-Type"] = "application/octet-stream"
	if json.Valid(out.Payload) {
		req.Headers["Content-Type"] = "application/json"
	}
	for i, k := range a.keys {
		v := r.s(a.values[i])
		if strings.EqualFold(k, "content-type") {
			delete(req.Headers, "Content-Type")
		}
		req.Headers[k] = v
	}
	return req, dest, r.err
}

// httpRetries is how often a 429 or 5xx answer is retried.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/https-rule-action.html#https-rule-action-retry-logic ("retries at
// most twice", only on 429 and 500-599).
const httpRetries = 2

// maxResultBody bounds the part of an answer kept in the record.
const maxResultBody = 4096

func (e *Env) postWithRetries(ctx context.Context, req HTTPRequest) (*HTTPResult, error) {
	var res *HTTPResult
	var err error
	for attempt := 1; attempt <= 1+httpRetries; attempt++ {
		res, err = e.post(ctx, req)
		if err != nil {
			return nil, fail(httpVerb, err)
		}
		res.Attempts = attempt
		if res.StatusCode != http.StatusTooManyRequests && res.StatusCode < 500 {
			break
		}
	}
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return res, fail(httpVerb, fmt.Errorf("%s answered status %d: %s", req.URL, res.StatusCode, res.Body))
	}
	return res, nil
}

func (e *Env) post(ctx context.Context, req HTTPRequest) (*HTTPResult, error) {
	ctx, cancel := context.WithTimeout(ctx, e.cfg.Timeout)
	defer cancel()
	hr, err := http.NewRequestWithContext(ctx, req.Method, req.URL, bytes.NewReader([]byte(req.Body)))
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	for k, v := range req.Headers {
		hr.Header.Set(k, v)
	}
	resp, err := e.cfg.HTTPClient.Do(hr)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResultBody))
	if err != nil {
		return nil, fmt.Errorf("read answer: %w", err)
	}
	return &HTTPResult{StatusCode: resp.StatusCode, Body: string(body)}, nil
}
