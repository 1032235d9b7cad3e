package jobs

import "strings"

// Op is a Jobs MQTT operation.
type Op string

// Jobs MQTT operations.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-mqtt-api.html#jobs-mqtt-api
const (
	// OpGetPending is $aws/things/{thing}/jobs/get (GetPendingJobExecutions).
	OpGetPending Op = "get"
	// OpStartNext is .../jobs/start-next (StartNextPendingJobExecution).
	OpStartNext Op = "start-next"
	// OpDescribe is .../jobs/{jobId}/get (DescribeJobExecution).
	OpDescribe Op = "describe"
	// OpUpdate is .../jobs/{jobId}/update (UpdateJobExecution).
	OpUpdate Op = "update"
	// OpNotify is .../jobs/notify (JobExecutionsChanged), service to device.
	OpNotify Op = "notify"
	// OpNotifyNext is .../jobs/notify-next (NextJobExecutionChanged).
	OpNotifyNext Op = "notify-next"
)

// Reply topic suffixes.
const (
	SuffixAccepted = "accepted"
	SuffixRejected = "rejected"
)

// NextJobID is the jobId that names the next pending execution.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-mqtt-api.html#mqtt-describejobexecution
const NextJobID = "$next"

// Topic is a parsed Jobs topic.
type Topic struct {
	// Thing is the thing name.
	Thing string
	// JobID is set for OpDescribe and OpUpdate.
	JobID string
	// Op is the operation.
	Op Op
	// Suffix is "" for a request or push topic, else accepted or rejected.
	Suffix string
}

// JobsPrefix is $aws/things/{thing}/jobs.
func JobsPrefix(thing string) string { return "$aws/things/" + thing + "/jobs" }

// IsRequest reports whether t is a topic devices publish requests to.
func (t Topic) IsRequest() bool {
	switch t.Op {
	case OpGetPending, OpStartNext, OpDescribe, OpUpdate:
		return t.Suffix == ""
	}
	return false
}

// String returns the topic name.
func (t Topic) String() string {
	s := JobsPrefix(t.Thing)
	switch t.Op {
	case OpDescribe:
		s += "/" + t.JobID + "/get"
	case OpUpdate:
		s += "/" + t.JobID + "/update"
	default:
		s += "/" + string(t.Op)
	}
	if t.Suffix != "" {
		s += "/" + t.Suffix
	}
	return s
}

// IsJobsTopic reports whether topic lies in a thing's Jobs namespace
// $aws/things/{thing}/jobs/...; HandleMQTT answers InvalidTopic for such
// a topic that is no Jobs request.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-api.html#jobs-mqtt-error-response
func IsJobsTopic(topic string) bool {
	parts := strings.Split(topic, "/")
	return len(parts) >= 5 && parts[0] == "$aws" && parts[1] == "things" && validSegment(parts[2]) && parts[3] == "jobs"
}

// ParseTopic parses a Jobs request, reply or push topic, and returns false
// for anything else.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/reserved-topics.html#reserved-topics-job
func ParseTopic(topic string) (Topic, bool) {
	if !IsJobsTopic(topic) {
		return Topic{}, false
	}
	parts := strings.Split(topic, "/")
	t, rest := Topic{Thing: parts[2]}, parts[4:]
	switch len(rest) {
	case 1:
		t.Op = Op(rest[0])
		return t, t.Op == OpGetPending || t.Op == OpStartNext || t.Op == OpNotify || t.Op == OpNotifyNext
	case 2:
		if isSuffix(rest[1]) && (rest[0] == "get" || rest[0] == "start-next") {
			t.Op, t.Suffix = Op(rest[0]), rest[1]
			return t, true
		}
		return jobOp(t, rest[0], rest[1])
	case 3:
		if !isSuffix(rest[2]) {
			return Topic{}, false
		}
		t.Suffix = rest[2]
		return jobOp(t, rest[0], rest[1])
	}
	return Topic{}, false
}

// jobOp completes a .../jobs/{jobId}/{get|update} topic.
func jobOp(t Topic, jobID, op string) (Topic, bool) {
	if !validSegment(jobID) {
		return Topic{}, false
	}
	t.JobID = jobID
	switch op {
	case "get":
		t.Op = OpDescribe
	case "update":
		t.Op = OpUpdate
	default:
		return Topic{}, false
	}
	return t, true
}

func isSuffix(s string) bool { return s == SuffixAccepted || s == SuffixRejected }

func validSegment(s string) bool { return s != "" && !strings.ContainsAny(s, "+#") }
