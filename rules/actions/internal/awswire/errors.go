package awswire

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"

	"github.com/fxamacker/cbor/v2"
)

// APIError is an AWS error answer: the HTTP status, AWS's error code and
// message, and the request ID. Its text is the SDK's ("https response
// error StatusCode: 500, RequestID: …, api error Code: Message"), which
// the error action's errorMessage carried before.
type APIError struct {
	StatusCode               int
	Code, Message, RequestID string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("https response error StatusCode: %d, RequestID: %s, api error %s: %s", e.StatusCode, e.RequestID, e.Code, e.Message)
}

// OpError is a failed operation: the service ID and operation name around
// the cause (an *APIError, or the transport's error), worded as the SDK
// words it ("operation error SQS: SendMessage, …").
type OpError struct {
	Service, Operation string
	Err                error
}

func (e *OpError) Error() string {
	return fmt.Sprintf("operation error %s: %s, %v", e.Service, e.Operation, e.Err)
}

func (e *OpError) Unwrap() error { return e.Err }

// errorReader reads a protocol's error answer.
type errorReader func(resp *http.Response, body []byte) *APIError

// unknown is the code and message when the answer names none, as the SDK
// reports it.
const unknown = "UnknownError"

// sanitizeCode keeps the shape name of a code: "aws.protocoltests#Foo:http://…"
// is "Foo". AWS: https://smithy.io/2.0/aws/protocols/aws-json-1_0-protocol.html#operation-error-serialization
func sanitizeCode(code string) string {
	if i := strings.IndexByte(code, ':'); i >= 0 {
		code = code[:i]
	}
	if i := strings.LastIndexByte(code, '#'); i >= 0 {
		code = code[i+1:]
	}
	return strings.TrimSpace(code)
}

// jsonError reads an awsJson error: the code from X-Amzn-ErrorType, else
// the body's __type (or code), the message from message or Message.
// AWS: https://smithy.io/2.0/aws/protocols/aws-json-1_0-protocol.html#operation-error-serialization
func jsonError(resp *http.Response, body []byte) *APIError {
	var doc struct {
		Type     string `json:"__type"`
		Code     string `json:"code"`
		Message  string `json:"message"`
		MessageU string `json:"Message"`
	}
	_ = json.Unmarshal(body, &doc) // a body that is not JSON names no code
	return newAPIError(resp, resp.Header.Get("X-Amzn-RequestId"),
		first(resp.Header.Get("X-Amzn-ErrorType"), doc.Type, doc.Code), first(doc.Message, doc.MessageU))
}

// cborError reads an rpcv2Cbor error: the body's __type and message.
// AWS: https://smithy.io/2.0/additional-specs/protocols/smithy-rpc-v2.html#operation-error-serialization
func cborError(resp *http.Response, body []byte) *APIError {
	var doc struct {
		Type     string `cbor:"__type"`
		Message  string `cbor:"message"`
		MessageU string `cbor:"Message"`
	}
	_ = cbor.Unmarshal(body, &doc) // a body that is not CBOR names no code
	return newAPIError(resp, resp.Header.Get("X-Amzn-RequestId"), doc.Type, first(doc.Message, doc.MessageU))
}

// queryError reads an awsQuery error document,
// <ErrorResponse><Error><Code/><Message/></Error><RequestId/></ErrorResponse>.
// AWS: https://smithy.io/2.0/aws/protocols/aws-query-protocol.html#operation-error-serialization
func queryError(resp *http.Response, body []byte) *APIError {
	var doc struct {
		Error struct {
			Code    string `xml:"Code"`
			Message string `xml:"Message"`
		} `xml:"Error"`
		RequestID string `xml:"RequestId"`
	}
	_ = xml.Unmarshal(body, &doc) // a body that is not XML names no code
	return newAPIError(resp, first(doc.RequestID, resp.Header.Get("X-Amzn-RequestId")), doc.Error.Code, doc.Error.Message)
}

// s3Error reads S3's <Error><Code/><Message/><RequestId/></Error>; an
// answer without a body is named after its status, as the SDK names it
// ("NotFound", "InternalServerError").
// AWS: https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#RESTErrorResponses
func s3Error(resp *http.Response, body []byte) *APIError {
	var doc struct {
		Code      string `xml:"Code"`
		Message   string `xml:"Message"`
		RequestID string `xml:"RequestId"`
	}
	if len(bytes.TrimSpace(body)) == 0 || xml.Unmarshal(body, &doc) != nil || doc.Code == "" {
		text := http.StatusText(resp.StatusCode)
		doc.Code, doc.Message = strings.ReplaceAll(text, " ", ""), text
	}
	return newAPIError(resp, first(doc.RequestID, resp.Header.Get("X-Amz-Request-Id")), doc.Code, doc.Message)
}

func newAPIError(resp *http.Response, requestID, code, message string) *APIError {
	e := &APIError{StatusCode: resp.StatusCode, Code: sanitizeCode(code), Message: message, RequestID: requestID}
	if e.Code == "" {
		e.Code = unknown
	}
	if e.Message == "" {
		e.Message = e.Code
	}
	return e
}

// queryCompatibleCode takes the code of x-amzn-query-error ("Code;Sender"),
// which awsQueryCompatible services send with their legacy query code
// (SQS's "AWS.SimpleQueueService.NonExistentQueue").
// AWS: https://smithy.io/2.0/aws/protocols/aws-query-protocol.html#aws-protocols-awsquerycompatible-trait
func queryCompatibleCode(e *APIError, h http.Header) {
	if q := h.Get("X-Amzn-Query-Error"); q != "" {
		if code, _, _ := strings.Cut(q, ";"); code != "" {
			e.Code = code
		}
	}
}

func first(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
