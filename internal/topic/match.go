package topic

import "strings"

// Match reports whether a topic filter matches a topic name as AWS IoT Core
// matches them. It differs from the MQTT specification in one point: a
// trailing # does not match the parent level ("sensor/#" does not match
// "sensor"). As in MQTT, a filter starting with a wildcard does not match a
// topic starting with $.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/mqtt.html#mqtt-differences.
func Match(filter, topic string) bool {
	if topic != "" && topic[0] == '$' && filter != "" && (filter[0] == '+' || filter[0] == '#') {
		return false
	}
	for {
		fl, frest, fmore := strings.Cut(filter, "/")
		if fl == "#" {
			return true
		}
		tl, trest, tmore := strings.Cut(topic, "/")
		if fl != "+" && fl != tl {
			return false
		}
		if !fmore || !tmore {
			return fmore == tmore
		}
		filter, topic = frest, trest
	}
}

// MatchesParent reports whether filter ends in /# and matches topic only
// through the MQTT rule AWS does not follow: filter is "topic/#" (up to +
// wildcards in its other levels).
func MatchesParent(filter, topic string) bool {
	parent, ok := strings.CutSuffix(filter, "/#")
	return ok && Match(parent, topic)
}

// Unshare returns the topic filter of a shared subscription
// ($share/{name}/{filter}), or f itself.
func Unshare(f string) string {
	if rest, ok := strings.CutPrefix(f, "$share/"); ok {
		if _, filter, found := strings.Cut(rest, "/"); found {
			return filter
		}
	}
	return f
}

// HasWildcard reports whether a filter contains + or #.
func HasWildcard(f string) bool { return strings.ContainsAny(f, "+#") }
