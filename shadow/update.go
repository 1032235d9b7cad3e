package shadow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// Update applies an UpdateThingShadow request document to the shadow
// thing/name (name "" is the classic shadow) and returns the response
// document: the request's state echoed with metadata, version, timestamp
// and clientToken (AWS: device-shadow-document.html#device-shadow-example-response-json-accepted).
//
// Like AWS for a REST update, it also publishes update/accepted,
// update/documents and, when the shadow has a delta, update/delta
// (AWS: device-shadow-data-flow.html; https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-rest-api.html#device-shadow-rest-api; Compat.RESTDeltaOnly
// narrows this to the delta). A rejected update publishes nothing
// (AWS: device-shadow-error-messages.html). The error is an *Error.
func (s *Service) Update(ctx context.Context, thing, name string, request []byte) ([]byte, error) {
	res, _, err := s.update(ctx, Key{Thing: thing, Name: name}, request)
	if err != nil {
		return nil, err
	}
	if err := s.notifyUpdate(ctx, res, !s.cfg.Compat.RESTDeltaOnly); err != nil {
		// The update is committed; AWS does not fail the HTTP request
		// when a notification cannot be delivered.
		s.log.WarnContext(ctx, "publish REST update notifications", logKeyThing, thing, logKeyShadow, name, logKeyErr, err)
	}
	return res.accepted, nil
}

// updateResult holds the payloads of an accepted update.
type updateResult struct {
	prefix    string
	accepted  []byte
	documents []byte
	delta     []byte // nil when no delta message is due
}

// notifyUpdate publishes the notifications of an accepted update in the
// order SDK-CPP observed: accepted, documents, delta.
func (s *Service) notifyUpdate(ctx context.Context, r *updateResult, acceptedAndDocuments bool) error {
	var errs []error
	if acceptedAndDocuments {
		errs = append(errs, s.publish(ctx, r.prefix+"/update/accepted", r.accepted))
		errs = append(errs, s.publish(ctx, r.prefix+"/update/documents", r.documents))
	}
	if r.delta != nil {
		errs = append(errs, s.publish(ctx, r.prefix+"/update/delta", r.delta))
	}
	return errors.Join(errs...)
}

// update validates and applies an update under the shadow's lock. It
// returns the clientToken to echo on rejection.
func (s *Service) update(ctx context.Context, k Key, payload []byte) (*updateResult, string, error) {
	if err := s.validateKey(k); err != nil {
		tok, _ := s.requestClientToken(payload)
		return nil, tok, err
	}
	req, tok, err := s.parseUpdate(payload)
	if err != nil {
		return nil, tok, err
	}
	defer s.lock(k)()
	rec, found, err := s.cfg.Store.Load(ctx, k)
	if err != nil {
		return nil, tok, fmt.Errorf("load shadow: %w", err)
	}
	live := found && !rec.Deleted
	base := s.baseVersion(rec, found)
	// AWS: device-shadow-data-flow.html#optimistic-locking (D-FLOW).
	if req.hasVersion && (req.version != base || (!live && s.cfg.Compat.RejectVersionOnCreate)) {
		return nil, tok, ErrVersionConflict
	}
	if err := s.checkContent(req); err != nil {
		return nil, tok, err
	}
	doc := &document{}
	if live {
		if doc, err = decodeDocument(rec.Shadow); err != nil {
			return nil, tok, fmt.Errorf("decode stored shadow: %w", err)
		}
	}
	res, err := s.apply(ctx, k, doc, live, base, req)
	return res, tok, err
}

// baseVersion is the version an update compares with and increments: the
// current version, a deleted shadow's version within Limits.TombstoneTTL,
// or 0. AWS: "Deleting a shadow does not reset its version number to 0"
// (device-shadow-mqtt.html); 48 h (device-shadow-data-flow.html).
func (s *Service) baseVersion(rec Record, found bool) int64 {
	if !found {
		return 0
	}
	if rec.Deleted {
		ttl := s.cfg.Limits.TombstoneTTL
		if ttl > 0 && s.cfg.Now().Sub(rec.DeletedAt) > ttl {
			return 0
		}
	}
	return rec.Version
}

