package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/iotemu/iotemu/jobs"
)

// TestErrorTable checks the HTTP status and MQTT code of every exception.
func TestErrorTable(t *testing.T) {
	tests := []struct {
		code   jobs.Code
		status int
		mqtt   jobs.RejectedCode
	}{
		{jobs.InvalidRequest, 400, jobs.RejectedInvalidRequest},
		{jobs.ResourceNotFound, 404, jobs.RejectedResourceNotFound},
		{jobs.ResourceAlreadyExists, 409, jobs.RejectedInvalidRequest},
		{jobs.Conflict, 409, jobs.RejectedInvalidRequest},
		{jobs.VersionConflict, 409, jobs.RejectedVersionMismatch},
		{jobs.InvalidStateTransition, 409, jobs.RejectedInvalidStateTransition},
		{jobs.TerminalState, 410, jobs.RejectedTerminalStateReached},
		{jobs.LimitExceeded, 410, jobs.RejectedInvalidRequest},
		{jobs.Throttling, 400, jobs.RejectedRequestThrottled},
		{jobs.ServiceUnavailable, 503, jobs.RejectedInternalError},
		{jobs.InternalFailure, 500, jobs.RejectedInternalError},
		{jobs.CertificateValidation, 400, jobs.RejectedInvalidRequest},
	}
	for _, tt := range tests {
		e := &jobs.Error{Code: tt.code, Message: "m"}
		if e.Status() != tt.status || e.RejectedCode() != tt.mqtt || e.ErrorType() != string(tt.code) {
			t.Errorf("%s: status %d mqtt %s, want %d %s", tt.code, e.Status(), e.RejectedCode(), tt.status, tt.mqtt)
		}
	}
	if got := jobs.AsError(errors.New("boom")); got.Code != jobs.InternalFailure {
		t.Errorf("AsError of a plain error: %v", got)
	}
	wrapped := fmt.Errorf("x: %w", &jobs.Error{Code: jobs.ResourceNotFound, Message: "gone"})
	if !errors.Is(wrapped, jobs.ErrNotFound) || errors.Is(wrapped, jobs.ErrInvalidRequest) {
		t.Error("errors.Is on sentinels")
	}
	vm := &jobs.Error{Code: jobs.InvalidStateTransition, MQTT: jobs.RejectedVersionMismatch}
	if !errors.Is(vm, jobs.ErrVersionMismatch) || !errors.Is(vm, jobs.ErrInvalidStateTransition) {
		t.Error("VersionMismatch matches both sentinels")
	}
}

