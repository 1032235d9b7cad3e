package jobs

import "strings"

// Event topics.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/events-jobs.html#events-jobs
const (
	jobEventPrefix  = "$aws/events/job/"
	execEventPrefix = "$aws/events/jobExecution/"
)

// jobEventDoc is the payload of $aws/events/job/{jobId}/{operation}.
// timestamp is epoch seconds, the other times epoch milliseconds.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/events-jobs.html#events-jobs
type jobEventDoc struct {
	EventType         string           `json:"eventType"`
	EventID           string           `json:"eventId"`
	Timestamp         int64            `json:"timestamp"`
	Operation         string           `json:"operation"`
	JobID             string           `json:"jobId"`
	Status            string           `json:"status"`
	TargetSelection   string           `json:"targetSelection"`
	Targets           []string         `json:"targets"`
	Description       string           `json:"description,omitempty"`
	CompletedAt       int64            `json:"completedAt,omitempty"`
	CreatedAt         int64            `json:"createdAt"`
	LastUpdatedAt     int64            `json:"lastUpdatedAt"`
	Comment           string           `json:"comment,omitempty"`
	JobProcessDetails *eventProcessDoc `json:"jobProcessDetails,omitempty"`
}

// eventProcessDoc is the jobProcessDetails of a completed event.
type eventProcessDoc struct {
	NumberOfCanceledThings  int `json:"numberOfCanceledThings"`
	NumberOfRejectedThings  int `json:"numberOfRejectedThings"`
	NumberOfFailedThings    int `json:"numberOfFailedThings"`
	NumberOfRemovedThings   int `json:"numberOfRemovedThings"`
	NumberOfSucceededThings int `json:"numberOfSucceededThings"`
}

// execEventDoc is the payload of $aws/events/jobExecution/{jobId}/{operation}.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/events-jobs.html#events-jobs
type execEventDoc struct {
	EventType     string            `json:"eventType"`
	EventID       string            `json:"eventId"`
	Timestamp     int64             `json:"timestamp"`
	Operation     string            `json:"operation"`
	JobID         string            `json:"jobId"`
	ThingArn      string            `json:"thingArn"`
	Status        string            `json:"status"`
	StatusDetails map[string]string `json:"statusDetails,omitempty"`
}

// jobEvent queues a JOB event when JOB events are enabled. op is
// completed, cancellation_in_progress, canceled, deletion_in_progress or
// deleted; the status is op in upper case ("COMPLETED", "DELETED", ...).
// The comment is sent on the in-progress and deleted events.
func (s *Service) jobEvent(j *job, op string, b *batch) {
	if !s.cfg.EventsEnabled(EventJob) {
		return
	}
	doc := &jobEventDoc{
		EventType: EventJob, EventID: s.cfg.NewUUID(), Timestamp: b.now.Unix(), Operation: op,
		JobID: j.id, Status: strings.ToUpper(op), TargetSelection: j.targetSelection,
		Targets: j.targets, Description: j.description,
		CreatedAt: j.createdAt.UnixMilli(), LastUpdatedAt: j.lastUpdatedAt.UnixMilli(),
	}
	switch op {
	case "completed":
		d := s.processDetails(j)
		doc.CompletedAt = j.completedAt.UnixMilli()
		doc.JobProcessDetails = &eventProcessDoc{
			NumberOfCanceledThings: d.NumberOfCanceledThings, NumberOfRejectedThings: d.NumberOfRejectedThings,
			NumberOfFailedThings: d.NumberOfFailedThings, NumberOfRemovedThings: d.NumberOfRemovedThings,
			NumberOfSucceededThings: d.NumberOfSucceededThings,
		}
	case "cancellation_in_progress", "deletion_in_progress", "deleted":
		doc.Comment = j.comment
	}
	b.add("", jobEventPrefix+j.id+"/"+op, doc)
}

// execEvent queues a JOB_EXECUTION event when enabled. op is the terminal
// status in lower case, or deleted (UNCONFIRMED U12: the deleted event
// reuses the envelope with the last status).
func (s *Service) execEvent(j *job, e *execution, op string, b *batch) {
	if !s.cfg.EventsEnabled(EventJobExecution) {
		return
	}
	b.add("", execEventPrefix+j.id+"/"+op, &execEventDoc{
		EventType: EventJobExecution, EventID: s.cfg.NewUUID(), Timestamp: b.now.Unix(), Operation: op,
		JobID: j.id, ThingArn: s.thingARN(e.thing), Status: e.status, StatusDetails: e.details(),
	})
}
