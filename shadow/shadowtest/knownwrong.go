package shadowtest

import "encoding/json"

// Correction is a vector believed to contradict AWS: why, and how to patch
// the vector so that it asserts what AWS is believed to do.
type Correction struct {
	// Reason says why the vector is believed wrong (it is repeated in
	// docs/compatibility.md).
	Reason string
	// Fix patches the vector in place.
	Fix func(v *Vector)
}

// KnownWrong returns the corrections by vector id. Runners apply them with
// Apply before running a vector, on every transport.
func KnownWrong() map[string]Correction {
	return map[string]Correction{
		"L01": {
			Reason: "step 10 ('subset' match, whose members must deep-equal) expects state without " +
				"'reported', but reported.key='value' written in step 3 was never removed; AWS " +
				"returns every stored section on GET (D-DOC, moto VER). The LocalStack source " +
				"asserts only desired and delta. Corrected: state.reported = {\"key\":\"value\"}.",
			Fix: func(v *Vector) {
				setResponseMember(&v.Steps[9].Expect, "state", map[string]any{
					"desired":  map[string]any{"key": "other_value"},
					"reported": map[string]any{"key": "value"},
					"delta":    map[string]any{"key": "other_value"},
				})
			},
		},
	}
}

// Apply returns v with its correction applied, and the reason ("" if v is
// not known to be wrong).
func Apply(v Vector) (Vector, string) {
	c, ok := KnownWrong()[v.ID]
	if !ok {
		return v, ""
	}
	steps := make([]Step, len(v.Steps))
	copy(steps, v.Steps)
	v.Steps = steps
	c.Fix(&v)
	return v, c.Reason
}

func setResponseMember(e *Expect, member string, value any) {
	var resp map[string]any
	if err := json.Unmarshal(e.Response, &resp); err != nil || resp == nil {
		resp = map[string]any{}
	}
	resp[member] = value
	b, err := json.Marshal(resp)
	if err != nil {
		return
	}
	e.Response = b
}
