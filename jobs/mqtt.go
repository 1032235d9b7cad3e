package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// ErrNotJobsTopic is returned by HandleMQTT for a topic outside the Jobs
// namespace of a thing.
var ErrNotJobsTopic = errors.New("not a jobs topic")

// Reply documents of the MQTT API.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-mqtt-api.html#jobs-mqtt-api
type (
	getPendingReply struct {
		Timestamp      int64                    `json:"timestamp"`
		ClientToken    string                   `json:"clientToken,omitempty"`
		InProgressJobs []DeviceExecutionSummary `json:"inProgressJobs"`
		QueuedJobs     []DeviceExecutionSummary `json:"queuedJobs"`
	}
	executionReply struct {
		Timestamp   int64          `json:"timestamp"`
		ClientToken string         `json:"clientToken,omitempty"`
		Execution   *MQTTExecution `json:"execution,omitempty"`
	}
	updateReply struct {
		ClientToken    string          `json:"clientToken,omitempty"`
		Timestamp      int64           `json:"timestamp"`
		ExecutionState *ExecutionState `json:"executionState,omitempty"`
	}
	rejectedReply struct {
		Code           RejectedCode    `json:"code"`
		Message        string          `json:"message"`
		ClientToken    string          `json:"clientToken,omitempty"`
		Timestamp      int64           `json:"timestamp"`
		ExecutionState *ExecutionState `json:"executionState,omitempty"`
	}
)

// HandleMQTT handles a message that client clientID published to a topic
// of a thing's Jobs namespace and sends the reply to that client only
// (Publisher.PublishTo), on the request topic plus /accepted or
// /rejected; jobs/notify, jobs/notify-next and events follow through
// Publisher.Publish. A topic of the namespace that is no request is
// answered on topic/rejected with InvalidTopic (UNCONFIRMED reply topic).
// AWS rejections are published, not returned: the returned error is
// ErrNotJobsTopic, ErrClosed or nil.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-mqtt-api.html#jobs-mqtt-api
func (s *Service) HandleMQTT(ctx context.Context, clientID, topic string, payload []byte) error {
	if !IsJobsTopic(topic) {
		return fmt.Errorf("handle %q: %w", topic, ErrNotJobsTopic)
	}
	t, ok := ParseTopic(topic)
	if !ok || !t.IsRequest() {
		err := &Error{Code: InvalidRequest, MQTT: RejectedInvalidTopic, Message: "The topic " + topic + " is not a valid Jobs topic."}
		s.flush(ctx, []outMsg{s.rejected(clientID, topic, err, "")})
		return nil
	}
	req, err := decodeRequest(payload, s.cfg.Limits.MaxMQTTPayloadBytes)
	if err == nil {
		err = checkThingName(t.Thing)
	}
	if err != nil {
		s.flush(ctx, []outMsg{s.rejected(clientID, topic, err, req.clientToken)})
		return nil
	}
	if err := s.lock(); err != nil {
		return err
	}
	b := s.begin()
	reply := s.dispatch(t, req, b)
	reply.clientID, reply.topic = clientID, topic+"/"+reply.topic
	msgs := append([]outMsg{reply}, b.finish()...)
	s.mu.Unlock()
	s.flush(ctx, msgs)
	return nil
}

// dispatch runs one request under the lock and returns its reply; the
// reply's topic is its suffix.
func (s *Service) dispatch(t Topic, req deviceRequest, b *batch) outMsg {
	now := b.now
	fail := func(err error) outMsg {
		m := s.rejected("", "", err, req.clientToken)
		m.topic = SuffixRejected
		return m
	}
	switch t.Op {
	case OpGetPending:
		in, q := s.pendingSplit(t.Thing)
		return accepted(&getPendingReply{Timestamp: now.Unix(), ClientToken: req.clientToken, InProgressJobs: in, QueuedJobs: q})
	case OpStartNext:
		e, err := s.startNext(t.Thing, req, b)
		if err != nil {
			return fail(err)
		}
		return s.executionAccepted(e, true, req.clientToken, now)
	case OpDescribe:
		e, err := s.describeExec(t.Thing, t.JobID, req.executionNumber)
		if err != nil {
			return fail(err)
		}
		// AWS: includeJobDocument defaults to true on DescribeJobExecution.
		return s.executionAccepted(e, req.includeDoc == nil || *req.includeDoc, req.clientToken, now)
	default:
		e, err := s.updateExec(t.Thing, t.JobID, req, b)
		if err != nil {
			return fail(err)
		}
		return s.updateAccepted(e, req, now)
	}
}

// accepted returns an /accepted reply encoding v.
func accepted(v any) outMsg { return outMsg{topic: SuffixAccepted, render: jsonRender(v)} }

// executionAccepted is the accepted reply of start-next and get: without
// "execution" when e is nil.
func (s *Service) executionAccepted(e *execution, includeDoc bool, token string, now time.Time) outMsg {
	doc := &executionReply{Timestamp: now.Unix(), ClientToken: token}
	if e == nil {
		return accepted(doc)
	}
	ex, ref := s.mqttExecution(e, includeDoc, now)
	doc.Execution = ex
	return outMsg{topic: SuffixAccepted, render: func(ctx context.Context) ([]byte, error) {
		if err := s.fillDocument(ctx, ex, ref); err != nil {
			return nil, err
		}
		return jsonRender(doc)(ctx)
	}}
}

// updateAccepted is update/accepted: {clientToken, timestamp} plus
// executionState and jobDocument when asked (both default false).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-mqtt-api.html#mqtt-updatejobexecution
func (s *Service) updateAccepted(e *execution, req deviceRequest, now time.Time) outMsg {
	doc := &updateReply{ClientToken: req.clientToken, Timestamp: now.Unix()}
	if req.includeState {
		doc.ExecutionState = stateOf(e)
	}
	if req.includeDoc == nil || !*req.includeDoc {
		return accepted(doc)
	}
	ref := s.refOf(s.jobs[e.jobID])
	return outMsg{topic: SuffixAccepted, render: func(ctx context.Context) ([]byte, error) {
		d, err := s.substitute(ctx, ref)
		if err != nil {
			return nil, err
		}
		return jsonRender(rawDocReply{doc, json.RawMessage(d)})(ctx)
	}}
}

// rawDocReply is an update reply with a JSON-object document.
type rawDocReply struct {
	*updateReply
	JobDocument json.RawMessage `json:"jobDocument,omitempty"`
}

// rejected is the one mapping from an error to the MQTT /rejected
// document: code, message, clientToken, timestamp and, for
// VersionMismatch and InvalidStateTransition, executionState.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-api.html#jobs-mqtt-error-response
func (s *Service) rejected(clientID, topic string, err error, token string) outMsg {
	e := AsError(err)
	doc := &rejectedReply{Code: e.RejectedCode(), Message: e.Message, ClientToken: token, Timestamp: s.cfg.Now().Unix()}
	if doc.Code == RejectedVersionMismatch || doc.Code == RejectedInvalidStateTransition {
		doc.ExecutionState = e.State
	}
	return outMsg{clientID: clientID, topic: topic + "/" + SuffixRejected, render: jsonRender(doc)}
}
