package broker

import (
	"context"
	"strings"
)

// reservedRoute is one family of AWS reserved topics: which operations a
// client may perform on it, and which service, if any, handles what clients
// publish there.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/reserved-topics.html#reserved-topics
// "Topics that begin with a dollar
// sign ($) are reserved ... Unsupported publish or subscribe operations to
// reserved topics can result in a terminated connection.".
type reservedRoute struct {
	family    string   // name for logs
	pattern   []string // levels: a literal, "+" (one level), "a|b" (alternatives) or a final "#" (zero or more levels)
	publish   bool     // clients may publish to it
	subscribe bool     // clients may subscribe to it
	// ingest marks topics whose messages go to a service only and are never
	// delivered to subscribers (Basic Ingest).
	ingest bool
	// handle receives what a client (or the HTTP API) publishes there, after
	// delivery to subscribers; nil for families no service handles.
	handle func(ctx context.Context, m Message)
	// feature names the AWS feature behind a family iotemu does not serve
	// yet: while handle is nil, a publish or subscription there is logged at
	// warn, as device code waiting for an answer would otherwise hang
	// silently.
	feature string
}

// reservedTable is the dispatch table of every $ topic the emulator knows.
// A $ topic that matches no route may be neither published nor subscribed.
type reservedTable struct {
	routes []reservedRoute
}

func newRoute(family, pattern string, publish, subscribe bool) reservedRoute {
	return reservedRoute{family: family, pattern: strings.Split(pattern, "/"), publish: publish, subscribe: subscribe}
}

// newReservedTable lists the families of reserved-topics.html.
func newReservedTable() *reservedTable {
	const (
		pub, sub = true, true
		no       = false
	)
	return &reservedTable{routes: []reservedRoute{
		// AWS: device-shadow-mqtt.html — request topics may be published and subscribed,
		// response topics only subscribed.
		newRoute("shadow", "$aws/things/+/shadow/get|update|delete", pub, sub),
		newRoute("shadow", "$aws/things/+/shadow/get|update|delete/accepted|rejected", no, sub),
		newRoute("shadow", "$aws/things/+/shadow/update/delta|documents", no, sub),
		newRoute("shadow", "$aws/things/+/shadow/name/+/get|update|delete", pub, sub),
		newRoute("shadow", "$aws/things/+/shadow/name/+/get|update|delete/accepted|rejected", no, sub),
		newRoute("shadow", "$aws/things/+/shadow/name/+/update/delta|documents", no, sub),
		// AWS: iot-basic-ingest.html — "devices and rules can't subscribe".
		{family: "basic ingest", pattern: []string{"$aws", "rules", "+", "#"}, publish: pub, ingest: true},
		// AWS: life-cycle-events.html.
		newRoute("lifecycle", "$aws/events/presence/connected|disconnected|connect_failed/+", no, sub),
		newRoute("lifecycle", "$aws/events/subscriptions/subscribed|unsubscribed/+", no, sub),
		// AWS: reserved-topics.html, the remaining families (no service behind them yet).
		newRoute("registry events", "$aws/events/thing|thingGroup|thingType/+/created|updated|deleted", no, sub),
		newRoute("registry events", "$aws/events/thingTypeAssociation/thing/+/+", no, sub),
		newRoute("registry events", "$aws/events/thingGroupMembership/thingGroup/+/thing/+/added|removed", no, sub),
		newRoute("registry events", "$aws/events/thingGroupHierarchy/thingGroup/+/childThingGroup/+/added|removed", no, sub),
		newRoute("certificate events", "$aws/events/certificates/registered/+", no, sub),
		newRoute("job events", "$aws/events/job/+/completed|canceled|deleted|cancellation_in_progress|deletion_in_progress", no, sub),
		newRoute("job events", "$aws/events/jobExecution/+/succeeded|failed|rejected|canceled|timed_out|removed|deleted", no, sub),
		unserved("AWS IoT Jobs", newRoute("jobs", "$aws/things/+/jobs/get|start-next", pub, sub)),
		unserved("AWS IoT Jobs", newRoute("jobs", "$aws/things/+/jobs/get|start-next/accepted|rejected", no, sub)),
		unserved("AWS IoT Jobs", newRoute("jobs", "$aws/things/+/jobs/+/get|update", pub, sub)),
		unserved("AWS IoT Jobs", newRoute("jobs", "$aws/things/+/jobs/+/get|update/accepted|rejected", no, sub)),
		unserved("AWS IoT Jobs", newRoute("jobs", "$aws/things/+/jobs/notify|notify-next", no, sub)),
		unserved("AWS IoT Device Defender", newRoute("defender", "$aws/things/+/defender/metrics/json|cbor", pub, sub)),
		unserved("AWS IoT Device Defender", newRoute("defender", "$aws/things/+/defender/metrics/json|cbor/accepted|rejected", no, sub)),
		unserved("AWS IoT fleet provisioning", newRoute("fleet provisioning", "$aws/certificates/create|create-from-csr/json|cbor", pub, sub)),
		unserved("AWS IoT fleet provisioning", newRoute("fleet provisioning", "$aws/certificates/create|create-from-csr/json|cbor/accepted|rejected", no, sub)),
		unserved("AWS IoT fleet provisioning", newRoute("fleet provisioning", "$aws/provisioning-templates/+/provision/json|cbor", pub, sub)),
		unserved("AWS IoT fleet provisioning", newRoute("fleet provisioning", "$aws/provisioning-templates/+/provision/json|cbor/accepted|rejected", no, sub)),
		unserved("AWS IoT secure tunneling", newRoute("secure tunneling", "$aws/things/+/tunnels/notify", no, sub)),
		unserved("AWS IoT MQTT-based file delivery", newRoute("file delivery", "$aws/things/+/streams/+/get|describe/json|cbor", pub, sub)),
		unserved("AWS IoT MQTT-based file delivery", newRoute("file delivery", "$aws/things/+/streams/+/data|description|rejected/json|cbor", no, sub)),
		newRoute("sitewise", "$aws/sitewise/asset-models/+/assets/+/properties/+", no, sub),
	}}
}

