package fleetindex

// The wire shapes of UpdateIndexingConfiguration and
// GetIndexingConfiguration, with botocore's member names.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_ThingIndexingConfiguration.html#API_ThingIndexingConfiguration_Contents

// Thing indexing modes.
const (
	ModeOff               = "OFF"
	ModeRegistry          = "REGISTRY"
	ModeRegistryAndShadow = "REGISTRY_AND_SHADOW"
	ConnectivityStatus    = "STATUS"
	DefenderViolations    = "VIOLATIONS"
	NamedShadowOn         = "ON"
	GroupModeOn           = "ON"
)

// Field types of managed and custom fields.
const (
	TypeNumber  = "Number"
	TypeString  = "String"
	TypeBoolean = "Boolean"
)

// IndexingConfiguration is the body of UpdateIndexingConfiguration and of
// the GetIndexingConfiguration response.
type IndexingConfiguration struct {
	ThingIndexingConfiguration      *ThingIndexingConfiguration      `json:"thingIndexingConfiguration,omitempty"`
	ThingGroupIndexingConfiguration *ThingGroupIndexingConfiguration `json:"thingGroupIndexingConfiguration,omitempty"`
}

// ThingIndexingConfiguration configures the AWS_Things index.
type ThingIndexingConfiguration struct {
	ThingIndexingMode             string          `json:"thingIndexingMode"`
	ThingConnectivityIndexingMode string          `json:"thingConnectivityIndexingMode,omitempty"`
	DeviceDefenderIndexingMode    string          `json:"deviceDefenderIndexingMode,omitempty"`
	NamedShadowIndexingMode       string          `json:"namedShadowIndexingMode,omitempty"`
	ManagedFields                 []Field         `json:"managedFields,omitempty"`
	CustomFields                  []Field         `json:"customFields,omitempty"`
	Filter                        *IndexingFilter `json:"filter,omitempty"`
}

// ThingGroupIndexingConfiguration configures the AWS_ThingGroups index.
type ThingGroupIndexingConfiguration struct {
	ThingGroupIndexingMode string  `json:"thingGroupIndexingMode"`
	ManagedFields          []Field `json:"managedFields,omitempty"`
	CustomFields           []Field `json:"customFields,omitempty"`
}

// Field is a managed or custom field: its name and type.
type Field struct {
	Name string `json:"name,omitempty"`
	Type string `json:"type,omitempty"`
}

// IndexingFilter selects named shadows, geolocations and connectivity
// extras to index.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_IndexingFilter.html#API_IndexingFilter_Contents
type IndexingFilter struct {
	NamedShadowNames []string            `json:"namedShadowNames,omitempty"`
	GeoLocations     []GeoLocationTarget `json:"geoLocations,omitempty"`
	Connectivity     *ConnectivityFilter `json:"connectivity,omitempty"`
}

// GeoLocationTarget names a geolocation field and its coordinate order.
type GeoLocationTarget struct {
	Name  string `json:"name,omitempty"`
	Order string `json:"order,omitempty"`
}

// ConnectivityFilter asks for extra connectivity data.
type ConnectivityFilter struct {
	IncludeSocketInformation []string `json:"includeSocketInformation,omitempty"`
}

// clone deep-copies the configuration so callers never share slices
// with the index.
func (c IndexingConfiguration) clone() IndexingConfiguration {
	out := IndexingConfiguration{}
	if t := c.ThingIndexingConfiguration; t != nil {
		cp := *t
		cp.ManagedFields = append([]Field(nil), t.ManagedFields...)
		cp.CustomFields = append([]Field(nil), t.CustomFields...)
		if t.Filter != nil {
			f := *t.Filter
			f.NamedShadowNames = append([]string(nil), t.Filter.NamedShadowNames...)
			f.GeoLocations = append([]GeoLocationTarget(nil), t.Filter.GeoLocations...)
			if t.Filter.Connectivity != nil {
				cf := *t.Filter.Connectivity
				cf.IncludeSocketInformation = append([]string(nil), cf.IncludeSocketInformation...)
				f.Connectivity = &cf
			}
			cp.Filter = &f
		}
		out.ThingIndexingConfiguration = &cp
	}
	if g := c.ThingGroupIndexingConfiguration; g != nil {
		cp := *g
		cp.ManagedFields = append([]Field(nil), g.ManagedFields...)
		cp.CustomFields = append([]Field(nil), g.CustomFields...)
		out.ThingGroupIndexingConfiguration = &cp
	}
	return out
}