// TestCreateJobBadInput checks AWS's error for each invalid CreateJob.
func TestCreateJobBadInput(t *testing.T) {
	big := `{"a":"` + strings.Repeat("x", 32768) + `"}`
	many := make([]string, 101)
	for i := range many {
		many[i] = thingARN(fmt.Sprintf("t%d", i))
	}
	tests := []struct {
		name string
		mod  func(*jobs.CreateJobInput)
		code jobs.Code
		msg  string
	}{
		{"empty jobId", func(in *jobs.CreateJobInput) { in.JobID = "" }, jobs.InvalidRequest, "Member must have length between 1 and 64"},
		{"long jobId", func(in *jobs.CreateJobInput) { in.JobID = strings.Repeat("a", 65) }, jobs.InvalidRequest, "between 1 and 64"},
		{"jobId pattern", func(in *jobs.CreateJobInput) { in.JobID = "a/b" }, jobs.InvalidRequest, "[a-zA-Z0-9_-]+"},
		{"no targets", func(in *jobs.CreateJobInput) { in.Targets = nil }, jobs.InvalidRequest, "Value at 'targets'"},
		{"too many targets", func(in *jobs.CreateJobInput) { in.Targets = many }, jobs.LimitExceeded, "exceeds the limit of 100"},
		{"bad target ARN", func(in *jobs.CreateJobInput) { in.Targets = []string{"thing1"} }, jobs.InvalidRequest, "Invalid target ARN"},
		{"other account", func(in *jobs.CreateJobInput) {
			in.Targets = []string{"arn:aws:iot:us-east-1:999999999999:thing/thing1"}
		}, jobs.InvalidRequest, "not in account"},
		{"unknown thing", func(in *jobs.CreateJobInput) { in.Targets = []string{thingARN("ghost")} }, jobs.ResourceNotFound, "Thing ghost does not exist"},
		{"unknown group", func(in *jobs.CreateJobInput) { in.Targets = []string{groupARN("ghosts")} }, jobs.ResourceNotFound, "Thing group ghosts does not exist"},
		{"no document", func(in *jobs.CreateJobInput) { in.Document = "" }, jobs.InvalidRequest, "Exactly one of document or documentSource"},
		{"both documents", func(in *jobs.CreateJobInput) { in.DocumentSource = "https://s3.amazonaws.com/b/k" }, jobs.InvalidRequest, "Exactly one"},
		{"document too large", func(in *jobs.CreateJobInput) { in.Document = big }, jobs.InvalidRequest, "less than or equal to 32768"},
		{"malformed document", func(in *jobs.CreateJobInput) { in.Document = `{"a":` }, jobs.InvalidRequest, "not a valid JSON object"},
		{"document not an object", func(in *jobs.CreateJobInput) { in.Document = `[1]` }, jobs.InvalidRequest, "not a valid JSON object"},
		{"documentSource without S3", func(in *jobs.CreateJobInput) {
			in.Document, in.DocumentSource = "", "https://s3.amazonaws.com/b/k"
		}, jobs.InvalidRequest, "no S3 endpoint configured"},
		{"targetSelection", func(in *jobs.CreateJobInput) { in.TargetSelection = "SOMETIMES" }, jobs.InvalidRequest, "[CONTINUOUS, SNAPSHOT]"},
		{"description control char", func(in *jobs.CreateJobInput) { in.Description = "a\x00b" }, jobs.InvalidRequest, `[^\p{C}]+`},
		{"timeout range", func(in *jobs.CreateJobInput) {
			in.TimeoutConfig = &jobs.TimeoutConfig{InProgressTimeoutInMinutes: 10081}
		}, jobs.InvalidRequest, "inProgressTimeoutInMinutes"},
		{"presigned expiry", func(in *jobs.CreateJobInput) {
			in.PresignedUrlConfig = &jobs.PresignedUrlConfig{RoleArn: "r", ExpiresInSec: 10}
		}, jobs.InvalidRequest, "between 60 and 3600"},
		{"rollout rate", func(in *jobs.CreateJobInput) {
			in.JobExecutionsRolloutConfig = &jobs.JobExecutionsRolloutConfig{MaximumPerMinute: 1001}
		}, jobs.InvalidRequest, "maximumPerMinute"},
		{"exponential factor", func(in *jobs.CreateJobInput) {
			in.JobExecutionsRolloutConfig = &jobs.JobExecutionsRolloutConfig{ExponentialRate: &jobs.ExponentialRate{
				BaseRatePerMinute: 1, IncrementFactor: 9, RateIncreaseCriteria: jobs.RateIncreaseCriteria{NumberOfNotifiedThings: 1}}}
		}, jobs.InvalidRequest, "incrementFactor"},
		{"abort failureType", func(in *jobs.CreateJobInput) {
			in.AbortConfig = &jobs.AbortConfig{CriteriaList: []jobs.AbortCriteria{{FailureType: "OOPS", Action: "CANCEL", ThresholdPercentage: 1, MinNumberOfExecutedThings: 1}}}
		}, jobs.InvalidRequest, "failureType"},
		{"retry count", func(in *jobs.CreateJobInput) {
			in.JobExecutionsRetryConfig = &jobs.JobExecutionsRetryConfig{CriteriaList: []jobs.RetryCriteria{{FailureType: "FAILED", NumberOfRetries: 11}}}
		}, jobs.InvalidRequest, "numberOfRetries"},
		{"unknown template", func(in *jobs.CreateJobInput) {
			in.JobTemplateArn = "arn:aws:iot:us-east-1:123456789012:jobtemplate/nope"
		}, jobs.ResourceNotFound, "Job template"},
		{"bad schedule", func(in *jobs.CreateJobInput) { in.SchedulingConfig = &jobs.SchedulingConfig{StartTime: "tomorrow"} }, jobs.InvalidRequest, "startTime"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			in := jobs.CreateJobInput{JobID: "job1", Targets: []string{thingARN("thing1")}, Document: `{"a":1}`}
			tt.mod(&in)
			_, err := e.svc.CreateJob(context.Background(), in)
			ae := jobs.AsError(err)
			if err == nil || ae.Code != tt.code || !strings.Contains(ae.Message, tt.msg) {
				t.Fatalf("got %v, want %s containing %q", err, tt.code, tt.msg)
			}
			if got := e.pub.take(); len(got) != 0 {
				t.Errorf("a failed CreateJob published %v", topics(got))
			}
		})
	}
}