// unserved marks a route of a feature iotemu does not serve yet.
func unserved(feature string, r reservedRoute) reservedRoute {
	r.feature = feature
	return r
}

// unservedFeature returns the AWS feature a publish to topic (or a
// subscription to a filter with + levels only) reaches that no service
// answers, or "".
func (t *reservedTable) unservedFeature(topic string) string {
	if !strings.HasPrefix(topic, "$aws/") {
		return ""
	}
	family, ok := t.lookup(topic)
	if !ok || family.handle != nil {
		return ""
	}
	// A family is served when any of its routes has a handler (a service
	// answers on the request topics only).
	for _, r := range t.routes {
		if r.family == family.family && r.handle != nil {
			return ""
		}
	}
	return family.feature
}

// handle attaches a service's handler to the routes of a family that
// clients may publish to (the service's own answers go to the others).
func (t *reservedTable) handle(family string, fn func(ctx context.Context, m Message)) {
	for i := range t.routes {
		if t.routes[i].family == family && t.routes[i].publish {
			t.routes[i].handle = fn
		}
	}
}

// lookup returns the route a topic name belongs to.
func (t *reservedTable) lookup(topic string) (*reservedRoute, bool) {
	levels := strings.Split(topic, "/")
	for i := range t.routes {
		if matchLevels(t.routes[i].pattern, levels, false) {
			return &t.routes[i], true
		}
	}
	return nil, false
}

// mayPublish reports whether a client may publish to topic.
func (t *reservedTable) mayPublish(topic string) bool {
	r, ok := t.lookup(topic)
	return ok && r.publish
}

// maySubscribe reports whether a client may subscribe to a $ filter: it
// must be able to match some topic of a subscribable family.
func (t *reservedTable) maySubscribe(filter string) bool {
	levels := strings.Split(filter, "/")
	for _, r := range t.routes {
		if r.subscribe && matchLevels(r.pattern, levels, true) {
			return true
		}
	}
	return false
}

// matchLevels matches topic levels against a route pattern. With overlap,
// the topic levels are themselves a filter whose + and # may stand for any
// pattern level: the question is then whether the two can match a common
// topic.
func matchLevels(pattern, levels []string, overlap bool) bool {
	for i, p := range pattern {
		if p == "#" {
			return true
		}
		if i >= len(levels) {
			return false
		}
		l := levels[i]
		if overlap && l == "#" {
			return true
		}
		if p == "+" || (overlap && l == "+") {
			continue
		}
		if !alternative(p, l) {
			return false
		}
	}
	return len(levels) == len(pattern)
}

func alternative(p, l string) bool {
	for a := range strings.SplitSeq(p, "|") {
		if a == l {
			return true
		}
	}
	return false
}

// MayPublish reports whether a client may publish to a $ topic: the
// reserved table's answer, which the iot-data Publish applies too.
func (s *Broker) MayPublish(topic string) bool { return s.reserved.mayPublish(topic) }
