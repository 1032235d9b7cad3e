package shadow

import (
	"context"
	"fmt"
)

// transport tells operations which transport a request came from; it only
// matters for the 404 text of named shadows (Compat.NamedNotFound).
type transport int

const (
	transportHTTP transport = iota
	transportMQTT
)

// Get returns the GetThingShadow response document of thing/name (name ""
// is the classic shadow): state with desired, reported and, when non-empty,
// delta; metadata of desired and reported (never of delta); version; and
// the time of the response. A missing shadow is ErrShadowNotFound.
//
// AWS: device-shadow-document.html#device-shadow-example-response-json;
// moto VER and LocalStack VER (no metadata.delta, https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-document.html#device-shadow-example-response-json-properties). A REST
// get publishes nothing (INF, https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-rest-api.html#device-shadow-rest-api).
func (s *Service) Get(ctx context.Context, thing, name string) ([]byte, error) {
	return s.get(ctx, Key{Thing: thing, Name: name}, "", transportHTTP)
}

// getDocument is get/accepted and the GetThingShadow body.
type getDocument struct {
	State       getState `json:"state"`
	Metadata    sections `json:"metadata"`
	Version     int64    `json:"version"`
	Timestamp   int64    `json:"timestamp"`
	ClientToken string   `json:"clientToken,omitempty"`
}

type getState struct {
	Desired  map[string]any `json:"desired,omitempty"`
	Reported map[string]any `json:"reported,omitempty"`
	Delta    map[string]any `json:"delta,omitempty"`
}

func (s *Service) get(ctx context.Context, k Key, clientToken string, t transport) ([]byte, error) {
	if err := s.validateKey(k); err != nil {
		return nil, err
	}
	rec, found, err := s.cfg.Store.Load(ctx, k)
	if err != nil {
		return nil, fmt.Errorf("load shadow: %w", err)
	}
	if !found || rec.Deleted {
		return nil, s.notFound(k, t)
	}
	doc, err := decodeDocument(rec.Shadow)
	if err != nil {
		return nil, fmt.Errorf("decode stored shadow: %w", err)
	}
	delta, _ := s.computeDelta(doc.state.Desired, doc.state.Reported, doc.meta.Desired)
	return encodeJSON(getDocument{
		State:       getState{Desired: doc.state.Desired, Reported: doc.state.Reported, Delta: delta},
		Metadata:    doc.meta,
		Version:     rec.Version,
		Timestamp:   s.now(),
		ClientToken: clientToken,
	})
}

// notFound returns the 404 of a missing shadow.
// AWS: "No shadow exists with name: '<thing>'" for the classic shadow (JL
// OBS exact payload); for named shadows 'shadow' (D-SIM, MQTT) or
// 'thing~shadow' (LocalStack VER, REST), https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-error-messages.html#device-shadow-error-messages.
func (s *Service) notFound(k Key, t transport) *Error {
	name := k.Thing
	if k.Name != "" {
		tilde := k.Thing + "~" + k.Name
		switch s.cfg.Compat.NamedNotFound {
		case NotFoundShadowName:
			name = k.Name
		case NotFoundThingTildeShadow:
			name = tilde
		default:
			name = k.Name
			if t == transportHTTP {
				name = tilde
			}
		}
	}
	return withDetail(ErrShadowNotFound, "'"+name+"'")
}
