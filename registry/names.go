package registry

import (
	"regexp"
	"unicode/utf8"
)

// Name patterns and lengths of the model.
// AWS: iot/2015-05-28/service-2.json shapes ThingName, ThingTypeName,
// ThingGroupName ([a-zA-Z0-9:_-]+, 1–128), PolicyName ([\w+=,.@-]+,
// 1–128), AttributeName ([a-zA-Z0-9_.,@/:#-]+, max 128), AttributeValue
// ([a-zA-Z0-9_.,@/:#=\[\]-]*, max 800: the current API reference's
// ThingAttribute, wider than the 2015 model's), CertificateId ((0x)?[a-fA-F0-9]+, 64),
// PolicyVersionId ([0-9]+), ThingTypeDescription/ThingGroupDescription
// ([\p{Graph}\x20]*, max 2028).
var (
	thingNamePattern   = regexp.MustCompile(`^[a-zA-Z0-9:_-]+$`)
	policyNamePattern  = regexp.MustCompile(`^[\w+=,.@-]+$`)
	attrNamePattern    = regexp.MustCompile(`^[a-zA-Z0-9_.,@/:#-]+$`)
	attrValuePattern   = regexp.MustCompile(`^[a-zA-Z0-9_.,@/:#=\[\]-]*$`)
	certIDPattern      = regexp.MustCompile(`^(0x)?[a-fA-F0-9]+$`)
	versionIDPattern   = regexp.MustCompile(`^[0-9]+$`)
	descriptionPattern = regexp.MustCompile(`^[\p{L}\p{M}\p{N}\p{P}\p{S} ]*$`)
)

const (
	maxNameLen        = 128
	maxAttrNameLen    = 128
	maxAttrValueLen   = 800
	maxDescriptionLen = 2028
)

// validName checks a thing, thing type or thing group name; what names the
// kind in the message ("thingName").
func validName(what, name string) *Error {
	if name == "" || utf8.RuneCountInString(name) > maxNameLen || !thingNamePattern.MatchString(name) {
		return invalidMember(what, name, "[a-zA-Z0-9:_-]+", 1, maxNameLen)
	}
	return nil
}

func validPolicyName(name string) *Error {
	if name == "" || utf8.RuneCountInString(name) > maxNameLen || !policyNamePattern.MatchString(name) {
		return invalidMember("policyName", name, `[\w+=,.@-]+`, 1, maxNameLen)
	}
	return nil
}

func validCertificateID(id string) *Error {
	if len(id) != 64 || !certIDPattern.MatchString(id) {
		return invalidMember("certificateId", id, "(0x)?[a-fA-F0-9]+", 64, 64)
	}
	return nil
}

func validDescription(what, d string) *Error {
	if utf8.RuneCountInString(d) > maxDescriptionLen || !descriptionPattern.MatchString(d) {
		return invalidMember(what, d, `[\p{Graph}\x20]*`, 0, maxDescriptionLen)
	}
	return nil
}

// validAttributes checks attribute names and values; an empty value is
// allowed (it removes the attribute in a merge).
func validAttributes(attrs map[string]string) *Error {
	for k, v := range attrs {
		if k == "" || len(k) > maxAttrNameLen || !attrNamePattern.MatchString(k) {
			return invalidMember("attributeName", k, "[a-zA-Z0-9_.,@/:#-]+", 1, maxAttrNameLen)
		}
		if len(v) > maxAttrValueLen || !attrValuePattern.MatchString(v) {
			return invalidMember("attributeValue", v, `[a-zA-Z0-9_.,@/:#=\[\]-]*`, 0, maxAttrValueLen)
		}
	}
	return nil
}

// invalidMember is the InvalidRequestException of a member that breaks
// its pattern or length. The wording follows AWS's model validation
// messages ("1 validation error detected: Value ... at '...' failed to
// satisfy constraint: ..."), UNCONFIRMED for IoT.
func invalidMember(member, value, pattern string, minLen, maxLen int) *Error {
	if len(value) > 256 {
		value = value[:256] + "..."
	}
	return errorf(InvalidRequest, "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: "+
		"Member must satisfy regular expression pattern: %s and have length between %d and %d",
		value, member, pattern, minLen, maxLen)
}
