package fleetindex

import "encoding/json"

// Thing is the registry data of one thing, as the registry holds it.
type Thing struct {
	ThingName       string
	ThingID         string
	ThingTypeName   string
	Attributes      map[string]string
	ThingGroupNames []string // direct memberships, static and dynamic
	Version         int64
}

// Connectivity is the connection state of the thing's MQTT client (the
// client whose ID equals the thing name). Timestamp is epoch
// milliseconds of the last connect or disconnect.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_ThingConnectivity.html#API_ThingConnectivity_Contents
type Connectivity struct {
	Connected         bool
	Timestamp         int64
	DisconnectReason  string
	ClientID          string
	KeepAliveDuration *int32
	CleanSession      *bool
	SessionExpiry     *int64
	Version           int64
}

// ThingGroup is one thing group as the AWS_ThingGroups index holds it.
type ThingGroup struct {
	ThingGroupName   string
	ThingGroupID     string
	Description      string
	Attributes       map[string]string
	ParentGroupNames []string // every ancestor
	Version          int64
}

// Document is everything indexed about one thing: the registry data, its
// shadows and its connectivity. Shadows maps the shadow name ("" for
// the classic shadow) to the document the Device Shadow service returns
// (`{"state":{...},"metadata":{...},"version":n,"timestamp":t}`).
type Document struct {
	Thing          Thing
	Shadows        map[string]json.RawMessage
	Connectivity   *Connectivity
	DeviceDefender json.RawMessage // `{"violationCount":n,...}`, or nil
}

// ThingDocument is one thing of a SearchIndex result.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_ThingDocument.html#API_ThingDocument_Contents
type ThingDocument struct {
	ThingName       string                `json:"thingName,omitempty"`
	ThingID         string                `json:"thingId,omitempty"`
	ThingTypeName   string                `json:"thingTypeName,omitempty"`
	ThingGroupNames []string              `json:"thingGroupNames,omitempty"`
	Attributes      map[string]string     `json:"attributes,omitempty"`
	Shadow          string                `json:"shadow,omitempty"`
	DeviceDefender  string                `json:"deviceDefender,omitempty"`
	Connectivity    *ThingConnectivityOut `json:"connectivity,omitempty"`
}

// ThingConnectivityOut is the connectivity member of a ThingDocument.
type ThingConnectivityOut struct {
	Connected         bool   `json:"connected"`
	Timestamp         *int64 `json:"timestamp,omitempty"`
	DisconnectReason  string `json:"disconnectReason,omitempty"`
	ClientID          string `json:"clientId,omitempty"`
	KeepAliveDuration *int32 `json:"keepAliveDuration,omitempty"`
	CleanSession      *bool  `json:"cleanSession,omitempty"`
	SessionExpiry     *int64 `json:"sessionExpiry,omitempty"`
}

// ThingGroupDocument is one group of a SearchIndex result on
// AWS_ThingGroups.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_ThingGroupDocument.html#API_ThingGroupDocument_Contents
type ThingGroupDocument struct {
	ThingGroupName        string            `json:"thingGroupName,omitempty"`
	ThingGroupID          string            `json:"thingGroupId,omitempty"`
	ThingGroupDescription string            `json:"thingGroupDescription,omitempty"`
	Attributes            map[string]string `json:"attributes,omitempty"`
	ParentGroupNames      []string          `json:"parentGroupNames,omitempty"`
}
