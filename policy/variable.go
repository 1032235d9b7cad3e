package policy

import (
	"strconv"
	"strings"
	"time"
)

// certPrefix starts the X.509 certificate variables, which have the
// first-value, index and `.List` forms and AWS's limits.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/cert-policy-variables.html#cert-policy-variables.
const certPrefix = "iot:certificate."

const (
	certMaxItems = 5    // AWS: cert-policy-variables.html#policy-limits "limited to five items"
	certMaxChars = 1024 // AWS: cert-policy-variables.html#policy-limits "limited to 1024 characters"
)

// varMode is how a variable selects among the values of its key.
type varMode uint8

const (
	modeSingle varMode = iota // exactly one value
	modeFirst                 // certificate attribute: the first value
	modeIndex                 // certificate attribute `.N`: the value at zero-based N
	modeList                  // certificate attribute `.List`: all values
)

// variable is a policy variable or condition key, canonicalised once.
type variable struct {
	key   string // canonical context key (see CanonicalKey)
	mode  varMode
	index int
	cert  bool
}

// parseVariable compiles a variable or condition-key name.
func parseVariable(name string) *variable {
	v := &variable{key: CanonicalKey(strings.TrimSpace(name))}
	if !strings.HasPrefix(v.key, certPrefix) {
		return v
	}
	v.cert, v.mode = true, modeFirst
	dot := strings.LastIndexByte(v.key, '.')
	suffix := v.key[dot+1:]
	if suffix == "list" {
		v.key, v.mode = v.key[:dot], modeList
	} else if n, err := strconv.Atoi(suffix); err == nil && n >= 0 {
		v.key, v.mode, v.index = v.key[:dot], modeIndex, n
	}
	return v
}

// env is the evaluation environment of one Request.
type env struct {
	ctx       *Context
	now       time.Time
	wildcards bool // Compat.WildcardsInVariableValues
}

// lookup returns the values of a context key; aws:CurrentTime and
// aws:EpochTime come from Request.Time when the Context has none.
// AWS: IAM reference_policies_condition-keys.html#condition-keys-currenttime.
func (e *env) lookup(key string) ([]string, bool) {
	if vals, ok := e.ctx.get(key); ok {
		return vals, true
	}
	if e.now.IsZero() {
		return nil, false
	}
	switch key {
	case "aws:currenttime":
		return []string{e.now.UTC().Format(time.RFC3339)}, true
	case "aws:epochtime":
		return []string{strconv.FormatInt(e.now.Unix(), 10)}, true
	}
	return nil, false
}

// values returns what a condition key stands for: every value of an
// ordinary key, the selected certificate value(s) otherwise.
func (e *env) values(v *variable) ([]string, bool) {
	vals, ok := e.lookup(v.key)
	if !ok || len(vals) == 0 {
		return nil, false
	}
	if !v.cert {
		return vals, true
	}
	if len(vals) > certMaxItems {
		vals = vals[:certMaxItems]
	}
	switch v.mode {
	case modeList:
		return vals, true
	case modeIndex:
		if v.index >= len(vals) {
			return nil, false
		}
		return vals[v.index : v.index+1], true
	}
	return vals[:1], true
}

// resolve returns the single value substituted for a `${...}` variable.
func (e *env) resolve(v *variable) (string, bool) {
	vals, ok := e.values(v)
	if !ok || len(vals) != 1 {
		return "", false
	}
	s := vals[0]
	// AWS: cert-policy-variables.html#policy-limits — a certificate value
	// with wildcard characters or over 1024 characters is not substituted.
	if v.cert && (len(s) > certMaxChars || strings.ContainsAny(s, "*?")) {
		return "", false
	}
	return s, true
}

// resolveParts substitutes the variables of parts into buf: values are
// literal text unless Compat.WildcardsInVariableValues.
func (e *env) resolveParts(parts []part, buf []part) ([]part, bool) {
	for _, pt := range parts {
		if pt.kind != varPart {
			buf = append(buf, pt)
			continue
		}
		s, ok := e.resolve(pt.v)
		if !ok {
			return nil, false
		}
		if e.wildcards {
			buf = append(buf, compilePattern(s, false).parts...)
			continue
		}
		buf = append(buf, part{kind: litPart, lit: s})
	}
	return buf, true
}
