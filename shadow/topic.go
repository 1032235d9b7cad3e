package shadow

import "strings"

// Op is a shadow operation.
type Op string

// Shadow operations. AWS: device-shadow-mqtt.html.
const (
	OpGet    Op = "get"
	OpUpdate Op = "update"
	OpDelete Op = "delete"
)

// Response topic suffixes. AWS: device-shadow-mqtt.html.
const (
	SuffixAccepted  = "accepted"
	SuffixRejected  = "rejected"
	SuffixDelta     = "delta"
	SuffixDocuments = "documents"
)

// Topic is a parsed shadow topic:
// $aws/things/{Thing}/shadow[/name/{Name}]/{Op}[/{Suffix}].
type Topic struct {
	// Thing is the thing name.
	Thing string
	// Name is the shadow name, "" for the classic shadow.
	Name string
	// Op is get, update or delete.
	Op Op
	// Suffix is "" for a request topic, else accepted, rejected, delta
	// (update only) or documents (update only).
	Suffix string
}

// IsRequest reports whether t is a request topic (/get, /update, /delete),
// the only shadow topics clients may publish to; response topics are
// subscribe-only (AWS: https://docs.aws.amazon.com/iot/latest/developerguide/reserved-topics.html#reserved-topics-shadow).
func (t Topic) IsRequest() bool { return t.Suffix == "" }

// Key returns the shadow the topic addresses.
func (t Topic) Key() Key { return Key{Thing: t.Thing, Name: t.Name} }

// String returns the topic name.
func (t Topic) String() string {
	s := TopicPrefix(t.Thing, t.Name) + "/" + string(t.Op)
	if t.Suffix != "" {
		s += "/" + t.Suffix
	}
	return s
}

// TopicPrefix returns the ShadowTopicPrefix of a shadow:
// $aws/things/{thing}/shadow for the classic shadow (name ""),
// $aws/things/{thing}/shadow/name/{name} for a named one.
// AWS: device-shadow-mqtt.html.
func TopicPrefix(thing, name string) string {
	if name == "" {
		return "$aws/things/" + thing + "/shadow"
	}
	return "$aws/things/" + thing + "/shadow/name/" + name
}

// ParseTopic parses a shadow topic. It returns false for any topic that is
// not exactly a shadow request or response topic. Names are checked only
// lexically (non-empty, no wildcard); Limits are applied by HandleMQTT.
func ParseTopic(topic string) (Topic, bool) {
	parts := strings.Split(topic, "/")
	if len(parts) < 4 || parts[0] != "$aws" || parts[1] != "things" || parts[3] != "shadow" {
		return Topic{}, false
	}
	t := Topic{Thing: parts[2]}
	rest := parts[4:]
	if len(rest) >= 3 && rest[0] == "name" {
		t.Name, rest = rest[1], rest[2:]
		if !validSegment(t.Name) {
			return Topic{}, false
		}
	}
	if !validSegment(t.Thing) || len(rest) < 1 || len(rest) > 2 {
		return Topic{}, false
	}
	t.Op = Op(rest[0])
	if len(rest) == 2 {
		t.Suffix = rest[1]
	}
	if !validOpSuffix(t.Op, t.Suffix) {
		return Topic{}, false
	}
	return t, true
}

func validSegment(s string) bool {
	return s != "" && !strings.ContainsAny(s, "+#")
}

func validOpSuffix(op Op, suffix string) bool {
	switch suffix {
	case "", SuffixAccepted, SuffixRejected:
		return op == OpGet || op == OpUpdate || op == OpDelete
	case SuffixDelta, SuffixDocuments:
		return op == OpUpdate
	}
	return false
}
