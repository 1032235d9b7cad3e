package shadowtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Tolerance is the allowed distance in seconds between a timestamp and the
// window of the step that produced it (the vectors' "+-2 s").
const Tolerance = 2

// Observation is what a runner saw for one step.
type Observation struct {
	// Start and End bound the service clock, in epoch seconds, while the
	// step ran (read before sending and after the last answer).
	Start, End int64
	// Accepted is true for an /accepted answer or an HTTP 2xx.
	Accepted bool
	// Body is the /accepted or /rejected payload (MQTT) or the HTTP
	// response body of a success.
	Body []byte
	// HTTPStatus, ErrorType and ErrorMessage describe an HTTP answer
	// (ErrorType and ErrorMessage only for errors).
	HTTPStatus   int
	ErrorType    string
	ErrorMessage string
	// Deltas and Documents are the update/delta and update/documents
	// payloads published because of the step.
	Deltas    [][]byte
	Documents [][]byte
	// VersionBefore and VersionAfter are the stored version before and
	// after the step, 0 when there is no shadow; filled when
	// Step.ChecksVersion.
	VersionBefore, VersionAfter int64
}

// Run checks the steps of one vector in order; it remembers each step's
// clock window for the "$T<k>" placeholders.
type Run struct {
	v       Vector
	windows [][2]int64
}

// NewRun starts checking v.
func NewRun(v Vector) *Run {
	return &Run{v: v, windows: make([][2]int64, len(v.Steps))}
}

// Check compares the observation of step i (0-based) with its expectation
// and returns the differences, each reading "step N: what: got X, want Y".
func (r *Run) Check(i int, o Observation) []string {
	r.windows[i] = [2]int64{o.Start, o.End}
	c := &checker{run: r, step: i, obs: o, exp: r.v.Steps[i].Expect, named: r.v.ShadowName(i) != ""}
	c.result()
	c.httpError()
	c.response()
	c.notification("delta", c.exp.Delta, c.exp.DeltaMatch, o.Deltas)
	c.notification("documents", c.exp.Documents, c.exp.DocumentsMatch, o.Documents)
	c.versions()
	c.paths()
	return c.problems
}

type checker struct {
	run      *Run
	step     int
	obs      Observation
	exp      Expect
	named    bool
	problems []string
}

func (c *checker) fail(format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf("step %d: ", c.step+1)+fmt.Sprintf(format, args...))
}

func (c *checker) result() {
	want := c.exp.Result == "accepted"
	if c.obs.Accepted != want {
		c.fail("result: got accepted=%v (body %s, http %d %s %q), want %s", c.obs.Accepted, c.obs.Body, c.obs.HTTPStatus, c.obs.ErrorType, c.obs.ErrorMessage, c.exp.Result)
	}
	if c.exp.HTTPStatus != 0 && c.run.v.Steps[c.step].Transport == "http" && c.obs.HTTPStatus != c.exp.HTTPStatus {
		c.fail("http status: got %d, want %d", c.obs.HTTPStatus, c.exp.HTTPStatus)
	}
}

func (c *checker) httpError() {
	if c.exp.ErrorType != "" && c.obs.ErrorType != c.exp.ErrorType {
		c.fail("error type: got %q, want %q", c.obs.ErrorType, c.exp.ErrorType)
	}
	if c.exp.Message != "" && !c.messageOK(c.obs.ErrorMessage, c.exp.Message) {
		c.fail("error message: got %q, want %q", c.obs.ErrorMessage, c.exp.Message)
	}
}

// messageOK accepts the wanted message, a listed alternative, the named
// variant (for named shadows) or, when given, any message with the prefix.
func (c *checker) messageOK(got, want string) bool {
	if got == want || slices.Contains(c.exp.MessageAlternatives, got) {
		return true
	}
	if c.named && c.exp.MessageNamedVariant != "" {
		v := strings.ReplaceAll(c.exp.MessageNamedVariant, "<shadowName>", c.run.v.ShadowName(c.step))
		if got == v {
			return true
		}
	}
	return c.exp.MessagePrefix != "" && strings.HasPrefix(got, c.exp.MessagePrefix)
}

func (c *checker) response() {
	if c.exp.Match == "exact_string" {
		if string(c.obs.Body) != c.exp.ResponseRaw {
			c.fail("response: got %s, want %s", c.obs.Body, c.exp.ResponseRaw)
		}
		return
	}
	if isNull(c.exp.Response) {
		return
	}
	got, err := decode(c.obs.Body)
	if err != nil {
		c.fail("response: got unparsable %q, want %s", c.obs.Body, c.exp.Response)
		return
	}
	want, _ := decode(c.exp.Response)
	c.relaxMessage(got, want)
	c.compareMode("response", c.exp.Match, got, want)
}

// relaxMessage replaces an acceptable alternative "message" in got by the
// wanted one so that whole-document comparison ignores the wording choice.
func (c *checker) relaxMessage(got, want any) {
	g, ok1 := got.(map[string]any)
	w, ok2 := want.(map[string]any)
	if !ok1 || !ok2 {
		return
	}
	gm, ok1 := g["message"].(string)
	wm, ok2 := w["message"].(string)
	if ok1 && ok2 && c.messageOK(gm, wm) {
		g["message"] = wm
	}
}

func (c *checker) compareMode(what, mode string, got, want any) {
	switch mode {
	case "subset":
		g, _ := got.(map[string]any)
		w, _ := want.(map[string]any)
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				c.fail("%s: member %q missing, want %s", what, k, show(wv))
				continue
			}
			c.compare(what+"."+k, gv, wv)
		}
	case "state_only":
		g, _ := got.(map[string]any)
		w, _ := want.(map[string]any)
		c.compare(what+".state", g["state"], w["state"])
	default:
		c.compare(what, got, want)
	}
}

