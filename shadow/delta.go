package shadow

// computeDelta returns the delta of desired against reported and its
// metadata (the desired metadata of every delta leaf).
//
// AWS: device-shadow-document.html#device-shadow-example-response-json-delta:
// keys only in desired are in the delta; nested objects carry the path to
// the differing leaf; arrays are compared whole and the whole desired array
// is copied; keys only in reported never appear; "The delta contains
// metadata, and its values are equal to the metadata in the desired field".
// moto VER test_delta_calculation; https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-document.html#delta-state.
func (s *Service) computeDelta(desired, reported, desiredMeta map[string]any) (delta, meta map[string]any) {
	for k, d := range desired {
		r, inReported := reported[k]
		dm := desiredMeta[k]
		if inReported {
			do, dIsObj := d.(map[string]any)
			ro, rIsObj := r.(map[string]any)
			if dIsObj && rIsObj {
				dmo, _ := dm.(map[string]any)
				sub, subMeta := s.computeDelta(do, ro, dmo)
				if len(sub) == 0 {
					continue
				}
				d, dm = sub, subMeta
			} else if equalJSON(d, r, s.cfg.Compat.DeltaComparesNumbersAsText) {
				continue
			}
		}
		if delta == nil {
			delta, meta = map[string]any{}, map[string]any{}
		}
		delta[k], meta[k] = d, dm
	}
	return delta, meta
}
