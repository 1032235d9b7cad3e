package registry

import (
	"encoding/json"
	"maps"

	"github.com/iotemu/iotemu/internal/awsid"
)

// Registry events: what the registry publishes on $aws/events/thing/...,
// thingType/..., thingGroup/..., thingGroupMembership/... and
// thingGroupHierarchy/... when a thing, thing type or thing group changes.
// The registry makes each event (topic and AWS's JSON, members in the
// documented order) and hands it to Config.OnEvent after its lock is
// released; the receiver publishes it when its event type is enabled
// (UpdateEventConfigurations).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/registry-events.html#registry-events

// Event types (event-configuration keys) of the registry's events.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-events.html#iot-events-settings-table
const (
	EventThing                = "THING"
	EventThingType            = "THING_TYPE"
	EventThingGroup           = "THING_GROUP"
	EventThingGroupMembership = "THING_GROUP_MEMBERSHIP"
	EventThingGroupHierarchy  = "THING_GROUP_HIERARCHY"
	EventThingTypeAssociation = "THING_TYPE_ASSOCIATION"
)

// Event is one registry event: the event-configuration key that gates it,
// its topic and its JSON payload.
type Event struct {
	Type    string
	Topic   string
	Payload []byte
}

const eventsPrefix = "$aws/events/"

// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/registry-events.html#registry-events-thing
type thingEvent struct {
	EventType     string            `json:"eventType"`
	EventID       string            `json:"eventId"`
	Timestamp     int64             `json:"timestamp"`
	Operation     string            `json:"operation"`
	AccountID     string            `json:"accountId"`
	ThingID       string            `json:"thingId"`
	ThingName     string            `json:"thingName"`
	VersionNumber int64             `json:"versionNumber"`
	ThingTypeName *string           `json:"thingTypeName"`
	Attributes    map[string]string `json:"attributes"`
}

// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/registry-events.html#registry-events-thingtype-crud
type thingTypeEvent struct {
	EventType            string   `json:"eventType"`
	EventID              string   `json:"eventId"`
	Timestamp            int64    `json:"timestamp"`
	Operation            string   `json:"operation"`
	AccountID            string   `json:"accountId"`
	ThingTypeID          string   `json:"thingTypeId"`
	ThingTypeName        string   `json:"thingTypeName"`
	IsDeprecated         bool     `json:"isDeprecated"`
	DeprecationDate      *int64   `json:"deprecationDate"`
	SearchableAttributes []string `json:"searchableAttributes"`
	Description          string   `json:"description"`
}

type groupRef struct {
	GroupArn string `json:"groupArn"`
	GroupID  string `json:"groupId"`
}

// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/registry-events.html#registry-events-thinggroup-crud
type thingGroupEvent struct {
	EventType               string            `json:"eventType"`
	EventID                 string            `json:"eventId"`
	Timestamp               int64             `json:"timestamp"`
	Operation               string            `json:"operation"`
	AccountID               string            `json:"accountId"`
	ThingGroupID            string            `json:"thingGroupId"`
	ThingGroupName          string            `json:"thingGroupName"`
	VersionNumber           int64             `json:"versionNumber"`
	ParentGroupName         string            `json:"parentGroupName,omitempty"`
	ParentGroupID           string            `json:"parentGroupId,omitempty"`
	Description             string            `json:"description"`
	RootToParentThingGroups []groupRef        `json:"rootToParentThingGroups"`
	Attributes              map[string]string `json:"attributes"`
	DynamicGroupMappingID   *string           `json:"dynamicGroupMappingId"`
}

// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/registry-events.html#registry-events-thinggroup-addremove
type membershipEvent struct {
	EventType    string `json:"eventType"`
	EventID      string `json:"eventId"`
	Timestamp    int64  `json:"timestamp"`
	Operation    string `json:"operation"`
	AccountID    string `json:"accountId"`
	GroupArn     string `json:"groupArn"`
	GroupID      string `json:"groupId"`
	ThingArn     string `json:"thingArn"`
	ThingID      string `json:"thingId"`
	MembershipID string `json:"membershipId"`
}

// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/registry-events.html#registry-events-thinggroup-adddelete
type hierarchyEvent struct {
	EventType      string `json:"eventType"`
	EventID        string `json:"eventId"`
	Timestamp      int64  `json:"timestamp"`
	Operation      string `json:"operation"`
	AccountID      string `json:"accountId"`
	ThingGroupID   string `json:"thingGroupId"`
	ThingGroupName string `json:"thingGroupName"`
	ChildGroupID   string `json:"childGroupId"`
	ChildGroupName string `json:"childGroupName"`
}

// emitLocked records an event while r.mu is held; flush delivers it.
func (r *Registry) emitLocked(typ, topic string, payload any) {
	if r.cfg.OnEvent == nil {
		return
	}
	b, _ := json.Marshal(payload) // structs of strings, numbers and string maps always marshal
	r.pendingMu.Lock()
	r.pendingEvents = append(r.pendingEvents, Event{Type: typ, Topic: topic, Payload: b})
	r.pendingMu.Unlock()
}

// ops maps a topic's last level to AWS's upper-case operation.
var ops = map[string]string{"created": "CREATED", "updated": "UPDATED", "deleted": "DELETED", "added": "ADDED", "removed": "REMOVED"}

func (r *Registry) thingEventLocked(t *thing, op string) {
	if r.cfg.OnEvent == nil {
		return
	}
	var typeName *string
	if t.TypeName != "" {
		n := t.TypeName
		typeName = &n
	}
	attrs := maps.Clone(t.Attributes)
	if attrs == nil {
		attrs = map[string]string{} // UNCONFIRMED: {} when none
	}
	r.emitLocked(EventThing, eventsPrefix+"thing/"+t.Name+"/"+op, thingEvent{
		EventType: "THING_EVENT", EventID: awsid.NewUUID(), Timestamp: r.now().UnixMilli(), Operation: ops[op],
		AccountID: r.cfg.AccountID, ThingID: t.ID, ThingName: t.Name, VersionNumber: t.Version,
		ThingTypeName: typeName, Attributes: attrs,
	})
}

func (r *Registry) thingTypeEventLocked(t *thingType, op string) {
	if r.cfg.OnEvent == nil {
		return
	}
	var dep *int64
	if t.Deprecated && !t.DeprecationDate.IsZero() {
		// "deprecationDate": a UNIX timestamp; seconds (UNCONFIRMED unit).
		v := t.DeprecationDate.Unix()
		dep = &v
	}
	searchable := t.SearchableAttributes
	if searchable == nil {
		searchable = []string{}
	}
	r.emitLocked(EventThingType, eventsPrefix+"thingType/"+t.Name+"/"+op, thingTypeEvent{
		EventType: "THING_TYPE_EVENT", EventID: awsid.NewUUID(), Timestamp: r.now().UnixMilli(), Operation: ops[op],
		AccountID: r.cfg.AccountID, ThingTypeID: t.ID, ThingTypeName: t.Name, IsDeprecated: t.Deprecated,
		DeprecationDate: dep, SearchableAttributes: searchable, Description: t.Description,
	})
}

func (r *Registry) thingGroupEventLocked(g *thingGroup, op string) {
	if r.cfg.OnEvent == nil {
		return
	}
	ev := thingGroupEvent{
		EventType: "THING_GROUP_EVENT", EventID: awsid.NewUUID(), Timestamp: r.now().UnixMilli(), Operation: ops[op],
		AccountID: r.cfg.AccountID, ThingGroupID: g.ID, ThingGroupName: g.Name, VersionNumber: g.Version,
		Description: g.Description, RootToParentThingGroups: []groupRef{}, Attributes: maps.Clone(g.Attributes),
	}
	if ev.Attributes == nil {
		ev.Attributes = map[string]string{}
	}
	for _, a := range g.Ancestors {
		if ag, ok := r.groups[a]; ok {
			ev.RootToParentThingGroups = append(ev.RootToParentThingGroups, groupRef{ag.ARN, ag.ID})
		}
	}
	if p, ok := r.groups[g.ParentName]; ok && g.ParentName != "" {
		ev.ParentGroupName, ev.ParentGroupID = p.Name, p.ID
	}
	r.emitLocked(EventThingGroup, eventsPrefix+"thingGroup/"+g.Name+"/"+op, ev)
}

