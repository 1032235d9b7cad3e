package fleetindex

import "strings"

// Managed fields per enabled source, exactly as AWS lists them.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/managing-fleet-index.html#managed-field
var (
	registryManaged = []Field{
		{"thingId", TypeString}, {"thingName", TypeString}, {"registry.version", TypeNumber},
		{"registry.thingTypeName", TypeString}, {"registry.thingGroupNames", TypeString},
	}
	shadowManaged       = []Field{{"shadow.version", TypeNumber}, {"shadow.hasDelta", TypeBoolean}}
	namedShadowManaged  = []Field{{"shadow.name.*.version", TypeNumber}, {"shadow.name.*.hasDelta", TypeBoolean}}
	connectivityManaged = []Field{
		{"connectivity.timestamp", TypeNumber}, {"connectivity.version", TypeNumber},
		{"connectivity.connected", TypeBoolean}, {"connectivity.disconnectReason", TypeString},
	}
	defenderManaged = []Field{{"deviceDefender.violationCount", TypeNumber}}
	groupManaged    = []Field{
		{"description", TypeString}, {"parentGroupNames", TypeString}, {"thingGroupId", TypeString},
		{"thingGroupName", TypeString}, {"version", TypeNumber},
	}
)

// notSearchable are indexed (and aggregatable) but never match a query:
// "Device shadow and registry versions aren't searchable".
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/query-syntax.html#query-syntax-limitations
var notSearchable = map[string]bool{
	"registry.version": true, "shadow.version": true, "deviceDefender.version": true,
}

// searchable reports whether queries see the field; the version of each
// named shadow (`shadow.name.{n}.version`) is hidden as the unnamed one is.
func searchable(field string) bool {
	if notSearchable[field] {
		return false
	}
	rest, ok := strings.CutPrefix(field, "shadow.name.")
	if !ok {
		return true
	}
	_, tail, ok := strings.Cut(rest, ".")
	return !ok || tail != "version"
}

// thingManaged returns the managed fields of the enabled thing sources.
func thingManaged(t *ThingIndexingConfiguration) []Field {
	if t == nil || t.ThingIndexingMode == ModeOff || t.ThingIndexingMode == "" {
		return nil
	}
	out := append([]Field(nil), registryManaged...)
	if t.ThingIndexingMode == ModeRegistryAndShadow {
		out = append(out, shadowManaged...)
	}
	if t.NamedShadowIndexingMode == NamedShadowOn {
		out = append(out, namedShadowManaged...)
	}
	if t.ThingConnectivityIndexingMode == ConnectivityStatus {
		out = append(out, connectivityManaged...)
	}
	if t.DeviceDefenderIndexingMode == DefenderViolations {
		out = append(out, defenderManaged...)
	}
	return out
}