// apply merges req into doc, checks the size, saves and builds the payloads.
func (s *Service) apply(ctx context.Context, k Key, doc *document, live bool, base int64, req *updateRequest) (*updateResult, error) {
	var previous *Shadow
	if live {
		prev, err := doc.encode()
		if err != nil {
			return nil, err
		}
		previous = &prev
	}
	var oldDelta map[string]any
	if s.cfg.Compat.DeltaOnlyWhenChanged {
		oldDelta, _ = s.computeDelta(doc.state.Desired, doc.state.Reported, doc.meta.Desired)
	}
	now := s.now()
	ts := json.Number(strconv.FormatInt(now, 10))
	s.applySection(&doc.state.Desired, &doc.meta.Desired, req.desired, req.desiredPresent, ts)
	s.applySection(&doc.state.Reported, &doc.meta.Reported, req.reported, req.reportedPresent, ts)
	if err := s.checkSize(doc); err != nil {
		return nil, err
	}
	doc.version = base + 1
	current, err := doc.encode()
	if err != nil {
		return nil, err
	}
	if err := s.cfg.Store.Save(ctx, k, Record{Shadow: current}); err != nil {
		return nil, fmt.Errorf("save shadow: %w", err)
	}
	res := &updateResult{prefix: TopicPrefix(k.Thing, k.Name)}
	if res.accepted, err = acceptedPayload(req, ts, doc.version, now); err != nil {
		return nil, err
	}
	if res.documents, err = s.documentsPayload(previous, current, now, req.clientToken); err != nil {
		return nil, err
	}
	delta, deltaMeta := s.computeDelta(doc.state.Desired, doc.state.Reported, doc.meta.Desired)
	if len(delta) > 0 && (!s.cfg.Compat.DeltaOnlyWhenChanged || !equalJSON(map[string]any(oldDelta), map[string]any(delta), true)) {
		res.delta, err = encodeJSON(deltaDocument{
			Version: doc.version, Timestamp: now, State: delta, Metadata: deltaMeta, ClientToken: req.clientToken,
		})
	}
	return res, err
}

// checkSize enforces Limits.MaxStateBytes on the compact JSON of the merged
// desired plus reported sections, metadata excluded.
// AWS: device-shadow-document.html, diagnosing-shadows.html (8 KB; the
// merged document counts, https://docs.aws.amazon.com/general/latest/gr/iot-core.html#device-shadow-limits).
func (s *Service) checkSize(doc *document) error {
	limit := s.cfg.Limits.MaxStateBytes
	if limit <= 0 {
		return nil
	}
	size := 0
	for _, sec := range []map[string]any{doc.state.Desired, doc.state.Reported} {
		if sec == nil {
			continue
		}
		b, err := encodeJSON(sec)
		if err != nil {
			return err
		}
		size += len(b)
	}
	if size > limit {
		return ErrPayloadTooLarge
	}
	return nil
}

// acceptedDocument is update/accepted and the UpdateThingShadow body.
// AWS: device-shadow-document.html#device-shadow-example-response-json-accepted.
type acceptedDocument struct {
	State       any    `json:"state"`
	Metadata    any    `json:"metadata"`
	Version     int64  `json:"version"`
	Timestamp   int64  `json:"timestamp"`
	ClientToken string `json:"clientToken,omitempty"`
}

// acceptedPayload echoes the request state verbatim (only the sections and
// keys sent, nulls included) with metadata for every leaf sent.
// AWS: SDK-CPP OBS and D-FLOW-2019 captures (https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-document.html#device-shadow-example-response-json-accepted).
func acceptedPayload(req *updateRequest, ts json.Number, version, now int64) ([]byte, error) {
	return encodeJSON(acceptedDocument{
		State:       req.state,
		Metadata:    stampRequest(req.state, ts),
		Version:     version,
		Timestamp:   now,
		ClientToken: req.clientToken,
	})
}

// deltaDocument is update/delta.
// AWS: device-shadow-document.html#device-shadow-example-response-json-delta.
type deltaDocument struct {
	Version     int64          `json:"version"`
	Timestamp   int64          `json:"timestamp"`
	State       map[string]any `json:"state"`
	Metadata    map[string]any `json:"metadata"`
	ClientToken string         `json:"clientToken,omitempty"`
}

// snapshotDocument is one side of update/documents.
type snapshotDocument struct {
	State    json.RawMessage `json:"state"`
	Metadata json.RawMessage `json:"metadata"`
	Version  int64           `json:"version"`
}

// snapshotOf is a shadow as update/documents shows it.
func snapshotOf(sh Shadow) snapshotDocument {
	return snapshotDocument(sh)
}

// documentsPayload builds update/documents: full previous and current
// state and metadata, never a delta; "previous" is null for a new shadow.
// AWS: device-shadow-document.html#device-shadow-example-response-json-documents;
// D-FLOW-2019 ("previous": null), D-SIM (clientToken present).
func (s *Service) documentsPayload(previous *Shadow, current Shadow, now int64, clientToken string) ([]byte, error) {
	doc := map[string]any{
		"current":   snapshotOf(current),
		"timestamp": now,
	}
	switch {
	case previous != nil:
		doc["previous"] = snapshotOf(*previous)
	case !s.cfg.Compat.OmitPreviousOnCreate:
		doc["previous"] = nil
	}
	if clientToken != "" {
		doc["clientToken"] = clientToken
	}
	return encodeJSON(doc)
}