// membershipEventLocked reports a thing joining or leaving a group; the
// membershipId is made when it joins and reused when it leaves
// (UNCONFIRMED).
func (r *Registry) membershipEventLocked(g *thingGroup, t *thing, op string) {
	key := g.Name + "\x00" + t.Name
	id, ok := r.memberships[key]
	if !ok {
		id = awsid.NewUUID()
		r.memberships[key] = id
	}
	if op == "removed" {
		delete(r.memberships, key)
	}
	if r.cfg.OnEvent == nil {
		return
	}
	r.emitLocked(EventThingGroupMembership, eventsPrefix+"thingGroupMembership/thingGroup/"+g.Name+"/thing/"+t.Name+"/"+op, membershipEvent{
		EventType: "THING_GROUP_MEMBERSHIP_EVENT", EventID: awsid.NewUUID(), Timestamp: r.now().UnixMilli(), Operation: ops[op],
		AccountID: r.cfg.AccountID, GroupArn: g.ARN, GroupID: g.ID, ThingArn: t.ARN, ThingID: t.ID, MembershipID: id,
	})
}

func (r *Registry) hierarchyEventLocked(parent, child *thingGroup, op string) {
	if r.cfg.OnEvent == nil || parent == nil {
		return
	}
	r.emitLocked(EventThingGroupHierarchy, eventsPrefix+"thingGroupHierarchy/thingGroup/"+parent.Name+"/childThingGroup/"+child.Name+"/"+op, hierarchyEvent{
		EventType: "THING_GROUP_HIERARCHY_EVENT", EventID: awsid.NewUUID(), Timestamp: r.now().UnixMilli(), Operation: ops[op],
		AccountID: r.cfg.AccountID, ThingGroupID: parent.ID, ThingGroupName: parent.Name, ChildGroupID: child.ID, ChildGroupName: child.Name,
	})
}

// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/registry-events.html#registry-events-thingtype-assoc
type typeAssociationEvent struct {
	EventID       string `json:"eventId"`
	EventType     string `json:"eventType"`
	Operation     string `json:"operation"`
	ThingID       string `json:"thingId"`
	ThingName     string `json:"thingName"`
	ThingTypeName string `json:"thingTypeName"`
	Timestamp     int64  `json:"timestamp"`
}

// typeAssociationEventLocked reports a thing taking (added) or leaving
// (removed) a thing type: at CreateThing with a type and when UpdateThing
// changes or removes it. The topic is the event table's
// .../thing/{thingName}/thingType/{thingTypeName}/{added|removed}; the
// reserved-topics page's shorter form conflicts with it (UNCONFIRMED).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-events.html#iot-events-settings-table
func (r *Registry) typeAssociationEventLocked(t *thing, typeName, op string) {
	if r.cfg.OnEvent == nil || typeName == "" {
		return
	}
	r.emitLocked(EventThingTypeAssociation, eventsPrefix+"thingTypeAssociation/thing/"+t.Name+"/thingType/"+typeName+"/"+op, typeAssociationEvent{
		EventID: awsid.NewUUID(), EventType: "THING_TYPE_ASSOCIATION_EVENT", Operation: ops[op],
		ThingID: t.ID, ThingName: t.Name, ThingTypeName: typeName, Timestamp: r.now().UnixMilli(),
	})
}
