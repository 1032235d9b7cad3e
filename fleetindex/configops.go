package fleetindex

import (
	"reflect"
)

// UpdateIndexingConfiguration validates and applies a configuration. A
// member left out keeps its current value (UNCONFIRMED, see
// docs/compatibility.md "Fleet indexing"); managedFields in the request are ignored, since
// "You can't modify managed fields".
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_UpdateIndexingConfiguration.html#API_UpdateIndexingConfiguration_RequestSyntax
func (ix *Index) UpdateIndexingConfiguration(in IndexingConfiguration) error {
	in = in.clone()
	if t := in.ThingIndexingConfiguration; t != nil {
		t.ManagedFields = nil
		if err := validateThing(t); err != nil {
			return err
		}
	}
	if g := in.ThingGroupIndexingConfiguration; g != nil {
		g.ManagedFields = nil
		if err := validateGroup(g); err != nil {
			return err
		}
	}
	if err := ix.checkDisable(in.ThingIndexingConfiguration); err != nil {
		return err
	}
	ix.mu.Lock()
	now := ix.opts.Now()
	if t := in.ThingIndexingConfiguration; t != nil {
		old := ix.cfg.ThingIndexingConfiguration
		if t.ThingIndexingMode != ModeOff && !reflect.DeepEqual(old, t) {
			ix.thingSince, ix.thingRebuild = now, old.ThingIndexingMode != ModeOff
		}
		ix.cfg.ThingIndexingConfiguration = t
	}
	if g := in.ThingGroupIndexingConfiguration; g != nil {
		old := ix.cfg.ThingGroupIndexingConfiguration
		if g.ThingGroupIndexingMode == GroupModeOn && !reflect.DeepEqual(old, g) {
			ix.groupSince, ix.groupRebuild = now, old.ThingGroupIndexingMode == GroupModeOn
		}
		ix.cfg.ThingGroupIndexingConfiguration = g
	}
	ix.mu.Unlock()
	ix.changed("")
	return nil
}

// checkDisable asks Options.CanDisable before thing indexing goes OFF.
func (ix *Index) checkDisable(t *ThingIndexingConfiguration) error {
	if t == nil || t.ThingIndexingMode != ModeOff || ix.opts.CanDisable == nil {
		return nil
	}
	ix.mu.RLock()
	wasOn := ix.cfg.ThingIndexingConfiguration.ThingIndexingMode != ModeOff
	ix.mu.RUnlock()
	if !wasOn {
		return nil
	}
	if err := ix.opts.CanDisable(); err != nil {
		return errorf(InvalidRequest, "%s", err.Error())
	}
	return nil
}

// GetIndexingConfiguration returns the configuration with the managed
// fields of the enabled sources and the modes left out filled with OFF.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/managing-index.html#update-index-examples
func (ix *Index) GetIndexingConfiguration() IndexingConfiguration {
	ix.mu.RLock()
	out := ix.cfg.clone()
	ix.mu.RUnlock()
	t := out.ThingIndexingConfiguration
	if t.ThingConnectivityIndexingMode == "" {
		t.ThingConnectivityIndexingMode = ModeOff
	}
	if t.ThingIndexingMode != ModeOff {
		if t.DeviceDefenderIndexingMode == "" {
			t.DeviceDefenderIndexingMode = ModeOff
		}
		if t.NamedShadowIndexingMode == "" {
			t.NamedShadowIndexingMode = ModeOff
		}
		t.ManagedFields = thingManaged(t)
	}
	if g := out.ThingGroupIndexingConfiguration; g.ThingGroupIndexingMode == GroupModeOn {
		g.ManagedFields = append([]Field(nil), groupManaged...)
	}
	return out
}

// ThingIndexingConfiguration returns a copy of the thing index settings,
// for MatchDocument.
func (ix *Index) ThingIndexingConfiguration() ThingIndexingConfiguration {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return *ix.cfg.clone().ThingIndexingConfiguration
}
