package registry

import (
	"maps"
	"slices"
	"strings"

	"github.com/iotemu/iotemu/internal/awsid"
)

// Attribute limits. AWS: iot-core.html#thing-limits (a thing without a
// thing type has at most 3 attributes; with a thing type, 50).
const (
	MaxAttributesUntyped = 3
	MaxAttributesTyped   = 50
)

// Thing is a registry thing. Attributes is a copy.
type Thing struct {
	Name       string
	ID         string
	ARN        string
	TypeName   string // "" when the thing has no type
	Attributes map[string]string
	Version    int64 // 1 at creation, +1 on every UpdateThing
}

type thing struct {
	Thing
	groups map[string]bool // names of the thing groups it belongs to
}

func (t *thing) snapshot() Thing {
	c := t.Thing
	c.Attributes = maps.Clone(t.Attributes)
	if c.Attributes == nil {
		c.Attributes = map[string]string{}
	}
	return c
}

// CreateThingInput is CreateThing's request.
type CreateThingInput struct {
	Name       string
	TypeName   string
	Attributes map[string]string
	// BillingGroupName, when set, names the billing group the new thing
	// joins; it must exist.
	// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateThing.html#API_CreateThing_RequestSyntax
	BillingGroupName string
}

// CreateThing creates a thing, version 1. Creating it again with the same
// type and attributes returns it; with another configuration it fails.
// AWS: apireference/API_CreateThing.html ("If this call is made multiple
// times using the same thing name and configuration, the call will
// succeed. If this call is made with the same thing name but different
// configuration a ResourceAlreadyExistsException is thrown.").
func (r *Registry) CreateThing(in CreateThingInput) (Thing, error) {
	if err := validName("thingName", in.Name); err != nil {
		return Thing{}, err
	}
	if err := validAttributes(in.Attributes); err != nil {
		return Thing{}, err
	}
	defer r.flush()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.touchLocked(ThingChanged, in.Name)
	if err := r.checkTypeLocked(in.TypeName, len(in.Attributes)); err != nil {
		return Thing{}, err
	}
	b, ok := r.billing[in.BillingGroupName]
	if in.BillingGroupName != "" && !ok {
		return Thing{}, billingNotFound(in.BillingGroupName)
	}
	if old, ok := r.things[in.Name]; ok {
		if old.TypeName == in.TypeName && maps.Equal(old.Attributes, nonEmpty(in.Attributes)) {
			return old.snapshot(), nil
		}
		// Message UNCONFIRMED.
		return Thing{}, alreadyExists(old.ID, old.ARN, "Thing %s already exists in account with different attributes", in.Name)
	}
	t := &thing{Thing: Thing{
		Name: in.Name, ID: awsid.NewUUID(), ARN: r.ThingARN(in.Name), TypeName: in.TypeName,
		Attributes: nonEmpty(in.Attributes), Version: 1,
	}, groups: map[string]bool{}}
	r.things[in.Name] = t
	if b != nil {
		b.things[in.Name] = true
	}
	r.thingEventLocked(t, "created")
	r.typeAssociationEventLocked(t, t.TypeName, "added")
	return t.snapshot(), nil
}

// nonEmpty copies attrs without empty values (an empty value means "no
// attribute").
func nonEmpty(attrs map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range attrs {
		if v != "" {
			out[k] = v
		}
	}
	return out
}

// checkTypeLocked checks that a thing may have the type and n attributes.
func (r *Registry) checkTypeLocked(typeName string, n int) error {
	if typeName == "" {
		if n > MaxAttributesUntyped {
			// Message UNCONFIRMED.
			return errorf(InvalidRequest, "A thing without a thing type can have at most %d attributes", MaxAttributesUntyped)
		}
		return nil
	}
	if err := validName("thingTypeName", typeName); err != nil {
		return err
	}
	tt, ok := r.types[typeName]
	if !ok {
		return errorf(ResourceNotFound, "Thing type %s does not exist", typeName)
	}
	if tt.Deprecated {
		// AWS: thing-types.html#deprecate-thing-type ("You can't associate
		// new things with a deprecated thing type"). Message UNCONFIRMED.
		return errorf(InvalidRequest, "Can not create a new thing with deprecated thing type %s", typeName)
	}
	if n > MaxAttributesTyped {
		return errorf(InvalidRequest, "A thing can have at most %d attributes", MaxAttributesTyped)
	}
	return nil
}

