package awswire_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"

	"github.com/iotemu/iotemu/rules/actions/internal/awswire"
	"github.com/iotemu/iotemu/sigv4"
)

var (
	jsonSvc  = awswire.Service{ID: "DynamoDB", SigningName: "dynamodb", JSONVersion: "1.0", TargetPrefix: "DynamoDB_20120810"}
	sqsSvc   = awswire.Service{ID: "SQS", SigningName: "sqs", JSONVersion: "1.0", TargetPrefix: "AmazonSQS", QueryCompatible: true}
	querySvc = awswire.Service{ID: "SNS", SigningName: "sns", APIVersion: "2010-03-31"}
	cborSvc  = awswire.Service{ID: "CloudWatch", SigningName: "monitoring", CBORService: "GraniteServiceVersion20100801", QueryCompatible: true}
	s3Svc    = awswire.Service{ID: "S3", SigningName: "s3"}
)

// answer is a canned HTTP answer; seen records the request it answered.
type answer struct {
	status int
	header map[string]string
	body   []byte
}

type seenRequest struct {
	r    *http.Request
	body []byte
}

// peer serves one answer and verifies each request's signature with the
// sigv4 Verifier (the wall clock: requests are signed at time.Now).
func peer(t *testing.T, a answer, service string) (string, <-chan seenRequest) {
	t.Helper()
	v, err := sigv4.New(sigv4.Config{Credentials: sigv4.NewStaticCredentials(sigv4.Credentials{AccessKeyID: "AK", SecretAccessKey: "SK"}), Services: []string{service}})
	if err != nil {
		t.Fatal(err)
	}
	seen := make(chan seenRequest, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if service != "s3" { // the Verifier double-encodes paths, as every service but S3
			if _, err := v.VerifyRequest(r, b); err != nil {
				t.Errorf("signature: %v", err)
			}
		}
		seen <- seenRequest{r, b}
		for k, val := range a.header {
			w.Header().Set(k, val)
		}
		w.WriteHeader(a.status)
		_, _ = w.Write(a.body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, seen
}

func client() *awswire.Client {
	return &awswire.Client{HTTP: &http.Client{Timeout: 5 * time.Second}, Region: "us-east-1", Now: time.Now,
		Signer: sigv4.Signer{AccessKeyID: "AK", SecretAccessKey: "SK"}}
}

func apiError(t *testing.T, err error) *awswire.APIError {
	t.Helper()
	var api *awswire.APIError
	if !errors.As(err, &api) {
		t.Fatalf("error %v is not an *APIError", err)
	}
	return api
}

// TestErrorShapes: each protocol's error answer becomes AWS's code,
// message and request ID, worded as the SDK words it.
func TestErrorShapes(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name                 string
		svc                  awswire.Service
		a                    answer
		code, message, reqID string
	}{
		{"json __type with namespace", jsonSvc, answer{400, map[string]string{"X-Amzn-RequestId": "r1"},
			[]byte(`{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"Requested resource not found"}`)},
			"ResourceNotFoundException", "Requested resource not found", "r1"},
		{"json header wins", jsonSvc, answer{400, map[string]string{"X-Amzn-ErrorType": "ValidationException:http://internal.amazon.com/"},
			[]byte(`{"__type":"Other","Message":"bad"}`)}, "ValidationException", "bad", ""},
		{"json 500 InternalFailure", jsonSvc, answer{500, nil, []byte(`{"__type":"InternalFailure","message":"peer says no"}`)},
			"InternalFailure", "peer says no", ""},
		{"json not JSON", jsonSvc, answer{502, nil, []byte(`<html>bad gateway</html>`)}, "UnknownError", "UnknownError", ""},
		{"query-compatible code", sqsSvc, answer{400, map[string]string{"X-Amzn-Query-Error": "AWS.SimpleQueueService.NonExistentQueue;Sender"},
			[]byte(`{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."}`)},
			"AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.", ""},
		{"query XML", querySvc, answer{404, nil,
			[]byte(`<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error><RequestId>q1</RequestId></ErrorResponse>`)},
			"NotFound", "Topic does not exist", "q1"},
		{"cbor", cborSvc, answer{400, map[string]string{"X-Amzn-RequestId": "c1"},
			mustCBOR(t, map[string]string{"__type": "com.amazonaws.cloudwatch#ResourceNotFound", "message": "no alarm"})},
			"ResourceNotFound", "no alarm", "c1"},
		{"s3 XML", s3Svc, answer{404, map[string]string{"X-Amz-Request-Id": "s1"},
			[]byte(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message></Error>`)},
			"NoSuchBucket", "The specified bucket does not exist", "s1"},
		{"s3 no body", s3Svc, answer{503, nil, nil}, "ServiceUnavailable", "Service Unavailable", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ep, _ := peer(t, c.a, c.svc.SigningName)
			c.svc.Endpoint = ep
			var err error
			switch {
			case c.svc.TargetPrefix != "":
				_, err = client().JSON(ctx, c.svc, "Op", map[string]string{})
			case c.svc.APIVersion != "":
				err = client().Query(ctx, c.svc, "Op", nil, nil)
			case c.svc.CBORService != "":
				_, err = client().CBOR(ctx, c.svc, "Op", map[string]string{})
			default:
				_, err = client().PutObject(ctx, c.svc, awswire.PutObject{Bucket: "b", Key: "k", Body: []byte("x")})
			}
			api := apiError(t, err)
			if api.StatusCode != c.a.status || api.Code != c.code || api.Message != c.message || api.RequestID != c.reqID {
				t.Errorf("got %+v; want %d %s %q %q", api, c.a.status, c.code, c.message, c.reqID)
			}
			if want := "operation error " + c.svc.ID + ": "; !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), "api error "+c.code+": ") {
				t.Errorf("text %q", err)
			}
		})
	}
}

func mustCBOR(t *testing.T, v any) []byte {
	t.Helper()
	b, err := cbor.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRequests: each protocol's request line, headers and body as the SDK
// sends them, and its answer decoded.
func TestRequests(t *testing.T) {
	ctx := context.Background()
	t.Run("json", func(t *testing.T) {
		ep, seen := peer(t, answer{200, nil, []byte(`{"MessageId":"m1"}`)}, "sqs")
		svc := sqsSvc
		svc.Endpoint = ep + "/"
		out, err := client().JSON(ctx, svc, "SendMessage", map[string]string{"MessageBody": "<a&b>"})
		if err != nil || string(out) != `{"MessageId":"m1"}` {
			t.Fatalf("out %s, err %v", out, err)
		}
		s := <-seen
		h := s.r.Header
		if s.r.Method != http.MethodPost || s.r.URL.Path != "/" || h.Get("X-Amz-Target") != "AmazonSQS.SendMessage" ||
			h.Get("Content-Type") != "application/x-amz-json-1.0" || h.Get("X-Amzn-Query-Mode") != "true" || string(s.body) != `{"MessageBody":"<a&b>"}` {
			t.Errorf("request %s %s %v %s", s.r.Method, s.r.URL, h, s.body)
		}
	})
	t.Run("query", func(t *testing.T) {
		ep, seen := peer(t, answer{200, nil, []byte(`<PublishResponse><PublishResult><MessageId>m2</MessageId></PublishResult></PublishResponse>`)}, "sns")
		svc := querySvc
		svc.Endpoint = ep
		var out struct {
			ID string `xml:"PublishResult>MessageId"`
		}
		if err := client().Query(ctx, svc, "Publish", url.Values{"Message": {"a b&c"}}, &out); err != nil || out.ID != "m2" {
			t.Fatalf("out %+v, err %v", out, err)
		}
		s := <-seen
		if got := string(s.body); got != "Action=Publish&Message=a+b%26c&Version=2010-03-31" || s.r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
			t.Errorf("body %s", got)
		}
	})
	t.Run("cbor", func(t *testing.T) {
		ep, seen := peer(t, answer{200, nil, mustCBOR(t, map[string]any{"k": 1})}, "monitoring")
		svc := cborSvc
		svc.Endpoint = ep
		when := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		out, err := client().CBOR(ctx, svc, "PutMetricData", struct {
			Namespace string    `json:"Namespace"`
			Timestamp time.Time `json:"Timestamp"`
			Unit      string    `json:"Unit,omitempty"`
		}{"ns", when, ""})
		if err != nil || out["k"] != uint64(1) {
			t.Fatalf("out %v, err %v", out, err)
		}
		s := <-seen
		if s.r.URL.Path != "/service/GraniteServiceVersion20100801/operation/PutMetricData" || s.r.Header.Get("Smithy-Protocol") != "rpc-v2-cbor" {
			t.Errorf("request %s %v", s.r.URL, s.r.Header)
		}
		var doc map[string]any
		if err := cbor.Unmarshal(s.body, &doc); err != nil {
			t.Fatal(err)
		}
		if ts, ok := doc["Timestamp"].(time.Time); !ok || !ts.Equal(when) || doc["Namespace"] != "ns" || len(doc) != 2 {
			t.Errorf("body %v", doc)
		}
		var tag cbor.RawTag
		var raw map[string]cbor.RawMessage
		_ = cbor.Unmarshal(s.body, &raw)
		if err := cbor.Unmarshal(raw["Timestamp"], &tag); err != nil || tag.Number != 1 {
			t.Errorf("Timestamp is not tag 1: %v %v", tag.Number, err)
		}
	})
	t.Run("s3", func(t *testing.T) {
		ep, seen := peer(t, answer{200, map[string]string{"ETag": `"e1"`}, nil}, "s3")
		svc := s3Svc
		svc.Endpoint = ep
		out, err := client().PutObject(ctx, svc, awswire.PutObject{Bucket: "b", Key: "fleet/d 1/a+b~c", ACL: "private", Body: []byte("x")})
		if err != nil || out.ETag != `"e1"` {
			t.Fatalf("out %+v, err %v", out, err)
		}
		s := <-seen
		if s.r.Method != http.MethodPut || s.r.URL.EscapedPath() != "/b/fleet/d%201/a%2Bb~c" || s.r.URL.RawQuery != "x-id=PutObject" ||
			s.r.Header.Get("X-Amz-Acl") != "private" || s.r.Header.Get("X-Amz-Content-Sha256") == "" || string(s.body) != "x" {
			t.Errorf("request %s %s %v", s.r.Method, s.r.URL, s.r.Header)
		}
	})
}

// TestTransportFailures: an unreachable endpoint and a 2xx answer that
// does not decode fail with the operation named, never a panic.
func TestTransportFailures(t *testing.T) {
	ctx := context.Background()
	ln := httptest.NewServer(http.NotFoundHandler())
	dead := ln.URL
	ln.Close()
	svc := jsonSvc
	svc.Endpoint = dead
	_, err := client().JSON(ctx, svc, "PutItem", map[string]string{})
	var op *awswire.OpError
	if !errors.As(err, &op) || op.Operation != "PutItem" || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("dead endpoint: %v", err)
	}
	ep, _ := peer(t, answer{200, nil, []byte("not json")}, "dynamodb")
	svc.Endpoint = ep
	if _, err := client().JSON(ctx, svc, "PutItem", map[string]string{}); err == nil || !strings.Contains(err.Error(), "deserialization failed") {
		t.Errorf("bad JSON answer: %v", err)
	}
	ep, _ = peer(t, answer{200, nil, []byte{0xff, 0x00}}, "monitoring")
	cs := cborSvc
	cs.Endpoint = ep
	if _, err := client().CBOR(ctx, cs, "SetAlarmState", map[string]string{}); err == nil {
		t.Error("bad CBOR answer: no error")
	}
	if _, err := client().JSON(ctx, svc, "PutItem", make(chan int)); err == nil {
		t.Error("unencodable input: no error")
	}
}
