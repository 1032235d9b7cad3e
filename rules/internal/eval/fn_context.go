package eval

import (
	"encoding/base64"
	"strings"

	"github.com/dop251/goja"
)

// contextFuncs read the message context. AWS: iot-sql-functions.html
// (topic, clientid, principal, accountid, sql_version, traceid, sourceip,
// get_mqtt_property, get_user_properties).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-functions.html#iot-sql-functions
func contextFuncs() map[string]sqlFunc {
	optional := func(get func(e *Env) string) sqlFunc {
		return func(r *rt, a []goja.Value) goja.Value {
			if len(a) != 0 {
				return undef
			}
			if s := get(r.env); s != "" {
				return r.vStr(s)
			}
			return undef
		}
	}
	return map[string]sqlFunc{
		"topic": fnTopic,
		"clientid": func(r *rt, a []goja.Value) goja.Value {
			if len(a) != 0 {
				return undef
			}
			if r.env.ClientID == "" {
				return r.vStr("n/a") // not sent over MQTT
			}
			return r.vStr(r.env.ClientID)
		},
		"principal": optional(func(e *Env) string { return e.Principal }),
		"accountid": optional(func(e *Env) string { return e.AccountID }),
		"traceid":   optional(func(e *Env) string { return e.TraceID }),
		"sourceip":  optional(func(e *Env) string { return e.SourceIP }),
		"sql_version": func(r *rt, a []goja.Value) goja.Value {
			if len(a) != 0 {
				return undef
			}
			return r.vStr(string(r.version))
		},
		"get_mqtt_property":   fnMQTTProperty,
		"get_user_properties": fnUserProperties,
	}
}

// fnTopic returns the topic, or its 1-based segment n (out of range is
// Undefined). AWS: iot-sql-functions.html#iot-function-topic.
func fnTopic(r *rt, a []goja.Value) goja.Value {
	switch len(a) {
	case 0:
		return r.vStr(r.env.Topic)
	case 1:
		n, ok := toInt64(a[0], roundFloor)
		parts := strings.Split(r.env.Topic, "/")
		if !ok || n < 1 || n > int64(len(parts)) {
			return undef
		}
		return r.vStr(parts[n-1])
	}
	return undef
}

// fnMQTTProperty returns an MQTT 5 property by the names AWS samples use;
// absent properties are Undefined (UNCONFIRMED, docs/compatibility.md).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-functions.html#iot-sql-function-get-mqtt-property
func fnMQTTProperty(r *rt, a []goja.Value) goja.Value {
	if !argsN(a, 1) || kindOf(a[0]) != kStr {
		return undef
	}
	e := r.env
	var s string
	switch strings.ToLower(a[0].String()) {
	case "content_type":
		s = e.ContentType
	case "format_indicator":
		s = e.PayloadFormat
	case "response_topic":
		s = e.ResponseTopic
	case "correlation_data":
		if len(e.CorrelationData) > 0 {
			s = base64.StdEncoding.EncodeToString(e.CorrelationData)
		}
	}
	if s == "" {
		return undef
	}
	return r.vStr(s)
}

// fnUserProperties: with a key, the array of that key's values; without, an
// array of one-member objects [{"k":"v"}, ...]. No match is Undefined.
func fnUserProperties(r *rt, a []goja.Value) goja.Value {
	var out []goja.Value
	switch len(a) {
	case 0:
		for _, kv := range r.env.UserProperties {
			o := r.newObj()
			setKey(o, kv[0], r.vStr(kv[1]))
			out = append(out, o)
		}
	case 1:
		key, ok := r.toStr(a[0])
		if !ok {
			return undef
		}
		for _, kv := range r.env.UserProperties {
			if kv[0] == key {
				out = append(out, r.vStr(kv[1]))
			}
		}
	default:
		return undef
	}
	if len(out) == 0 {
		return undef
	}
	return r.vArr(out)
}
