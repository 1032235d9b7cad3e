package policy

import (
	"bytes"
	"encoding/json"
	"slices"
	"unicode/utf8"
)

// Versions of the policy language. AWS: IAM
// reference_policies_elements_version.html — policy variables are
// substituted only in 2012-10-17; a document without Version is 2008-10-17.
const (
	Version2012 = "2012-10-17"
	Version2008 = "2008-10-17"
)

// MaxDocumentChars is AWS's size limit of a policy document, white space
// not counted. AWS: iot-core quotas "Maximum policy document size: 2048
// characters (excluding white space)" (https://docs.aws.amazon.com/iot/latest/developerguide/iot-policies.html#iot-policies; quota of c. 2020).
const MaxDocumentChars = 2048

// Options tunes Parse.
type Options struct {
	// MaxChars overrides MaxDocumentChars; negative disables the check.
	MaxChars int
	// Compat names iotemu's unconfirmed choices.
	Compat Compat
}

// Compat holds the switches of choices AWS does not document; the zero
// value is iotemu's default (docs/compatibility.md, "Identity and access").
type Compat struct {
	// RejectNotElements makes Parse refuse NotAction and NotResource.
	// Whether IoT policies support them is unconfirmed (https://docs.aws.amazon.com/iot/latest/developerguide/iot-policies.html#iot-policies);
	// by default they are accepted with IAM's meaning.
	RejectNotElements bool
	// WildcardsInVariableValues makes `*` and `?` in a substituted
	// variable value (a client ID `a*`) act as wildcards. Unconfirmed; by
	// default a substituted value is literal text. Certificate variables
	// with wildcards are never substituted (AWS:
	// cert-policy-variables.html#policy-limits).
	WildcardsInVariableValues bool
}

// Policy is a parsed, validated and compiled policy document. It is
// immutable and safe for concurrent use: parse each policy version once.
type Policy struct {
	doc         string
	version     string
	statements  []statement
	unsupported []string
	wildcards   bool
}

// Document returns the JSON document as given to Parse.
func (p *Policy) Document() string { return p.doc }

// Version returns the document's Version ("2008-10-17" when absent).
func (p *Policy) Version() string { return p.version }

// Unsupported returns the condition operators of the document that this
// package does not evaluate: their statements never match.
func (p *Policy) Unsupported() []string { return append([]string(nil), p.unsupported...) }

// Parse validates doc as CreatePolicy does and compiles it; see
// ParseWithOptions.
func Parse(doc string) (*Policy, error) { return ParseWithOptions(doc, Options{}) }

// ParseWithOptions validates doc as AWS's CreatePolicy and
// CreatePolicyVersion do and compiles it. Every error is a *MalformedError
// (errors.Is ErrMalformedPolicy).
func ParseWithOptions(doc string, opts Options) (*Policy, error) {
	limit := opts.MaxChars
	if limit == 0 {
		limit = MaxDocumentChars
	}
	if limit > 0 && significantChars(doc) > limit {
		return nil, &MalformedError{Reason: "Policy document size exceeds the maximum of 2048 characters.", tooLong: true}
	}
	version, stmts, err := parseDocument(doc)
	if err != nil {
		return nil, err
	}
	p := &Policy{doc: doc, version: version, wildcards: opts.Compat.WildcardsInVariableValues}
	switch version {
	case "":
		p.version = Version2008
	case Version2008, Version2012:
	default:
		return nil, malformed(reasonSyntax)
	}
	for _, rs := range stmts {
		st, err := compileStatement(rs, p.version == Version2012, opts.Compat)
		if err != nil {
			return nil, err
		}
		for _, c := range st.conds {
			if c.spec.kind == opUnknown {
				p.unsupported = append(p.unsupported, c.op)
			}
		}
		p.statements = append(p.statements, st)
	}
	return p, nil
}

// significantChars counts the characters of doc that are not JSON white
// space.
func significantChars(doc string) int {
	n := utf8.RuneCountInString(doc)
	for i := 0; i < len(doc); i++ {
		switch doc[i] {
		case ' ', '\t', '\n', '\r':
			n--
		}
	}
	return n
}

// documentFields and statementFields are the element names AWS accepts;
// names are case-sensitive, as in IAM.
var (
	documentFields  = []string{"Version", "Id", "Statement"}
	statementFields = []string{"Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition"}
)

// parseDocument returns the version and the statements of doc; Statement
// is one object or a non-empty array.
func parseDocument(doc string) (string, []map[string]json.RawMessage, error) {
	top, err := decodeObject([]byte(doc), documentFields)
	if err != nil {
		return "", nil, err
	}
	var version string
	if v, ok := top["Version"]; ok {
		if err := json.Unmarshal(v, &version); err != nil {
			return "", nil, malformed(reasonSyntax)
		}
	}
	s := bytes.TrimSpace(top["Statement"])
	if len(s) == 0 {
		return "", nil, malformed(reasonSyntax)
	}
	var items []json.RawMessage
	if s[0] == '{' {
		items = []json.RawMessage{s}
	} else if err := json.Unmarshal(s, &items); err != nil || len(items) == 0 {
		return "", nil, malformed(reasonSyntax)
	}
	stmts := make([]map[string]json.RawMessage, len(items))
	for i, it := range items {
		if stmts[i], err = decodeObject(it, statementFields); err != nil {
			return "", nil, err
		}
	}
	return version, stmts, nil
}

// decodeObject decodes one JSON object with only the allowed members and
// no trailing data.
func decodeObject(b []byte, allowed []string) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&m); err != nil || m == nil {
		return nil, malformed(reasonSyntax)
	}
	if len(bytes.TrimSpace(b[dec.InputOffset():])) > 0 {
		return nil, malformed(reasonSyntax)
	}
	for k := range m {
		if !slices.Contains(allowed, k) {
			return nil, malformed(reasonSyntax)
		}
	}
	return m, nil
}
