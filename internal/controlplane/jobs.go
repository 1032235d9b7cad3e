package controlplane

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/internal/route"
	"github.com/iotemu/iotemu/jobs"
)

// The Jobs control plane: jobs, job executions and job templates, on the
// jobs service. Paths, methods and query names are those of botocore's iot
// service-2.json.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateJob.html#API_CreateJob_RequestSyntax
// and the pages of the other operations.

func (c *ControlPlane) registerJobs(rt *route.Router) {
	j := c.cfg.Jobs
	if j == nil {
		return
	}
	rt.Handle("/jobs", jobsHandle(decodeListJobs, j.ListJobs), http.MethodGet)
	rt.Handle("/jobs/{jobId}", jobsHandle(decodeCreateJob, j.CreateJob), http.MethodPut)
	rt.Handle("/jobs/{jobId}", jobsHandle(path("jobId"), j.DescribeJob), http.MethodGet)
	rt.Handle("/jobs/{jobId}", jobsHandle(decodeUpdateJob, noOutput(j.UpdateJob)), http.MethodPatch)
	rt.Handle("/jobs/{jobId}", jobsHandle(decodeDeleteJob, noOutput(j.DeleteJob)), http.MethodDelete)
	rt.Handle("/jobs/{jobId}/cancel", jobsHandle(decodeCancelJob, j.CancelJob), http.MethodPut)
	rt.Handle("/jobs/{jobId}/job-document", jobsHandle(decodeGetJobDocument, c.getJobDocument), http.MethodGet)
	rt.Handle("/jobs/{jobId}/targets", jobsHandle(decodeAssociateTargets, j.AssociateTargetsWithJob), http.MethodPost)
	rt.Handle("/jobs/{jobId}/things", jobsHandle(decodeListForJob, j.ListJobExecutionsForJob), http.MethodGet)
	rt.Handle("/things/{thingName}/jobs", jobsHandle(decodeListForThing, j.ListJobExecutionsForThing), http.MethodGet)
	rt.Handle("/things/{thingName}/jobs/{jobId}", jobsHandle(decodeDescribeExecution, c.describeJobExecution), http.MethodGet)
	rt.Handle("/things/{thingName}/jobs/{jobId}/cancel", jobsHandle(decodeCancelExecution, noOutput(j.CancelJobExecution)), http.MethodPut)
	rt.Handle("/things/{thingName}/jobs/{jobId}/executionNumber/{executionNumber}", jobsHandle(decodeDeleteExecution, noOutput(j.DeleteJobExecution)), http.MethodDelete)
	rt.Handle("/job-templates", jobsHandle(decodeListTemplates, c.listJobTemplates), http.MethodGet)
	rt.Handle("/job-templates/{jobTemplateId}", jobsHandle(decodeCreateTemplate, j.CreateJobTemplate), http.MethodPut)
	rt.Handle("/job-templates/{jobTemplateId}", jobsHandle(path("jobTemplateId"), j.DescribeJobTemplate), http.MethodGet)
	rt.Handle("/job-templates/{jobTemplateId}", jobsHandle(path("jobTemplateId"), noOutput(j.DeleteJobTemplate)), http.MethodDelete)
}

// jobsError maps the jobs service's errors to the wire: its Code is the
// exception shape and gives the status; a closed service is unavailable.
func jobsError(err error) *awsrest.Error {
	if errors.Is(err, jobs.ErrClosed) {
		return awsrest.Errorf(http.StatusServiceUnavailable, "ServiceUnavailableException", "Service unavailable")
	}
	var je *jobs.Error
	if !errors.As(err, &je) {
		return nil
	}
	return &awsrest.Error{Status: je.Status(), Type: je.ErrorType(), Message: je.Message}
}

func jobsHandle[In, Out any](decode func(*http.Request) (In, error), call func(context.Context, In) (Out, error)) http.Handler {
	return awsrest.Handle(jobsError, decode, call)
}

// noOutput adapts an operation answered with an empty 200.
func noOutput[In any](call func(context.Context, In) error) func(context.Context, In) (empty, error) {
	return func(ctx context.Context, in In) (empty, error) { return empty{}, call(ctx, in) }
}

func decodeCreateJob(r *http.Request) (jobs.CreateJobInput, error) {
	var in jobs.CreateJobInput
	err := readJSON(r, &in)
	in.JobID = r.PathValue("jobId")
	return in, err
}

func decodeUpdateJob(r *http.Request) (jobs.UpdateJobInput, error) {
	var in jobs.UpdateJobInput
	err := readJSON(r, &in)
	in.JobID, in.NamespaceID = r.PathValue("jobId"), r.URL.Query().Get("namespaceId")
	return in, err
}

func decodeCancelJob(r *http.Request) (jobs.CancelJobInput, error) {
	var in jobs.CancelJobInput
	if err := readJSON(r, &in); err != nil {
		return in, err
	}
	force, err := awsrest.QueryBool(r, "force")
	in.JobID, in.Force = r.PathValue("jobId"), force
	return in, err
}

