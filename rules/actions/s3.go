package actions

import (
	"context"
	"fmt"
	"slices"

	"github.com/iotemu/iotemu/rules"
	"github.com/iotemu/iotemu/rules/actions/internal/awswire"
)

// S3 is AWS's S3Action: PutObject of the rule output at bucketName/key.
// AWS: s3-rule-action.html; service-2.json S3Action (bucketName, key and
// roleArn required; key a template, bucketName a template through the API
// and CLI; cannedAcl one of the CannedAccessControlList values).
type S3 struct {
	RoleArn    string `json:"roleArn,omitempty"`
	BucketName string `json:"bucketName"`
	Key        string `json:"key"`
	CannedACL  string `json:"cannedAcl,omitempty"`
}

// cannedACLs is the CannedAccessControlList enum. AWS: service-2.json.
var cannedACLs = []string{"private", "public-read", "public-read-write", "aws-exec-read", "authenticated-read",
	"bucket-owner-read", "bucket-owner-full-control", "log-delivery-write"}

// Type returns "s3".
func (S3) Type() string { return "s3" }

func (a *S3) check(at string) error {
	if a.CannedACL != "" && !slices.Contains(cannedACLs, a.CannedACL) {
		return &ValidationError{Message: fmt.Sprintf("Value '%s' at '%s.cannedAcl' failed to satisfy constraint: Member must satisfy enum value set: %v", a.CannedACL, at, cannedACLs)}
	}
	return required(at, "bucketName", a.BucketName, "key", a.Key)
}

func (a *S3) build(e *Env, c rules.ActionCompiler) (executor, error) {
	cc := &compiler{c: c}
	return &s3Action{env: e, spec: *a, bucket: cc.t(a.BucketName), key: cc.t(a.Key)}, cc.err
}

type s3Action struct {
	env         *Env
	spec        S3
	bucket, key *rules.Template
}

// s3Input is the recorded PutObject input (the body as text).
type s3Input struct {
	Bucket string `json:"Bucket"`
	Key    string `json:"Key"`
	ACL    string `json:"ACL,omitempty"`
	Body   string `json:"Body"`
}

func (a *s3Action) Execute(ctx context.Context, out rules.Output) (rules.Report, error) {
	const verb = "put S3 object"
	r := renderer{ctx: ctx, out: out}
	bucket, key := r.s(a.bucket), r.s(a.key)
	rep := rules.Report{Type: "s3", Resource: bucket}
	if r.err != nil {
		return rep, fail(verb, r.err)
	}
	rec := s3Input{Bucket: bucket, Key: key, ACL: a.spec.CannedACL, Body: string(out.Payload)}
	var send func(context.Context) (any, error)
	if svc := a.env.services.s3; svc != nil {
		in := awswire.PutObject{Bucket: bucket, Key: key, ACL: a.spec.CannedACL, Body: out.Payload}
		send = func(ctx context.Context) (any, error) { return a.env.services.wire.PutObject(ctx, *svc, in) }
	}
	return rep, a.env.call(ctx, &rep, "s3", "PutObject", verb, rec, send)
}
