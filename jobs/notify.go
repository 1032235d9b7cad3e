package jobs

import (
	"cmp"
	"context"
	"slices"
	"time"
)

// execKey identifies one execution.
type execKey struct {
	jobID string
	num   int64
}

// pendingView is what notifications compare: the set of pending executions
// and the head of the list.
type pendingView struct {
	set  map[execKey]bool
	head execKey
}

// pending returns the thing's non-terminal executions: IN_PROGRESS first,
// then QUEUED, each oldest first.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-mqtt-api.html#mqtt-startnextpendingjobexecution
func (s *Service) pending(thing string) []*execution {
	var out []*execution
	for id := range s.byThing[thing] {
		j := s.jobs[id]
		if j == nil || j.status == JobDeletionInProgress {
			continue
		}
		if e := j.latest(thing); e != nil && !terminal(e.status) {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b *execution) int {
		if a.status != b.status {
			if a.status == ExecInProgress {
				return -1
			}
			return 1
		}
		return cmp.Or(a.queuedAt.Compare(b.queuedAt), cmp.Compare(a.seq, b.seq))
	})
	return out
}

// view returns the thing's current pendingView.
func (s *Service) view(thing string) pendingView {
	v := pendingView{set: make(map[execKey]bool)}
	for i, e := range s.pending(thing) {
		k := execKey{e.jobID, e.executionNumber}
		v.set[k] = true
		if i == 0 {
			v.head = k
		}
	}
	return v
}

// notifyDoc is the jobs/notify payload (JobExecutionsChanged).
type notifyDoc struct {
	Timestamp int64                               `json:"timestamp"`
	Jobs      map[string][]DeviceExecutionSummary `json:"jobs"`
}

// notifyNextDoc is the jobs/notify-next payload (NextJobExecutionChanged).
type notifyNextDoc struct {
	Timestamp int64          `json:"timestamp"`
	Execution *MQTTExecution `json:"execution,omitempty"`
}

// notifications returns jobs/notify when the set of pending executions
// changed and jobs/notify-next when the head changed.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-comm-notifications.html#jobs-comm-notifications-types
func (s *Service) notifications(thing string, before pendingView, now time.Time) []outMsg {
	after := s.view(thing)
	var msgs []outMsg
	if !sameSet(before.set, after.set) {
		msgs = append(msgs, outMsg{topic: JobsPrefix(thing) + "/notify", render: jsonRender(s.notifyPayload(thing, now))})
	}
	if before.head != after.head {
		msgs = append(msgs, outMsg{topic: JobsPrefix(thing) + "/notify-next", render: s.notifyNextRender(thing, now)})
	}
	return msgs
}

// notifyPayload lists at most Limits.MaxPendingInNotify pending
// executions; an empty status is left out, an empty list is "jobs":{}.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-comm-notifications.html#jobs-comm-pending
func (s *Service) notifyPayload(thing string, now time.Time) notifyDoc {
	doc := notifyDoc{Timestamp: now.Unix(), Jobs: map[string][]DeviceExecutionSummary{}}
	list := s.pending(thing)
	if len(list) > s.cfg.Limits.MaxPendingInNotify {
		list = list[:s.cfg.Limits.MaxPendingInNotify]
	}
	for _, e := range list {
		doc.Jobs[e.status] = append(doc.Jobs[e.status], summaryOf(e))
	}
	return doc
}

// notifyNextRender builds notify-next with the head execution and its
// document, which is substituted at publish time.
func (s *Service) notifyNextRender(thing string, now time.Time) func(context.Context) ([]byte, error) {
	doc := &notifyNextDoc{Timestamp: now.Unix()}
	list := s.pending(thing)
	if len(list) == 0 {
		return jsonRender(doc)
	}
	ex, ref := s.mqttExecution(list[0], true, now)
	doc.Execution = ex
	return func(ctx context.Context) ([]byte, error) {
		if err := s.fillDocument(ctx, ex, ref); err != nil {
			return nil, err
		}
		return jsonRender(doc)(ctx)
	}
}

// sameSet reports whether two sets hold the same keys.
func sameSet(a, b map[execKey]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}
