package jobs

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// docRef is what presigned substitution needs, captured under the lock.
type docRef struct {
	doc       string
	presigned *PresignedUrlConfig
}

// refOf returns the document reference of a job (nil job → nil).
func (s *Service) refOf(j *job) *docRef {
	if j == nil {
		return nil
	}
	return &docRef{doc: j.document, presigned: clonePtr(j.presigned)}
}

// presignedPlaceholder matches ${aws:iot:s3-presigned-url:URL}; the
// current documentation also shows the -v2 form, both are accepted.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/create-manage-jobs.html#create-manage-jobs-presigned-URLs
var presignedPlaceholder = regexp.MustCompile(`\$\{aws:iot:s3-presigned-url(?:-v2)?:([^}]+)\}`)

// parameterPlaceholder matches ${aws:iot:parameter:name}.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/job-templates-managed.html#job-template-managed-contains
var parameterPlaceholder = regexp.MustCompile(`\$\{aws:iot:parameter:([^}]+)\}`)

// defaultPresignExpiry is presignedUrlConfig.expiresInSec's default.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_PresignedUrlConfig.html#iot-Type-PresignedUrlConfig-expiresInSec
const defaultPresignExpiry = 3600 * time.Second

// substitute returns the document a device receives: presigned-URL
// placeholders replaced through the Presigner, generated when the device
// asks for the document. Without a Presigner, or without a
// presignedUrlConfig roleArn, placeholders are left as they are.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_PresignedUrlConfig.html#iot-Type-PresignedUrlConfig-expiresInSec
func (s *Service) substitute(ctx context.Context, ref *docRef) (string, error) {
	if s.cfg.Presigner == nil || ref.presigned == nil || ref.presigned.RoleArn == "" {
		return ref.doc, nil
	}
	if !strings.Contains(ref.doc, "${aws:iot:s3-presigned-url") {
		return ref.doc, nil
	}
	expires := defaultPresignExpiry
	if ref.presigned.ExpiresInSec > 0 {
		expires = time.Duration(ref.presigned.ExpiresInSec) * time.Second
	}
	var firstErr error
	out := presignedPlaceholder.ReplaceAllStringFunc(ref.doc, func(m string) string {
		url := presignedPlaceholder.FindStringSubmatch(m)[1]
		signed, err := s.cfg.Presigner.Presign(ctx, url, ref.presigned.RoleArn, expires)
		if err != nil {
			firstErr = cmpErr(firstErr, err)
			return m
		}
		return jsonEscape(signed)
	})
	if firstErr != nil {
		return "", fmt.Errorf("presign: %w", firstErr)
	}
	return out, nil
}

// jsonEscape escapes s for use inside a JSON string literal.
func jsonEscape(s string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	return string(b[1 : len(b)-1])
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

// fillDocument sets the substituted document of an MQTT execution.
func (s *Service) fillDocument(ctx context.Context, ex *MQTTExecution, ref *docRef) error {
	if ref == nil {
		return nil
	}
	doc, err := s.substitute(ctx, ref)
	if err != nil {
		return err
	}
	ex.JobDocument = json.RawMessage(doc)
	return nil
}

// checkDocument validates an inline job document: at most
// Limits.MaxDocumentBytes, UTF-8 JSON object.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateJob.html#iot-CreateJob-request-document
func (s *Service) checkDocument(doc string) error {
	if n := len(doc); n > s.cfg.Limits.MaxDocumentBytes {
		// UNCONFIRMED: the AWS message text of an over-long document.
		return errorf(InvalidRequest, "1 validation error detected: Value at 'document' failed to satisfy constraint: Member must have length less than or equal to %d", s.cfg.Limits.MaxDocumentBytes)
	}
	var obj map[string]any
	if !utf8.ValidString(doc) || json.Unmarshal([]byte(doc), &obj) != nil || obj == nil {
		// UNCONFIRMED: the AWS message text of a malformed document.
		return errorf(InvalidRequest, "The job document is not a valid JSON object.")
	}
	return nil
}

// fetchDocument fetches and checks a documentSource document.
func (s *Service) fetchDocument(ctx context.Context, source string) (string, error) {
	if s.cfg.Fetcher == nil {
		return "", errorf(InvalidRequest, "documentSource %s cannot be read: iotemu has no S3 endpoint configured", source)
	}
	b, err := s.cfg.Fetcher.FetchDocument(ctx, source)
	if err != nil {
		// UNCONFIRMED: AWS's text when the S3 object cannot be read.
		return "", &Error{Code: InvalidRequest, Message: fmt.Sprintf("Unable to get the document from %s: %v", source, err)}
	}
	doc := string(b)
	if err := s.checkDocument(doc); err != nil {
		return "", err
	}
	return doc, nil
}

// applyParameters substitutes ${aws:iot:parameter:name} placeholders.
func applyParameters(doc string, params map[string]string) (string, error) {
	var missing string
	out := parameterPlaceholder.ReplaceAllStringFunc(doc, func(m string) string {
		name := parameterPlaceholder.FindStringSubmatch(m)[1]
		v, ok := params[name]
		if !ok {
			missing = name
			return m
		}
		return jsonEscape(v)
	})
	if missing != "" && len(params) > 0 {
		return "", errorf(InvalidRequest, "Missing value for document parameter %s", missing)
	}
	return out, nil
}
