package policy

import (
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// opKind is the comparison of a condition operator, without negation.
type opKind uint8

const (
	opUnknown opKind = iota
	opString
	opStringIgnoreCase
	opStringLike
	opNumEq
	opNumLt
	opNumLe
	opNumGt
	opNumGe
	opDateEq
	opDateLt
	opDateLe
	opDateGt
	opDateGe
	opBool
	opIP
	opArn
	opNull
)

// opSpec is a supported operator: its comparison and whether it is the
// negated form (true when no value matches).
type opSpec struct {
	kind    opKind
	negated bool
}

// operators is the supported set. AWS: IAM
// reference_policies_elements_condition_operators.html; IoT policies
// follow IAM conventions (https://docs.aws.amazon.com/iot/latest/developerguide/iot-policies.html#iot-policies). Binary operators are not
// supported.
var operators = map[string]opSpec{
	"StringEquals":              {opString, false},
	"StringNotEquals":           {opString, true},
	"StringEqualsIgnoreCase":    {opStringIgnoreCase, false},
	"StringNotEqualsIgnoreCase": {opStringIgnoreCase, true},
	"StringLike":                {opStringLike, false},
	"StringNotLike":             {opStringLike, true},
	"NumericEquals":             {opNumEq, false},
	"NumericNotEquals":          {opNumEq, true},
	"NumericLessThan":           {opNumLt, false},
	"NumericLessThanEquals":     {opNumLe, false},
	"NumericGreaterThan":        {opNumGt, false},
	"NumericGreaterThanEquals":  {opNumGe, false},
	"DateEquals":                {opDateEq, false},
	"DateNotEquals":             {opDateEq, true},
	"DateLessThan":              {opDateLt, false},
	"DateLessThanEquals":        {opDateLe, false},
	"DateGreaterThan":           {opDateGt, false},
	"DateGreaterThanEquals":     {opDateGe, false},
	"Bool":                      {opBool, false},
	"IpAddress":                 {opIP, false},
	"NotIpAddress":              {opIP, true},
	"ArnEquals":                 {opArn, false},
	"ArnLike":                   {opArn, false},
	"ArnNotEquals":              {opArn, true},
	"ArnNotLike":                {opArn, true},
	"Null":                      {opNull, false},
}

// compare reports whether the request value v matches the policy value
// pv (already resolved when it holds variables). ok is false when a
// variable of pv has no value.
func compare(kind opKind, pv *pattern, v string, e *env) (matched, ok bool) {
	switch kind {
	case opStringLike:
		return pv.match(v, e, false)
	case opArn:
		return arnMatch(pv, v, e)
	}
	s, ok := pv.value(e)
	if !ok {
		return false, false
	}
	switch kind {
	case opString:
		return s == v, true
	case opStringIgnoreCase, opBool:
		return strings.EqualFold(s, v), true
	case opIP:
		return ipMatch(s, v), true
	case opNumEq, opNumLt, opNumLe, opNumGt, opNumGe:
		return numMatch(kind, s, v), true
	case opDateEq, opDateLt, opDateLe, opDateGt, opDateGe:
		return dateMatch(kind, s, v), true
	}
	return false, true
}

func numMatch(kind opKind, policyValue, v string) bool {
	p, err1 := strconv.ParseFloat(policyValue, 64)
	r, err2 := strconv.ParseFloat(v, 64)
	if err1 != nil || err2 != nil {
		return false
	}
	return order(kind-opNumEq, r < p, r == p)
}

func dateMatch(kind opKind, policyValue, v string) bool {
	p, ok1 := parseDate(policyValue)
	r, ok2 := parseDate(v)
	if !ok1 || !ok2 {
		return false
	}
	return order(kind-opDateEq, r.Before(p), r.Equal(p))
}

// order applies the n-th of =, <, <=, >, >= given request<policy and
// request==policy.
func order(n opKind, less, eq bool) bool {
	switch n {
	case 0:
		return eq
	case 1:
		return less
	case 2:
		return less || eq
	case 3:
		return !less && !eq
	}
	return !less
}

// parseDate accepts the ISO 8601 forms and epoch seconds, as IAM's Date
// operators do. AWS: IAM reference_policies_elements_condition_operators.html#Conditions_Date.
func parseDate(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04Z07:00", "2006-01-02", "20060102T150405Z"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(n, 0), true
	}
	return time.Time{}, false
}

// ipMatch: the policy value is a CIDR block or a single address.
// AWS: IAM reference_policies_elements_condition_operators.html#Conditions_IPAddress.
func ipMatch(policyValue, v string) bool {
	addr, err := netip.ParseAddr(v)
	if err != nil {
		return false
	}
	if !strings.Contains(policyValue, "/") {
		p, err := netip.ParseAddr(policyValue)
		return err == nil && p.Unmap() == addr.Unmap()
	}
	prefix, err := netip.ParsePrefix(policyValue)
	return err == nil && prefix.Contains(addr.Unmap())
}

// arnMatch compares the six colon-separated parts of two ARNs, each with
// wildcards (ArnEquals and ArnLike behave alike). AWS: IAM
// reference_policies_elements_condition_operators.html#Conditions_ARN.
func arnMatch(pv *pattern, v string, e *env) (bool, bool) {
	s, ok := pv.value(e)
	if !ok {
		return false, false
	}
	want := strings.SplitN(s, ":", 6)
	got := strings.SplitN(v, ":", 6)
	if len(want) != 6 || len(got) != 6 {
		return false, true
	}
	for i := range want {
		p := compilePattern(want[i], false)
		if m, _ := p.match(got[i], e, false); !m {
			return false, true
		}
	}
	return true, true
}
