package registry

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/iotemu/iotemu/internal/awsid"
)

// Billing groups: groups for cost allocation and tagging; they have no
// hierarchy and do not affect policies. A thing is in at most one billing
// group, and adding it to another moves it (UNCONFIRMED,
// docs/compatibility.md).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/tagging-iot-billing-groups.html#tagging-iot-billing-groups

// BillingGroup is a billing group.
type BillingGroup struct {
	Name         string
	ID           string
	ARN          string
	Description  string
	CreationDate time.Time
	Version      int64
}

type billingGroup struct {
	BillingGroup
	things map[string]bool
}

// BillingGroupARN is the ARN of a billing group: ...:billinggroup/{name}.
func (r *Registry) BillingGroupARN(name string) string { return r.arn("billinggroup/" + name) }

func billingNotFound(name string) *Error {
	return errorf(ResourceNotFound, "Billing Group %s does not exist", name) // message UNCONFIRMED
}

// CreateBillingGroup creates a billing group, version 1; the same name
// with the same description returns it, another description fails.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateBillingGroup.html#API_CreateBillingGroup_RequestSyntax
func (r *Registry) CreateBillingGroup(name, description string) (BillingGroup, error) {
	if err := validName("billingGroupName", name); err != nil {
		return BillingGroup{}, err
	}
	if err := validDescription("billingGroupDescription", description); err != nil {
		return BillingGroup{}, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if old, ok := r.billing[name]; ok {
		if old.Description == description {
			return old.BillingGroup, nil
		}
		return BillingGroup{}, alreadyExists(old.ID, old.ARN, "Billing Group %s already exists", name)
	}
	b := &billingGroup{BillingGroup{Name: name, ID: awsid.NewUUID(), ARN: r.BillingGroupARN(name),
		Description: description, CreationDate: r.now(), Version: 1}, map[string]bool{}}
	r.billing[name] = b
	return b.BillingGroup, nil
}

// DescribeBillingGroup returns a billing group.
func (r *Registry) DescribeBillingGroup(name string) (BillingGroup, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	b, ok := r.billing[name]
	if !ok {
		return BillingGroup{}, billingNotFound(name)
	}
	return b.BillingGroup, nil
}

// UpdateBillingGroup changes the description and returns the new version.
func (r *Registry) UpdateBillingGroup(name, description string, expectedVersion *int64) (int64, error) {
	if err := validDescription("billingGroupDescription", description); err != nil {
		return 0, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	b, ok := r.billing[name]
	if !ok {
		return 0, billingNotFound(name)
	}
	if expectedVersion != nil && *expectedVersion != b.Version {
		return 0, errorf(VersionConflict, "The version for billing group %s does not match the expected version.", name)
	}
	b.Description = description
	b.Version++
	return b.Version, nil
}

// DeleteBillingGroup deletes a billing group; a missing one is not an
// error (DeleteBillingGroup models no ResourceNotFoundException).
func (r *Registry) DeleteBillingGroup(name string, expectedVersion *int64) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	b, ok := r.billing[name]
	if !ok {
		return nil
	}
	if expectedVersion != nil && *expectedVersion != b.Version {
		return errorf(VersionConflict, "The version for billing group %s does not match the expected version.", name)
	}
	delete(r.billing, name)
	return nil
}

// ListBillingGroups lists billing groups by name.
func (r *Registry) ListBillingGroups(prefix, token string, max int) ([]BillingGroup, string, error) {
	r.mu.RLock()
	var all []BillingGroup
	for _, b := range r.billing {
		if strings.HasPrefix(b.Name, prefix) {
			all = append(all, b.BillingGroup)
		}
	}
	r.mu.RUnlock()
	slices.SortFunc(all, func(a, b BillingGroup) int { return strings.Compare(a.Name, b.Name) })
	return pageOf(all, func(b BillingGroup) string { return b.Name }, token, max, false)
}

// AddThingToBillingGroup puts a thing in a billing group, taking it out of
// the one it was in.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_AddThingToBillingGroup.html#API_AddThingToBillingGroup_RequestSyntax
func (r *Registry) AddThingToBillingGroup(group, thingName string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	b, ok := r.billing[group]
	if !ok {
		return billingNotFound(group)
	}
	if _, ok := r.things[thingName]; !ok {
		return thingNotFound(thingName)
	}
	for _, o := range r.billing {
		delete(o.things, thingName)
	}
	b.things[thingName] = true
	return nil
}

// RemoveThingFromBillingGroup takes a thing out of a billing group.
func (r *Registry) RemoveThingFromBillingGroup(group, thingName string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	b, ok := r.billing[group]
	if !ok {
		return billingNotFound(group)
	}
	if _, ok := r.things[thingName]; !ok {
		return thingNotFound(thingName)
	}
	delete(b.things, thingName)
	return nil
}

// ListThingsInBillingGroup lists the names of a billing group's things.
func (r *Registry) ListThingsInBillingGroup(group, token string, max int) ([]string, string, error) {
	r.mu.RLock()
	b, ok := r.billing[group]
	if !ok {
		r.mu.RUnlock()
		return nil, "", billingNotFound(group)
	}
	names := slices.Sorted(maps.Keys(b.things))
	r.mu.RUnlock()
	return pageOf(names, func(s string) string { return s }, token, max, false)
}

// BillingGroupNameFromARN returns the name of a billing group ARN of this
// registry, or "".
func (r *Registry) BillingGroupNameFromARN(arn string) string {
	name, _ := strings.CutPrefix(arn, r.arn("billinggroup/"))
	if name == arn {
		return ""
	}
	return name
}

// dropFromBillingLocked removes a deleted thing from its billing group.
func (r *Registry) dropFromBillingLocked(thingName string) {
	for _, b := range r.billing {
		delete(b.things, thingName)
	}
}