// DescribeThing returns a thing.
func (r *Registry) DescribeThing(name string) (Thing, error) {
	if err := validName("thingName", name); err != nil {
		return Thing{}, err
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	t, ok := r.things[name]
	if !ok {
		return Thing{}, thingNotFound(name)
	}
	return t.snapshot(), nil
}

// thingNotFound is the 404 of a missing thing. Message UNCONFIRMED (moto:
// "The specified resource does not exist").
func thingNotFound(name string) *Error {
	return errorf(ResourceNotFound, "Thing %s cannot be found.", name)
}

// UpdateThingInput is UpdateThing's request. Attributes nil means "not
// given"; with Merge false the given attributes replace all of them, with
// Merge true they are merged and an empty value removes one.
type UpdateThingInput struct {
	Name            string
	TypeName        string
	RemoveThingType bool
	Attributes      map[string]string
	Merge           bool
	ExpectedVersion *int64
}

// UpdateThing changes a thing's type and attributes and bumps its version.
// AWS: apireference/API_UpdateThing.html, API_AttributePayload.html.
func (r *Registry) UpdateThing(in UpdateThingInput) (Thing, error) {
	if err := validName("thingName", in.Name); err != nil {
		return Thing{}, err
	}
	if err := validAttributes(in.Attributes); err != nil {
		return Thing{}, err
	}
	if in.RemoveThingType && in.TypeName != "" {
		// Message UNCONFIRMED.
		return Thing{}, errorf(InvalidRequest, "Cannot set thingTypeName and removeThingType at the same time")
	}
	defer r.flush()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.touchLocked(ThingChanged, in.Name)
	t, ok := r.things[in.Name]
	if !ok {
		return Thing{}, thingNotFound(in.Name)
	}
	if in.ExpectedVersion != nil && *in.ExpectedVersion != t.Version {
		// AWS: moto mirrors the message "The version for thing %s does not
		// match the expected version." (UNCONFIRMED on AWS).
		return Thing{}, errorf(VersionConflict, "The version for thing %s does not match the expected version.", in.Name)
	}
	typeName := t.TypeName
	switch {
	case in.RemoveThingType:
		typeName = ""
	case in.TypeName != "":
		typeName = in.TypeName
	}
	attrs := mergeAttributes(t.Attributes, in.Attributes, in.Merge)
	if typeName != t.TypeName || len(attrs) > len(t.Attributes) {
		if err := r.checkTypeLocked(typeName, len(attrs)); err != nil {
			return Thing{}, err
		}
	}
	oldType := t.TypeName
	t.TypeName, t.Attributes = typeName, attrs
	t.Version++
	r.thingEventLocked(t, "updated")
	if oldType != typeName {
		r.typeAssociationEventLocked(t, oldType, "removed")
		r.typeAssociationEventLocked(t, typeName, "added")
	}
	return t.snapshot(), nil
}

func mergeAttributes(old, given map[string]string, merge bool) map[string]string {
	if given == nil {
		return old
	}
	if !merge {
		return nonEmpty(given)
	}
	out := maps.Clone(old)
	for k, v := range given {
		if v == "" {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}

// DeleteThing deletes a thing. A missing thing is not an error; a thing
// with attached principals is not deleted.
// AWS: apireference/API_DeleteThing.html ("Returns successfully with no
// error if the deletion is successful or you specify a thing that doesn't
// exist."); message observed [I-rebuy-de/aws-nuke#374].
func (r *Registry) DeleteThing(name string, expectedVersion *int64) error {
	if err := validName("thingName", name); err != nil {
		return err
	}
	defer r.flush()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.touchLocked(ThingChanged, name)
	t, ok := r.things[name]
	if !ok {
		return nil
	}
	if expectedVersion != nil && *expectedVersion != t.Version {
		return errorf(VersionConflict, "The version for thing %s does not match the expected version.", name)
	}
	if len(r.thingPrincipals[name]) > 0 {
		return errorf(InvalidRequest, "Cannot delete. Thing %s is still attached to one or more principals", name)
	}
	for _, g := range slices.Sorted(maps.Keys(t.groups)) {
		delete(r.groups[g].things, name)
		// The membership ends with the thing: its removed event, with the
		// membershipId it joined with (UNCONFIRMED that AWS sends it).
		r.membershipEventLocked(r.groups[g], t, "removed")
	}
	delete(r.things, name)
	r.thingEventLocked(t, "deleted")
	r.dropFromBillingLocked(name)
	return nil
}

// ListThingsInput filters and pages ListThings.
type ListThingsInput struct {
	MaxResults              int // 1–250; 0 means the default
	NextToken               string
	AttributeName           string
	AttributeValue          string
	UsePrefixAttributeValue bool
	ThingTypeName           string
}

// ListThings lists things by name, filtered by attribute and thing type.
// AWS: apireference/API_ListThings.html.
func (r *Registry) ListThings(in ListThingsInput) ([]Thing, string, error) {
	if in.AttributeValue != "" && in.AttributeName == "" {
		// Message UNCONFIRMED.
		return nil, "", errorf(InvalidRequest, "attributeValue requires attributeName")
	}
	r.mu.RLock()
	var all []Thing
	for _, t := range r.things {
		if in.ThingTypeName != "" && t.TypeName != in.ThingTypeName {
			continue
		}
		if in.AttributeName != "" && !attributeMatches(t.Attributes, in) {
			continue
		}
		all = append(all, t.snapshot())
	}
	r.mu.RUnlock()
	slices.SortFunc(all, func(a, b Thing) int { return strings.Compare(a.Name, b.Name) })
	return pageOf(all, func(t Thing) string { return t.Name }, in.NextToken, in.MaxResults, false)
}

func attributeMatches(attrs map[string]string, in ListThingsInput) bool {
	v, ok := attrs[in.AttributeName]
	switch {
	case !ok:
		return false
	case in.AttributeValue == "":
		return true
	case in.UsePrefixAttributeValue:
		return strings.HasPrefix(v, in.AttributeValue)
	default:
		return v == in.AttributeValue
	}
}
