package shadow

import "encoding/json"

// applySection merges one request section into the stored section.
//
// AWS: device-shadow-data-flow.html and device-shadow-rest-api.html
// (only the given fields change; "Any field with a value of null is
// removed"); device-shadow-document.html#device-shadow-empty-fields (a null
// section removes the section). present=false leaves the section alone.
func (s *Service) applySection(state, meta *map[string]any, upd map[string]any, present bool, ts json.Number) {
	if !present {
		return
	}
	if upd == nil {
		*state, *meta = nil, nil
		return
	}
	if *state == nil {
		*state = map[string]any{}
	}
	if *meta == nil {
		*meta = map[string]any{}
	}
	s.mergeObject(*state, *meta, upd, ts)
	if len(*state) == 0 {
		// AWS: an empty section does not appear (moto VER
		// test_delete_field_from_device_shadow, https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-document.html#device-shadow-empty-fields).
		*state, *meta = nil, nil
	}
}

// mergeObject merges upd into state, stamping metadata for every written
// leaf and leaving untouched leaves' timestamps alone.
//
// AWS: objects merge recursively, scalars and arrays replace, a key may
// change type (moto VER test_update_desired); only written leaves are
// restamped (SDK-CPP OBS, https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-document.html#metadata); nested {} values are kept
// (moto VER, https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-document.html#device-shadow-empty-fields).
func (s *Service) mergeObject(state, meta, upd map[string]any, ts json.Number) {
	for k, v := range upd {
		if v == nil {
			delete(state, k)
			delete(meta, k)
			continue
		}
		uo, ok := v.(map[string]any)
		if !ok {
			state[k] = v
			meta[k] = stampStored(v, ts)
			continue
		}
		so, isObj := state[k].(map[string]any)
		mo, metaIsObj := meta[k].(map[string]any)
		if !isObj {
			so, mo = map[string]any{}, map[string]any{}
		} else if !metaIsObj {
			mo = map[string]any{}
		}
		before := len(so)
		s.mergeObject(so, mo, uo, ts)
		if s.cfg.Compat.PruneEmptiedObjects && before > 0 && len(so) == 0 {
			delete(state, k)
			delete(meta, k)
			continue
		}
		state[k], meta[k] = so, mo
	}
}

// leafMeta is the metadata of one leaf.
// AWS: device-shadow-document.html#device-shadow-example-response-json-metadata.
func leafMeta(ts json.Number) map[string]any {
	return map[string]any{"timestamp": ts}
}

// stampStored returns the metadata of a stored value: objects mirrored
// member by member, arrays element by element, leaves {"timestamp": ts}.
// AWS: array metadata has one timestamp per element (D-SIM capture,
// https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-document.html#device-shadow-example-response-json-accepted); nested objects inside arrays are mirrored (INF).
func stampStored(v any, ts json.Number) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, c := range t {
			m[k] = stampStored(c, ts)
		}
		return m
	case []any:
		a := make([]any, len(t))
		for i, c := range t {
			a[i] = stampStored(c, ts)
		}
		return a
	default:
		return leafMeta(ts)
	}
}

// stampRequest returns the update/accepted metadata of the request state:
// the same shape as the request, every leaf, including null leaves and null
// sections, {"timestamp": ts}.
// AWS: D-FLOW-2019 capture ("desired": null → "desired": {"timestamp": T});
// moto VER test_update_empty_state ("state": null → metadata {"timestamp": T}).
func stampRequest(v any, ts json.Number) any {
	return stampStored(v, ts)
}
