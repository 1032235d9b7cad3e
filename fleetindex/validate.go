package fleetindex

import (
	"fmt"
	"regexp"
	"strings"
)

// Enum value sets, listed as AWS lists them in validation messages.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_ThingIndexingConfiguration.html#API_ThingIndexingConfiguration_Contents
var (
	thingModes       = []string{ModeRegistry, ModeRegistryAndShadow, ModeOff}
	connectivityMode = []string{ConnectivityStatus, ModeOff}
	defenderModes    = []string{DefenderViolations, ModeOff}
	onOff            = []string{NamedShadowOn, ModeOff}
	fieldTypes       = []string{TypeNumber, TypeString, TypeBoolean}
	geoOrders        = []string{"LatLon", "LonLat"}
	socketInfo       = []string{"GET_THING_CONNECTIVITY_DATA"}
)

// MaxNamedShadowNames is the default limit of named shadows to index.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/managing-fleet-index.html#thing-index
const MaxNamedShadowNames = 10

// shadowNamePattern is the shadow name constraint of the API.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_IndexingFilter.html#API_IndexingFilter_Contents
var shadowNamePattern = regexp.MustCompile(`^[$a-zA-Z0-9:_-]{1,64}$`)

// customRest is what may follow a custom field's prefix: alphanumerics,
// '-' and '_' in dot-separated segments, no spaces.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/managing-fleet-index.html#custom-field
var customRest = regexp.MustCompile(`^[a-zA-Z0-9_-]+(\.[a-zA-Z0-9_-]+)*$`)

func enum(value, member string, set []string) *Error {
	for _, s := range set {
		if value == s {
			return nil
		}
	}
	return validation(value, member, "Member must satisfy enum value set: ["+strings.Join(set, ", ")+"]")
}

func optionalEnum(value, member string, set []string) *Error {
	if value == "" {
		return nil
	}
	return enum(value, member, set)
}

func notNull(member string) *Error {
	return errorf(InvalidRequest, "1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", member)
}

// validateThing checks a thing indexing configuration as
// UpdateIndexingConfiguration does.
func validateThing(t *ThingIndexingConfiguration) error {
	const p = "thingIndexingConfiguration."
	if t.ThingIndexingMode == "" {
		return notNull(p + "thingIndexingMode")
	}
	checks := []*Error{
		enum(t.ThingIndexingMode, p+"thingIndexingMode", thingModes),
		optionalEnum(t.ThingConnectivityIndexingMode, p+"thingConnectivityIndexingMode", connectivityMode),
		optionalEnum(t.DeviceDefenderIndexingMode, p+"deviceDefenderIndexingMode", defenderModes),
		optionalEnum(t.NamedShadowIndexingMode, p+"namedShadowIndexingMode", onOff),
	}
	for _, e := range checks {
		if e != nil {
			return e
		}
	}
	if err := validateSourcesNeedThings(t); err != nil {
		return err
	}
	if err := validateFilter(t.Filter); err != nil {
		return err
	}
	return validateCustomFields(p+"customFields", t.CustomFields, thingPrefixes(t))
}

// validateSourcesNeedThings: connectivity, Device Defender and named
// shadows each need thingIndexingMode other than OFF ("To enable thing
// connectivity indexing, thingIndexMode must not be set to OFF").
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_ThingIndexingConfiguration.html#API_ThingIndexingConfiguration_Contents
func validateSourcesNeedThings(t *ThingIndexingConfiguration) error {
	if t.ThingIndexingMode != ModeOff {
		return nil
	}
	on := map[string]bool{
		"thingConnectivityIndexingMode": t.ThingConnectivityIndexingMode == ConnectivityStatus,
		"deviceDefenderIndexingMode":    t.DeviceDefenderIndexingMode == DefenderViolations,
		"namedShadowIndexingMode":       t.NamedShadowIndexingMode == NamedShadowOn,
	}
	for _, m := range []string{"thingConnectivityIndexingMode", "deviceDefenderIndexingMode", "namedShadowIndexingMode"} {
		if on[m] {
			return errorf(InvalidRequest, "%s cannot be enabled when thingIndexingMode is OFF", m)
		}
	}
	return nil
}

