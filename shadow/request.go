package shadow

import (
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// updateRequest is a validated update request document.
// AWS: device-shadow-document.html#device-shadow-example-request-json.
type updateRequest struct {
	// state is the request's "state" verbatim: nil for "state": null.
	state any
	// desired and reported are the sections; present reports whether the
	// member was given (a null section deletes the stored section).
	desired, reported               map[string]any
	desiredPresent, reportedPresent bool
	clientToken                     string
	version                         int64
	hasVersion                      bool
}

// parseUpdate validates an update request up to the version syntax, in an
// order of iotemu's choosing (AWS documents the errors, not their order:
// https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-error-messages.html#device-shadow-error-messages).
// It returns the clientToken it could read so that a rejection can echo it.
func (s *Service) parseUpdate(payload []byte) (*updateRequest, string, error) {
	if len(payload) == 0 {
		return nil, "", ErrEmptyPayload
	}
	if limit := s.cfg.Limits.MaxPayloadBytes; limit > 0 && len(payload) > limit {
		return nil, "", ErrPayloadTooLarge
	}
	// AWS: device-shadow-error-messages.html (415 for non UTF-8).
	if !utf8.Valid(payload) {
		return nil, "", ErrUnsupportedEncoding
	}
	v, err := decodeJSON(payload, s.cfg.Compat.RejectDuplicateKeys)
	if err != nil {
		return nil, "", ErrInvalidJSON
	}
	top, ok := v.(map[string]any)
	if !ok {
		// A non-object top level has no "state" member.
		return nil, "", ErrMissingState
	}
	req := &updateRequest{}
	if req.clientToken, err = s.clientToken(top); err != nil {
		return nil, s.echoInvalidToken(top), err
	}
	if err := req.parseState(top); err != nil {
		return nil, req.clientToken, err
	}
	if err := req.parseVersion(top); err != nil {
		return nil, req.clientToken, err
	}
	return req, req.clientToken, nil
}

// clientToken returns the request's clientToken, "" if absent or null.
// AWS: device-shadow-document.html#client-token (at most 64 bytes).
func (s *Service) clientToken(top map[string]any) (string, error) {
	raw, ok := top["clientToken"]
	if !ok || raw == nil {
		return "", nil
	}
	tok, ok := raw.(string)
	if !ok {
		return "", ErrInvalidClientToken
	}
	if limit := s.cfg.Limits.MaxClientTokenBytes; limit > 0 && len(tok) > limit {
		return "", ErrInvalidClientToken
	}
	return tok, nil
}

func (s *Service) echoInvalidToken(top map[string]any) string {
	if !s.cfg.Compat.EchoInvalidClientToken {
		return ""
	}
	tok, _ := top["clientToken"].(string)
	return tok
}

// parseState validates "state" and its sections.
// AWS: device-shadow-error-messages.html; https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-error-messages.html#device-shadow-error-messages.
func (r *updateRequest) parseState(top map[string]any) error {
	st, ok := top["state"]
	if !ok {
		return ErrMissingState
	}
	r.state = st
	if st == nil {
		// AWS: {"state": null} clears desired and reported (https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-document.html#device-shadow-empty-fields).
		r.desiredPresent, r.reportedPresent = true, true
		return nil
	}
	obj, ok := st.(map[string]any)
	if !ok {
		return ErrStateNotObject
	}
	for k := range obj {
		if k != sectionDesired && k != sectionReported {
			// AWS: IoT Core text quoted in aws-greengrass-shadow-manager PR #178.
			return withDetail(ErrInvalidStateNode, "'"+k+"'")
		}
	}
	var err error
	r.desired, r.desiredPresent, err = section(obj, sectionDesired, ErrDesiredNotObject)
	if err != nil {
		return err
	}
	r.reported, r.reportedPresent, err = section(obj, sectionReported, ErrReportedNotObject)
	return err
}

func section(state map[string]any, name string, notObject *Error) (map[string]any, bool, error) {
	v, ok := state[name]
	if !ok || v == nil {
		return nil, ok, nil
	}
	m, isObj := v.(map[string]any)
	if !isObj {
		return nil, true, notObject
	}
	return m, true, nil
}

// parseVersion reads the optional integer "version" (null = absent).
// AWS: device-shadow-document.html#device-shadow-document-versioning.
func (r *updateRequest) parseVersion(top map[string]any) error {
	v, ok := top["version"]
	if !ok || v == nil {
		return nil
	}
	n, ok := v.(json.Number)
	if !ok {
		return ErrInvalidVersion
	}
	ver, err := strconv.ParseInt(string(n), 10, 64)
	if err != nil {
		return ErrInvalidVersion
	}
	r.version, r.hasVersion = ver, true
	return nil
}

// checkContent applies the checks of https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-error-messages.html#device-shadow-error-messages to the
// request sections: nesting depth, then null array elements.
func (s *Service) checkContent(r *updateRequest) error {
	for _, sec := range []map[string]any{r.desired, r.reported} {
		if sec == nil {
			continue
		}
		if limit := s.cfg.Limits.MaxDepth; limit > 0 && s.depth(sec) > limit {
			return s.tooDeep
		}
	}
	for _, sec := range []map[string]any{r.desired, r.reported} {
		if sec != nil && hasNullInArray(sec, false) {
			return ErrNullInArray
		}
	}
	return nil
}

// depth returns the nesting depth of v: 0 for a scalar, 1 plus the deepest
// child for an object or array (the section object itself is level 1).
// AWS: device-shadow-error-messages.html ("maximum is 6"); levels counted as
// aws-greengrass-shadow-manager JsonUtil does (https://docs.aws.amazon.com/general/latest/gr/iot-core.html#device-shadow-limits).
func (s *Service) depth(v any) int {
	var children []any
	switch t := v.(type) {
	case map[string]any:
		for _, c := range t {
			children = append(children, c)
		}
	case []any:
		if s.cfg.Compat.DepthIgnoresArrays {
			d := 0
			for _, c := range t {
				d = max(d, s.depth(c))
			}
			return d
		}
		children = t
	default:
		return 0
	}
	d := 0
	for _, c := range children {
		d = max(d, s.depth(c))
	}
	return d + 1
}

// hasNullInArray reports whether a null appears anywhere inside an array.
// AWS: device-shadow-document.html#device-shadow-arrays ("Arrays can't have
// null values").
func hasNullInArray(v any, inArray bool) bool {
	switch t := v.(type) {
	case nil:
		return inArray
	case map[string]any:
		for _, c := range t {
			if hasNullInArray(c, inArray) {
				return true
			}
		}
	case []any:
		for _, c := range t {
			if hasNullInArray(c, true) {
				return true
			}
		}
	}
	return false
}

// validateKey checks thing and shadow names against Limits.
// AWS: iot-data API ThingName [a-zA-Z0-9:_-]+ 1-128, ShadowName
// [$a-zA-Z0-9:_-]+ 1-64; the message is AWS's generic validation text (INF).
func (s *Service) validateKey(k Key) error {
	l := s.cfg.Limits
	if err := validateName("thingName", k.Thing, l.MaxThingNameLength, s.thingRE, l.ThingNamePattern); err != nil {
		return err
	}
	if k.Name == "" {
		return nil
	}
	return validateName("shadowName", k.Name, l.MaxShadowNameLength, s.shadowRE, l.ShadowNamePattern)
}

type matcher interface{ MatchString(string) bool }

func validateName(member, v string, maxLen int, re matcher, pattern string) error {
	switch {
	case v == "":
		return validationError(v, member, "Member must have length greater than or equal to 1")
	case maxLen > 0 && utf8.RuneCountInString(v) > maxLen:
		return validationError(v, member, fmt.Sprintf("Member must have length less than or equal to %d", maxLen))
	case !re.MatchString(v):
		return validationError(v, member, "Member must satisfy regular expression pattern: "+pattern)
	}
	return nil
}

func validationError(value, member, constraint string) *Error {
	return withDetail(ErrValidation, fmt.Sprintf("Value '%s' at '%s' failed to satisfy constraint: %s", value, member, constraint))
}
