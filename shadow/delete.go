package shadow

import (
	"context"
	"fmt"
)

// Delete deletes thing/name (name "" is the classic shadow) and returns the
// DeleteThingShadow body {"version": n, "timestamp": t}, n being the version
// the shadow had when it was deleted. The version is remembered for
// Limits.TombstoneTTL: a shadow re-created within it continues from n+1.
// A missing shadow is ErrShadowNotFound. Like a MQTT delete it publishes
// delete/accepted (https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-rest-api.html#device-shadow-rest-api; Compat.RESTDeltaOnly turns this off).
//
// AWS: SDK-CPP OBS (delete/accepted version = last version), LocalStack VER
// (second delete is 404), device-shadow-mqtt.html (the version is not
// reset). No documents or delta message follows a delete (https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-mqtt.html#delete-accepted-pub-sub-topic).
func (s *Service) Delete(ctx context.Context, thing, name string) ([]byte, error) {
	k := Key{Thing: thing, Name: name}
	body, err := s.delete(ctx, k, "", transportHTTP)
	if err != nil {
		return nil, err
	}
	if !s.cfg.Compat.RESTDeltaOnly {
		if err := s.publish(ctx, TopicPrefix(thing, name)+"/delete/accepted", body); err != nil {
			s.log.WarnContext(ctx, "publish REST delete notification", logKeyThing, thing, logKeyShadow, name, logKeyErr, err)
		}
	}
	return body, nil
}

// deleteDocument is delete/accepted and the DeleteThingShadow body.
// AWS: device-shadow-document.html (D-FLOW example {"version":4,"timestamp":…}).
type deleteDocument struct {
	Version     int64  `json:"version"`
	Timestamp   int64  `json:"timestamp"`
	ClientToken string `json:"clientToken,omitempty"`
}

func (s *Service) delete(ctx context.Context, k Key, clientToken string, t transport) ([]byte, error) {
	if err := s.validateKey(k); err != nil {
		return nil, err
	}
	defer s.lock(k)()
	rec, found, err := s.cfg.Store.Load(ctx, k)
	if err != nil {
		return nil, fmt.Errorf("load shadow: %w", err)
	}
	if !found || rec.Deleted {
		return nil, s.notFound(k, t)
	}
	now := s.cfg.Now()
	tomb := Record{Shadow: Shadow{Version: rec.Version}, Deleted: true, DeletedAt: now}
	if err := s.cfg.Store.Save(ctx, k, tomb); err != nil {
		return nil, fmt.Errorf("save tombstone: %w", err)
	}
	return encodeJSON(deleteDocument{Version: rec.Version, Timestamp: now.Unix(), ClientToken: clientToken})
}