// notification checks "delta" or "documents": "none" means no message,
// "published" at least one, an object exactly one message matching it.
func (c *checker) notification(what string, exp json.RawMessage, mode string, got [][]byte) {
	if len(exp) == 0 {
		return
	}
	var s string
	if json.Unmarshal(exp, &s) == nil {
		switch {
		case s == "none" && len(got) != 0:
			c.fail("%s: got %d messages (%s), want none", what, len(got), got[0])
		case s == "published" && len(got) == 0:
			c.fail("%s: got no message, want one", what)
		}
		return
	}
	if len(got) != 1 {
		c.fail("%s: got %d messages, want 1 matching %s", what, len(got), exp)
		return
	}
	g, err := decode(got[0])
	if err != nil {
		c.fail("%s: got unparsable %q", what, got[0])
		return
	}
	w, _ := decode(exp)
	c.compareMode(what, mode, g, w)
}

func (c *checker) versions() {
	if c.exp.VersionAfter != nil && c.obs.VersionAfter != *c.exp.VersionAfter {
		c.fail("version after: got %d, want %d", c.obs.VersionAfter, *c.exp.VersionAfter)
	}
	if c.exp.VersionUnchanged && c.obs.VersionAfter != c.obs.VersionBefore {
		c.fail("version: got %d after the step, want unchanged %d", c.obs.VersionAfter, c.obs.VersionBefore)
	}
}

func (c *checker) paths() {
	if len(c.exp.Absent)+len(c.exp.Present)+len(c.exp.MetadataDesiredKeys)+len(c.exp.AssertNotEqual) == 0 {
		return
	}
	body, err := decode(c.obs.Body)
	if err != nil {
		c.fail("response: got unparsable %q", c.obs.Body)
		return
	}
	for _, p := range c.exp.Absent {
		if v, ok := lookup(body, p); ok {
			c.fail("%s: got %s, want absent", p, show(v))
		}
	}
	for _, p := range c.exp.Present {
		if _, ok := lookup(body, p); !ok {
			c.fail("%s: got absent, want present", p)
		}
	}
	if c.exp.MetadataDesiredKeys != nil {
		m, _ := lookup(body, "metadata.desired")
		obj, _ := m.(map[string]any)
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		want := slices.Sorted(slices.Values(c.exp.MetadataDesiredKeys))
		if !slices.Equal(keys, want) {
			c.fail("metadata.desired keys: got %v, want %v", keys, want)
		}
	}
	for _, pair := range c.exp.AssertNotEqual {
		if len(pair) != 2 {
			continue
		}
		a, _ := lookup(body, pair[0])
		b, _ := lookup(body, pair[1])
		if equalValues(a, b) {
			c.fail("%s and %s: got both %s, want different values", pair[0], pair[1], show(a))
		}
	}
}

// compare reports every difference between got and want under path.
// Wanted strings "$NOW" and "$T<k>" match integer timestamps within
// Tolerance of the step's (or step k's) clock window.
func (c *checker) compare(path string, got, want any) {
	if ws, ok := want.(string); ok && strings.HasPrefix(ws, "$") {
		c.placeholder(path, got, ws)
		return
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			c.fail("%s: got %s, want %s", path, show(got), show(want))
			return
		}
		for _, k := range sortedKeys(w) {
			if gv, ok := g[k]; ok {
				c.compare(path+"."+k, gv, w[k])
			} else {
				c.fail("%s.%s: got absent, want %s", path, k, show(w[k]))
			}
		}
		for _, k := range sortedKeys(g) {
			if _, ok := w[k]; !ok {
				c.fail("%s.%s: got %s, want absent", path, k, show(g[k]))
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			c.fail("%s: got %s, want %s", path, show(got), show(want))
			return
		}
		for i := range w {
			c.compare(fmt.Sprintf("%s[%d]", path, i), g[i], w[i])
		}
	default:
		if !equalValues(got, want) {
			c.fail("%s: got %s, want %s", path, show(got), show(want))
		}
	}
}

func (c *checker) placeholder(path string, got any, ph string) {
	win := [2]int64{c.obs.Start, c.obs.End}
	if ph != "$NOW" {
		k, err := strconv.Atoi(strings.TrimPrefix(ph, "$T"))
		if err != nil || k < 1 || k > len(c.run.windows) || k-1 > c.step {
			c.fail("%s: unknown placeholder %s", path, ph)
			return
		}
		win = c.run.windows[k-1]
	}
	n, ok := got.(json.Number)
	if !ok {
		c.fail("%s: got %s, want %s (an integer timestamp)", path, show(got), ph)
		return
	}
	ts, err := n.Int64()
	if err != nil || ts < win[0]-Tolerance || ts > win[1]+Tolerance {
		c.fail("%s: got %s, want %s in [%d, %d] +-%d s", path, n, ph, win[0], win[1], Tolerance)
	}
}

func decode(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// lookup follows a dotted path through objects.
func lookup(v any, path string) (any, bool) {
	for _, seg := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[seg]; !ok {
			return nil, false
		}
	}
	return v, true
}

func equalValues(a, b any) bool {
	an, ok1 := a.(json.Number)
	bn, ok2 := b.(json.Number)
	if ok1 && ok2 {
		if an == bn {
			return true
		}
		x, _, e1 := big.ParseFloat(string(an), 10, 256, big.ToNearestEven)
		y, _, e2 := big.ParseFloat(string(bn), 10, 256, big.ToNearestEven)
		return e1 == nil && e2 == nil && x.Cmp(y) == 0
	}
	ab, _ := json.Marshal(a)
	bb, _ := json.Marshal(b)
	return bytes.Equal(ab, bb)
}

func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