func validateFilter(f *IndexingFilter) error {
	if f == nil {
		return nil
	}
	const p = "thingIndexingConfiguration.filter."
	if len(f.NamedShadowNames) > MaxNamedShadowNames {
		return errorf(InvalidRequest, "The number of named shadows to index (%d) exceeds the limit of %d", len(f.NamedShadowNames), MaxNamedShadowNames)
	}
	for i, n := range f.NamedShadowNames {
		if !shadowNamePattern.MatchString(n) {
			return validation(n, fmt.Sprintf("%snamedShadowNames.%d.member", p, i+1), "Member must satisfy regular expression pattern: [$a-zA-Z0-9:_-]+")
		}
	}
	if len(f.GeoLocations) > 1 {
		return errorf(InvalidRequest, "At most 1 geoLocation can be indexed")
	}
	for i, g := range f.GeoLocations {
		if e := optionalEnum(g.Order, fmt.Sprintf("%sgeoLocations.%d.member.order", p, i+1), geoOrders); e != nil {
			return e
		}
	}
	if f.Connectivity != nil {
		for i, s := range f.Connectivity.IncludeSocketInformation {
			if e := enum(s, fmt.Sprintf("%sconnectivity.includeSocketInformation.%d.member", p, i+1), socketInfo); e != nil {
				return e
			}
		}
	}
	return nil
}

// thingPrefixes are the custom field prefixes the configured sources
// index.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/managing-fleet-index.html#custom-field
func thingPrefixes(t *ThingIndexingConfiguration) []string {
	if t.ThingIndexingMode == ModeOff {
		return nil
	}
	out := []string{"attributes."}
	if t.ThingIndexingMode == ModeRegistryAndShadow {
		out = append(out, "shadow.desired.", "shadow.reported.", "shadow.delta.")
	}
	if t.NamedShadowIndexingMode == NamedShadowOn {
		out = append(out, "shadow.name.")
	}
	if t.DeviceDefenderIndexingMode == DefenderViolations {
		out = append(out, "deviceDefender.")
	}
	return out
}

// validateCustomFields checks names, types, duplicates and that every
// field is one the mode indexes: "If your indexing configuration contains
// custom fields that aren't indexed by the indexing mode, the update
// fails".
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/managing-index.html#update-index-examples
func validateCustomFields(member string, fields []Field, prefixes []string) error {
	seen := map[string]bool{}
	for i, f := range fields {
		m := fmt.Sprintf("%s.%d.member", member, i+1)
		if f.Name == "" {
			return notNull(m + ".name")
		}
		if f.Type == "" {
			return notNull(m + ".type")
		}
		if e := enum(f.Type, m+".type", fieldTypes); e != nil {
			return e
		}
		if seen[f.Name] {
			return errorf(InvalidRequest, "Duplicate custom field: %s", f.Name)
		}
		seen[f.Name] = true
		if !customNameAllowed(f.Name, prefixes) {
			return errorf(InvalidRequest, "Custom field %s is not valid for the current indexing mode", f.Name)
		}
	}
	return nil
}

func customNameAllowed(name string, prefixes []string) bool {
	for _, p := range prefixes {
		rest, ok := strings.CutPrefix(name, p)
		if !ok {
			continue
		}
		if p == "shadow.name." {
			return namedShadowCustomRest(rest)
		}
		return customRest.MatchString(rest)
	}
	return false
}

// namedShadowCustomRest checks `{shadowName}.{desired|reported|delta}.x`.
func namedShadowCustomRest(rest string) bool {
	name, after, ok := strings.Cut(rest, ".")
	if !ok || !shadowNamePattern.MatchString(name) {
		return false
	}
	section, field, ok := strings.Cut(after, ".")
	if !ok || (section != "desired" && section != "reported" && section != "delta") {
		return false
	}
	return customRest.MatchString(field)
}

func validateGroup(g *ThingGroupIndexingConfiguration) error {
	const p = "thingGroupIndexingConfiguration."
	if g.ThingGroupIndexingMode == "" {
		return notNull(p + "thingGroupIndexingMode")
	}
	if e := enum(g.ThingGroupIndexingMode, p+"thingGroupIndexingMode", onOff); e != nil {
		return e
	}
	var prefixes []string
	if g.ThingGroupIndexingMode == GroupModeOn {
		prefixes = []string{"attributes."}
	}
	return validateCustomFields(p+"customFields", g.CustomFields, prefixes)
}