func decodeDeleteJob(r *http.Request) (jobs.DeleteJobInput, error) {
	force, err := awsrest.QueryBool(r, "force")
	return jobs.DeleteJobInput{JobID: r.PathValue("jobId"), Force: force, NamespaceID: r.URL.Query().Get("namespaceId")}, err
}

type jobDocumentInput struct {
	jobID              string
	beforeSubstitution bool
}

func decodeGetJobDocument(r *http.Request) (jobDocumentInput, error) {
	b, err := awsrest.QueryBool(r, "beforeSubstitution")
	return jobDocumentInput{r.PathValue("jobId"), b}, err
}

func (c *ControlPlane) getJobDocument(ctx context.Context, in jobDocumentInput) (jobs.GetJobDocumentOutput, error) {
	return c.cfg.Jobs.GetJobDocument(ctx, in.jobID, in.beforeSubstitution)
}

func decodeAssociateTargets(r *http.Request) (jobs.AssociateTargetsWithJobInput, error) {
	var in jobs.AssociateTargetsWithJobInput
	err := readJSON(r, &in)
	in.JobID, in.NamespaceID = r.PathValue("jobId"), r.URL.Query().Get("namespaceId")
	return in, err
}

func decodeListJobs(r *http.Request) (jobs.ListJobsInput, error) {
	q := r.URL.Query()
	n, err := awsrest.QueryInt(r, "maxResults")
	return jobs.ListJobsInput{
		Status: q.Get("status"), TargetSelection: q.Get("targetSelection"), MaxResults: n, NextToken: q.Get("nextToken"),
		ThingGroupName: q.Get("thingGroupName"), ThingGroupID: q.Get("thingGroupId"), NamespaceID: q.Get("namespaceId"),
	}, err
}

func decodeListForJob(r *http.Request) (jobs.ListJobExecutionsForJobInput, error) {
	q := r.URL.Query()
	n, err := awsrest.QueryInt(r, "maxResults")
	return jobs.ListJobExecutionsForJobInput{JobID: r.PathValue("jobId"), Status: q.Get("status"), MaxResults: n, NextToken: q.Get("nextToken")}, err
}

func decodeListForThing(r *http.Request) (jobs.ListJobExecutionsForThingInput, error) {
	q := r.URL.Query()
	n, err := awsrest.QueryInt(r, "maxResults")
	return jobs.ListJobExecutionsForThingInput{
		ThingName: r.PathValue("thingName"), Status: q.Get("status"), NamespaceID: q.Get("namespaceId"),
		MaxResults: n, NextToken: q.Get("nextToken"), JobID: q.Get("jobId"),
	}, err
}

type executionRef struct {
	jobID, thingName string
	number           int64
}

func decodeDescribeExecution(r *http.Request) (executionRef, error) {
	n, err := queryInt64(r, "executionNumber")
	return executionRef{r.PathValue("jobId"), r.PathValue("thingName"), n}, err
}

func (c *ControlPlane) describeJobExecution(ctx context.Context, in executionRef) (jobs.DescribeJobExecutionOutput, error) {
	return c.cfg.Jobs.DescribeJobExecution(ctx, in.jobID, in.thingName, in.number)
}

func decodeCancelExecution(r *http.Request) (jobs.CancelJobExecutionInput, error) {
	var in jobs.CancelJobExecutionInput
	if err := readJSON(r, &in); err != nil {
		return in, err
	}
	force, err := awsrest.QueryBool(r, "force")
	in.JobID, in.ThingName, in.Force = r.PathValue("jobId"), r.PathValue("thingName"), force
	return in, err
}

func decodeDeleteExecution(r *http.Request) (jobs.DeleteJobExecutionInput, error) {
	n, err := strconv.ParseInt(r.PathValue("executionNumber"), 10, 64)
	if err != nil {
		return jobs.DeleteJobExecutionInput{}, awsrest.Invalid("executionNumber must be a number")
	}
	force, err := awsrest.QueryBool(r, "force")
	return jobs.DeleteJobExecutionInput{
		JobID: r.PathValue("jobId"), ThingName: r.PathValue("thingName"), ExecutionNumber: n, Force: force,
		NamespaceID: r.URL.Query().Get("namespaceId"),
	}, err
}

func decodeCreateTemplate(r *http.Request) (jobs.CreateJobTemplateInput, error) {
	var in jobs.CreateJobTemplateInput
	err := readJSON(r, &in)
	in.JobTemplateID = r.PathValue("jobTemplateId")
	return in, err
}

func decodeListTemplates(r *http.Request) (page, error) {
	return pageParams(r, "maxResults", "nextToken")
}

func (c *ControlPlane) listJobTemplates(ctx context.Context, p page) (jobs.ListJobTemplatesOutput, error) {
	return c.cfg.Jobs.ListJobTemplates(ctx, p.size, p.token)
}

// queryInt64 reads an optional long query parameter ("" → 0).
func queryInt64(r *http.Request, name string) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, awsrest.Invalid("%s must be a number", name)
	}
	return n, nil
}
