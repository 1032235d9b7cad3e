package awswire

import (
	"context"
	"net/http"
	"strings"
)

// PutObject is S3's PutObject as the rule action sends it.
type PutObject struct {
	Bucket, Key string
	// ACL is the canned ACL (x-amz-acl), "" for none.
	ACL  string
	Body []byte
}

// PutObjectOutput is what S3 answers, from its headers.
type PutObjectOutput struct {
	ETag      string `json:"ETag,omitempty"`
	VersionID string `json:"VersionId,omitempty"`
}

// PutObject sends PUT /<bucket>/<key>?x-id=PutObject, path style (local S3
// emulators have no virtual hosts), with the payload's SHA-256 in
// x-amz-content-sha256 and no checksum header (the SDK sends none when
// checksums are only computed where required, as iotemu configured it).
// AWS: https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html#API_PutObject_RequestSyntax
func (c *Client) PutObject(ctx context.Context, svc Service, in PutObject) (PutObjectOutput, error) {
	h := map[string]string{"Content-Type": "application/octet-stream", "X-Amz-Content-Sha256": sha256Hex(in.Body)}
	if in.ACL != "" {
		h["X-Amz-Acl"] = in.ACL
	}
	resp, err := c.do(ctx, request{
		svc: svc, op: "PutObject", method: http.MethodPut, path: "/" + s3Escape(in.Bucket) + "/" + s3Escape(in.Key),
		query: "x-id=PutObject", headers: h, body: in.Body, errors: s3Error,
	})
	if err != nil {
		return PutObjectOutput{}, err
	}
	return PutObjectOutput{ETag: resp.header.Get("ETag"), VersionID: resp.header.Get("X-Amz-Version-Id")}, nil
}

// s3Escape percent-encodes a bucket or key as the SDK puts it in the path:
// every byte but A-Z a-z 0-9 - _ . ~ and "/".
func s3Escape(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte("-_.~/", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}
