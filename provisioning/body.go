package provisioning

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
)

// Resource types of a template body.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/provision-template.html#resources-section
const (
	ResourceThing       = "AWS::IoT::Thing"
	ResourceCertificate = "AWS::IoT::Certificate"
	ResourcePolicy      = "AWS::IoT::Policy"
)

// Body is a parsed template body. Values keep their JSON form (objects
// are map[string]any, numbers json.Number) until a provisioning run
// evaluates them with its parameters.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/provision-template.html#provision-template
type Body struct {
	Parameters          map[string]Parameter
	Mappings            map[string]map[string]map[string]any
	Conditions          map[string]any
	Resources           []Resource // by logical name
	DeviceConfiguration map[string]any
}

// Parameter is a declared parameter: its type and optional default.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/provision-template.html#parameters-section
type Parameter struct {
	Type    string
	Default *string
}

// Resource is one resource of the Resources section.
type Resource struct {
	LogicalName string
	Type        string
	Properties  map[string]any
	// Override is OverrideSettings: property name to DO_NOTHING, REPLACE,
	// FAIL or MERGE.
	// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/provision-template.html#override-settings
	Override map[string]string
	// Condition names a condition of the Conditions section that must
	// hold for the resource to be provisioned (CloudFormation's
	// semantics; UNCONFIRMED for AWS IoT).
	Condition string
}

// rawBody is a template body as JSON.
type rawBody struct {
	Parameters          map[string]rawParameter              `json:"Parameters"`
	Mappings            map[string]map[string]map[string]any `json:"Mappings"`
	Conditions          map[string]any                       `json:"Conditions"`
	Resources           map[string]rawResource               `json:"Resources"`
	DeviceConfiguration map[string]any                       `json:"DeviceConfiguration"`
}

type rawParameter struct {
	Type    string `json:"Type"`
	Default any    `json:"Default"`
}

type rawResource struct {
	Type             string         `json:"Type"`
	Properties       map[string]any `json:"Properties"`
	OverrideSettings map[string]any `json:"OverrideSettings"`
	Condition        string         `json:"Condition"`
}

var overrideValues = []string{"DO_NOTHING", "REPLACE", "FAIL", "MERGE"}

// ParseTemplateBody parses and checks a template body: JSON, a Resources
// section whose resources have a known type and at most one thing and one
// certificate, valid override settings. Errors are InvalidRequestException
// (messages UNCONFIRMED).
func ParseTemplateBody(text string) (*Body, error) {
	b, err := parseTemplateBody(text)
	if err != nil {
		return nil, err
	}
	return b, nil
}

func parseTemplateBody(text string) (*Body, *Error) {
	if text == "" {
		return nil, lengthError("templateBody", text, 0, maxTemplateBody)
	}
	if len(text) > maxTemplateBody {
		return nil, lengthError("templateBody", text, 0, maxTemplateBody)
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(text)))
	dec.UseNumber()
	var raw rawBody
	if err := dec.Decode(&raw); err != nil {
		return nil, templateError("The template body is not valid JSON: %v", err)
	}
	if dec.More() {
		return nil, templateError("The template body is not valid JSON: data after the top-level object")
	}
	if len(raw.Resources) == 0 {
		return nil, templateError("The template body has no Resources section")
	}
	b := &Body{Parameters: map[string]Parameter{}, Mappings: raw.Mappings, Conditions: raw.Conditions, DeviceConfiguration: raw.DeviceConfiguration}
	for name, p := range raw.Parameters {
		if p.Type != "" && p.Type != "String" {
			return nil, templateError("Parameter %s has the unsupported type %s", name, p.Type)
		}
		par := Parameter{Type: "String"}
		switch d := p.Default.(type) {
		case nil:
		case string:
			par.Default = &d
		case json.Number:
			s := d.String()
			par.Default = &s
		default:
			return nil, templateError("The default of parameter %s is not a string", name)
		}
		b.Parameters[name] = par
	}
	counts := map[string]int{}
	for _, name := range sortedKeys(raw.Resources) {
		r := raw.Resources[name]
		switch r.Type {
		case ResourceThing, ResourceCertificate, ResourcePolicy:
		default:
			return nil, templateError("Resource %s has the unsupported type %q", name, r.Type)
		}
		counts[r.Type]++
		if r.Type != ResourcePolicy && counts[r.Type] > 1 {
			return nil, templateError("The template declares more than one resource of type %s", r.Type)
		}
		res := Resource{LogicalName: name, Type: r.Type, Properties: r.Properties, Override: map[string]string{}, Condition: r.Condition}
		if res.Properties == nil {
			res.Properties = map[string]any{}
		}
		if r.Condition != "" {
			if _, ok := raw.Conditions[r.Condition]; !ok {
				return nil, templateError("Resource %s uses the undeclared condition %s", name, r.Condition)
			}
		}
		for k, v := range r.OverrideSettings {
			s, ok := v.(string)
			if !ok || !slices.Contains(overrideValues, strings.ToUpper(s)) {
				return nil, templateError("Resource %s has an invalid OverrideSettings value for %s", name, k)
			}
			res.Override[overrideKey(k)] = strings.ToUpper(s)
		}
		b.Resources = append(b.Resources, res)
	}
	for k, v := range raw.DeviceConfiguration {
		if _, nested := v.(map[string]any); nested && !isIntrinsic(v) {
			// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/provision-template.html#device-config
			// ("nested JSON objects aren't supported").
			return nil, templateError("DeviceConfiguration %s is a nested object, which is not supported", k)
		}
	}
	return b, nil
}

// overrideKey accepts the prose's ATTRIBUTE_PAYLOAD spelling and the
// examples' AttributePayload.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/provision-template.html#override-settings
func overrideKey(k string) string {
	switch strings.ToUpper(strings.ReplaceAll(k, "_", "")) {
	case "ATTRIBUTEPAYLOAD":
		return "AttributePayload"
	case "THINGTYPENAME":
		return "ThingTypeName"
	case "THINGGROUPS":
		return "ThingGroups"
	case "STATUS":
		return "Status"
	}
	return k
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