// TestCreateJobDuplicate: a second CreateJob with the same id is 409.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateJob.html#API_CreateJob_Errors
func TestCreateJobDuplicate(t *testing.T) {
	e := newEnv(t)
	e.createJob(t, "job1", nil, "thing1")
	_, err := e.svc.CreateJob(context.Background(), jobs.CreateJobInput{JobID: "job1", Targets: []string{thingARN("thing1")}, Document: `{}`})
	if !errors.Is(err, jobs.ErrAlreadyExists) || jobs.AsError(err).Status() != 409 || jobs.AsError(err).Message != "Job with id job1 already exists." {
		t.Fatalf("got %v", err)
	}
}

// TestUnknownResources: every operation on an unknown job, template or
// execution is ResourceNotFoundException.
func TestUnknownResources(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	d := e.svc.DataPlane()
	calls := map[string]func() error{
		"DescribeJob":    func() error { _, err := e.svc.DescribeJob(ctx, "nope"); return err },
		"GetJobDocument": func() error { _, err := e.svc.GetJobDocument(ctx, "nope", false); return err },
		"UpdateJob":      func() error { return e.svc.UpdateJob(ctx, jobs.UpdateJobInput{JobID: "nope"}) },
		"CancelJob":      func() error { _, err := e.svc.CancelJob(ctx, jobs.CancelJobInput{JobID: "nope"}); return err },
		"DeleteJob":      func() error { return e.svc.DeleteJob(ctx, jobs.DeleteJobInput{JobID: "nope"}) },
		"AssociateTargetsWithJob": func() error {
			_, err := e.svc.AssociateTargetsWithJob(ctx, jobs.AssociateTargetsWithJobInput{JobID: "nope", Targets: []string{thingARN("thing1")}})
			return err
		},
		"ListJobExecutionsForJob": func() error {
			_, err := e.svc.ListJobExecutionsForJob(ctx, jobs.ListJobExecutionsForJobInput{JobID: "nope"})
			return err
		},
		"DescribeJobExecution": func() error { _, err := e.svc.DescribeJobExecution(ctx, "nope", "thing1", 0); return err },
		"CancelJobExecution": func() error {
			return e.svc.CancelJobExecution(ctx, jobs.CancelJobExecutionInput{JobID: "nope", ThingName: "thing1"})
		},
		"DeleteJobExecution": func() error {
			return e.svc.DeleteJobExecution(ctx, jobs.DeleteJobExecutionInput{JobID: "nope", ThingName: "thing1", ExecutionNumber: 1})
		},
		"DescribeJobTemplate": func() error { _, err := e.svc.DescribeJobTemplate(ctx, "nope"); return err },
		"DeleteJobTemplate":   func() error { return e.svc.DeleteJobTemplate(ctx, "nope") },
		"data DescribeJobExecution": func() error {
			_, err := d.DescribeJobExecution(ctx, jobs.DescribeJobExecutionInput{JobID: "nope", ThingName: "thing1"})
			return err
		},
		"data UpdateJobExecution": func() error {
			_, err := d.UpdateJobExecution(ctx, jobs.UpdateJobExecutionInput{JobID: "nope", ThingName: "thing1", Status: "SUCCEEDED"})
			return err
		},
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, jobs.ErrNotFound) || jobs.AsError(err).Status() != 404 {
			t.Errorf("%s: got %v, want ResourceNotFoundException", name, err)
		}
	}
}

// TestClosed: after Close every call is ErrClosed; Close is idempotent.
func TestClosed(t *testing.T) {
	e := newEnv(t)
	if err := e.svc.Close(); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.DescribeJob(context.Background(), "x"); !errors.Is(err, jobs.ErrClosed) {
		t.Errorf("DescribeJob after Close: %v", err)
	}
	if err := e.svc.HandleMQTT(context.Background(), "c", "$aws/things/t/jobs/get", nil); !errors.Is(err, jobs.ErrClosed) {
		t.Errorf("HandleMQTT after Close: %v", err)
	}
	if err := e.svc.Tick(context.Background()); !errors.Is(err, jobs.ErrClosed) {
		t.Errorf("Tick after Close: %v", err)
	}
}

// TestNewValidatesConfig: Region and AccountID are required.
func TestNewValidatesConfig(t *testing.T) {
	if _, err := jobs.New(jobs.Config{}); err == nil {
		t.Fatal("want an error for an empty config")
	}
}
