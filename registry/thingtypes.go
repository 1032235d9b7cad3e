package registry

import (
	"slices"
	"strings"
	"time"

	"github.com/iotemu/iotemu/internal/awsid"
)

// MaxSearchableAttributes bounds ThingTypeProperties.searchableAttributes.
// AWS: CloudFormation AWS::IoT::ThingType ThingTypeProperties
// ("SearchableAttributes ... Maximum: 3").
const MaxSearchableAttributes = 3

// DeprecationDelay is how long a thing type stays deprecated before it can
// be deleted. AWS: thing-types.html#delete-thing-type ("you must wait five
// minutes after you deprecate the thing type before deleting it").
const DeprecationDelay = 5 * time.Minute

// ThingType is a thing type.
type ThingType struct {
	Name                 string
	ID                   string
	ARN                  string
	Description          string
	SearchableAttributes []string
	CreationDate         time.Time
	Deprecated           bool
	DeprecationDate      time.Time // zero unless deprecated
}

type thingType struct{ ThingType }

func (t *thingType) snapshot() ThingType {
	c := t.ThingType
	c.SearchableAttributes = slices.Clone(t.SearchableAttributes)
	return c
}

// CreateThingTypeInput is CreateThingType's request.
type CreateThingTypeInput struct {
	Name                 string
	Description          string
	SearchableAttributes []string
}

// CreateThingType creates a thing type; creating it again with the same
// properties returns it (UNCONFIRMED, as CreateThing does).
func (r *Registry) CreateThingType(in CreateThingTypeInput) (ThingType, error) {
	if err := validName("thingTypeName", in.Name); err != nil {
		return ThingType{}, err
	}
	if err := validDescription("thingTypeDescription", in.Description); err != nil {
		return ThingType{}, err
	}
	if len(in.SearchableAttributes) > MaxSearchableAttributes {
		return ThingType{}, errorf(InvalidRequest, "A thing type can have at most %d searchable attributes", MaxSearchableAttributes)
	}
	for _, a := range in.SearchableAttributes {
		if err := validAttributes(map[string]string{a: ""}); err != nil {
			return ThingType{}, err
		}
	}
	defer r.flush()
	r.mu.Lock()
	defer r.mu.Unlock()
	if old, ok := r.types[in.Name]; ok {
		if old.Description == in.Description && slices.Equal(old.SearchableAttributes, in.SearchableAttributes) {
			return old.snapshot(), nil
		}
		return ThingType{}, alreadyExists(old.ID, old.ARN, "Thing type %s already exists", in.Name)
	}
	t := &thingType{ThingType{
		Name: in.Name, ID: awsid.NewUUID(), ARN: r.ThingTypeARN(in.Name), Description: in.Description,
		SearchableAttributes: slices.Clone(in.SearchableAttributes), CreationDate: r.now(),
	}}
	r.types[in.Name] = t
	r.thingTypeEventLocked(t, "created")
	return t.snapshot(), nil
}

// DescribeThingType returns a thing type.
func (r *Registry) DescribeThingType(name string) (ThingType, error) {
	if err := validName("thingTypeName", name); err != nil {
		return ThingType{}, err
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	t, ok := r.types[name]
	if !ok {
		return ThingType{}, typeNotFound(name)
	}
	return t.snapshot(), nil
}

func typeNotFound(name string) *Error {
	return errorf(ResourceNotFound, "Thing type %s does not exist", name) // message UNCONFIRMED
}

// DeprecateThingType deprecates a thing type, or undoes it.
// AWS: apireference/API_DeprecateThingType.html.
func (r *Registry) DeprecateThingType(name string, undo bool) error {
	if err := validName("thingTypeName", name); err != nil {
		return err
	}
	defer r.flush()
	r.mu.Lock()
	defer r.mu.Unlock()
	t, ok := r.types[name]
	if !ok {
		return typeNotFound(name)
	}
	t.Deprecated = !undo
	t.DeprecationDate = time.Time{}
	if !undo {
		t.DeprecationDate = r.now()
	}
	r.thingTypeEventLocked(t, "updated")
	return nil
}

// DeleteThingType deletes a thing type that has been deprecated for
// DeprecationDelay and that no thing uses.
// AWS: thing-types.html#delete-thing-type. Messages UNCONFIRMED.
func (r *Registry) DeleteThingType(name string) error {
	if err := validName("thingTypeName", name); err != nil {
		return err
	}
	defer r.flush()
	r.mu.Lock()
	defer r.mu.Unlock()
	t, ok := r.types[name]
	if !ok {
		return typeNotFound(name)
	}
	if !t.Deprecated {
		return errorf(InvalidRequest, "Thing type %s must be deprecated before it can be deleted", name)
	}
	if r.now().Sub(t.DeprecationDate) < DeprecationDelay {
		return errorf(InvalidRequest, "Thing type %s can be deleted only 5 minutes after it was deprecated", name)
	}
	for _, th := range r.things {
		if th.TypeName == name {
			return errorf(InvalidRequest, "Thing type %s is still associated with one or more things", name)
		}
	}
	delete(r.types, name)
	r.thingTypeEventLocked(t, "deleted")
	return nil
}

// ListThingTypes lists thing types by name; typeName keeps only that one.
func (r *Registry) ListThingTypes(typeName, token string, max int) ([]ThingType, string, error) {
	r.mu.RLock()
	var all []ThingType
	for _, t := range r.types {
		if typeName == "" || t.Name == typeName {
			all = append(all, t.snapshot())
		}
	}
	r.mu.RUnlock()
	slices.SortFunc(all, func(a, b ThingType) int { return strings.Compare(a.Name, b.Name) })
	return pageOf(all, func(t ThingType) string { return t.Name }, token, max, false)
}
