package shadow

import (
	"context"
	"errors"
	"fmt"
	"unicode/utf8"
)

// ErrNotRequestTopic is returned by HandleMQTT for a topic that is not a
// shadow request topic (/get, /update or /delete of a classic or named
// shadow). Response topics are subscribe-only for clients.
var ErrNotRequestTopic = errors.New("not a shadow request topic")

// HandleMQTT handles a message a client published to a shadow request
// topic and publishes the answers through the Publisher:
//   - update: update/accepted, update/documents and, when the shadow has a
//     delta, update/delta; or update/rejected;
//   - get: get/accepted or get/rejected;
//   - delete: delete/accepted or delete/rejected.
//
// AWS rejections are published, not returned: the returned error is
// ErrNotRequestTopic or a publishing failure.
//
// AWS: device-shadow-mqtt.html.
func (s *Service) HandleMQTT(ctx context.Context, topic string, payload []byte) error {
	t, ok := ParseTopic(topic)
	if !ok || !t.IsRequest() {
		return fmt.Errorf("handle %q: %w", topic, ErrNotRequestTopic)
	}
	s.log.DebugContext(ctx, "shadow request", logKeyTopic, topic)
	k := t.Key()
	switch t.Op {
	case OpUpdate:
		res, tok, err := s.update(ctx, k, payload)
		if err != nil {
			return s.reject(ctx, t, err, tok)
		}
		return s.notifyUpdate(ctx, res, true)
	case OpGet:
		tok, err := s.requestClientToken(payload)
		if err != nil {
			return s.reject(ctx, t, err, "")
		}
		body, err := s.get(ctx, k, tok, transportMQTT)
		return s.respond(ctx, t, body, err, tok)
	default:
		// AWS: "The content of the message is ignored" (device-shadow-mqtt.html),
		// but a clientToken is echoed (SDK-CPP OBS).
		tok, err := s.requestClientToken(payload)
		if err != nil {
			return s.reject(ctx, t, err, "")
		}
		body, err := s.delete(ctx, k, tok, transportMQTT)
		return s.respond(ctx, t, body, err, tok)
	}
}

// respond publishes body on /accepted, or err on /rejected.
func (s *Service) respond(ctx context.Context, t Topic, body []byte, err error, clientToken string) error {
	if err != nil {
		return s.reject(ctx, t, err, clientToken)
	}
	return s.publish(ctx, TopicPrefix(t.Thing, t.Name)+"/"+string(t.Op)+"/"+SuffixAccepted, body)
}

// reject publishes err on the operation's /rejected topic.
// AWS: device-shadow-mqtt.html; device-shadow-document.html (error response document).
func (s *Service) reject(ctx context.Context, t Topic, err error, clientToken string) error {
	topic := TopicPrefix(t.Thing, t.Name) + "/" + string(t.Op) + "/" + SuffixRejected
	return s.publish(ctx, topic, s.rejectedPayload(err, clientToken, s.now()))
}

// requestClientToken reads the clientToken of a get or delete payload
// (empty, or {"clientToken": "..."}). Anything that is not such an object
// is ignored; an over-long token is ErrInvalidClientToken.
// AWS: SDK-CPP OBS and SDK-PY GetShadowRequest/DeleteShadowRequest.
func (s *Service) requestClientToken(payload []byte) (string, error) {
	if len(payload) == 0 || !utf8.Valid(payload) {
		return "", nil
	}
	if limit := s.cfg.Limits.MaxPayloadBytes; limit > 0 && len(payload) > limit {
		return "", nil
	}
	v, err := decodeJSON(payload, false)
	if err != nil {
		return "", nil
	}
	top, ok := v.(map[string]any)
	if !ok {
		return "", nil
	}
	return s.clientToken(top)
}
