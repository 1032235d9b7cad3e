// Package awswire sends one AWS request the way the AWS SDKs put it on
// the wire, without a service client: the body in the service's protocol
// (awsJson1_0/1_1, awsQuery, rpcv2Cbor, S3's rest-xml PutObject), SigV4
// signed (package sigv4), one attempt, and AWS's error shapes read back
// into an *APIError (code, message, request ID). It is what the rule
// actions need of ten services, and keeps their SDK clients (about 10 MB
// of code) out of the binary and of every testkit user's tests.
//
// Each service is a Service value (its SDK service ID, signing name,
// endpoint and protocol details); the callers hold a table of them.
package awswire

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/iotemu/iotemu/sigv4"
)

// maxResponse bounds the response body read back (AWS's answers to the
// operations the actions send are a few hundred bytes).
const maxResponse = 1 << 20

// Client sends requests; the zero value is not usable (HTTP and Now are
// required). It is safe for concurrent use.
type Client struct {
	HTTP   *http.Client
	Signer sigv4.Signer
	Region string
	Now    func() time.Time
}

// Service is one AWS service as its requests need it.
type Service struct {
	// ID is the SDK's service ID, which names the service in errors
	// ("SQS", "CloudWatch Logs").
	ID string
	// SigningName is the SigV4 credential scope's service ("sqs", "logs").
	SigningName string
	// Endpoint is the base URL requests go to.
	Endpoint string
	// JSONVersion ("1.0" or "1.1") and TargetPrefix
	// ("DynamoDB_20120810") for the awsJson protocols.
	JSONVersion, TargetPrefix string
	// APIVersion is the awsQuery Version parameter ("2010-03-31").
	APIVersion string
	// CBORService is the rpcv2Cbor service shape name in the path
	// ("GraniteServiceVersion20100801").
	CBORService string
	// QueryCompatible is Smithy's awsQueryCompatible trait (SQS,
	// CloudWatch): requests carry x-amzn-query-mode and an error's code
	// comes from x-amzn-query-error when sent.
	QueryCompatible bool
}

// request is one HTTP request before it is signed.
type request struct {
	svc     Service
	op      string
	method  string
	path    string // escaped, from the endpoint's root; "" is "/"
	query   string // raw, already encoded
	headers map[string]string
	body    []byte
	errors  errorReader
}

// response is a 2xx answer.
type response struct {
	header http.Header
	body   []byte
}

// do signs and sends r once; a non-2xx answer becomes an *APIError read
// by r.errors, every failure an *OpError naming the service and operation.
func (c *Client) do(ctx context.Context, r request) (response, error) {
	opErr := func(err error) error { return &OpError{Service: r.svc.ID, Operation: r.op, Err: err} }
	url := strings.TrimSuffix(r.svc.Endpoint, "/") + "/" + strings.TrimPrefix(r.path, "/")
	if r.query != "" {
		url += "?" + r.query
	}
	req, err := http.NewRequestWithContext(ctx, r.method, url, bytes.NewReader(r.body))
	if err != nil {
		return response{}, opErr(fmt.Errorf("build request: %w", err))
	}
	if len(r.body) == 0 {
		req.Body, req.ContentLength = http.NoBody, 0
	}
	for k, v := range r.headers {
		req.Header.Set(k, v)
	}
	if r.svc.QueryCompatible {
		req.Header.Set("X-Amzn-Query-Mode", "true")
	}
	payloadHash := req.Header.Get("X-Amz-Content-Sha256")
	if payloadHash == "" {
		payloadHash = sha256Hex(r.body)
	}
	c.Signer.Sign(req, payloadHash, r.svc.SigningName, c.Region, c.Now())
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return response{}, opErr(fmt.Errorf("request send failed, %w", err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return response{}, opErr(fmt.Errorf("read response: %w", err))
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := r.errors(resp, body)
		if r.svc.QueryCompatible {
			queryCompatibleCode(e, resp.Header)
		}
		return response{}, opErr(e)
	}
	return response{header: resp.Header, body: body}, nil
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
