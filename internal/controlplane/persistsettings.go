package controlplane

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/iotemu/iotemu/internal/statedoc"
)

// settingsSnapshotVersion is the layout of SnapshotSettings' document;
// RestoreSettings refuses another one.
const settingsSnapshotVersion = 1

// settingsState is what the control plane keeps itself: domain
// configurations and the logging options (v1, v2 and the v2 log levels).
type settingsState struct {
	Version int               `json:"version"`
	Domains []storedDomain    `json:"domainConfigurations,omitempty"`
	V1      v1Options         `json:"loggingOptions"`
	V2      *v2Options        `json:"v2LoggingOptions,omitempty"`
	Levels  []logTargetConfig `json:"v2LogLevels,omitempty"`
}

type storedDomain struct {
	domainConfig
	ValidationCertificateArn string `json:"validationCertificateArn,omitempty"`
}

// SnapshotSettings encodes the domain configurations and logging options
// for the data directory.
func (c *ControlPlane) SnapshotSettings() ([]byte, error) {
	doc := settingsState{Version: settingsSnapshotVersion}
	c.domains.mu.Lock()
	for _, name := range slices.Sorted(maps.Keys(c.domains.m)) {
		d := c.domains.m[name]
		doc.Domains = append(doc.Domains, storedDomain{domainConfig: *d, ValidationCertificateArn: d.validationCertificateArn})
	}
	raw, err := c.encodeLogging(&doc)
	c.domains.mu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("control plane settings snapshot: %w", err)
	}
	return raw, nil
}

// encodeLogging adds the logging options to doc and encodes it (the
// domain configurations' lock held: their values are shared).
func (c *ControlPlane) encodeLogging(doc *settingsState) ([]byte, error) {
	c.logging.mu.Lock()
	defer c.logging.mu.Unlock()
	doc.V1, doc.V2 = c.logging.v1, c.logging.v2
	for t, l := range c.logging.levels {
		doc.Levels = append(doc.Levels, logTargetConfig{LogTarget: t, LogLevel: l})
	}
	slices.SortFunc(doc.Levels, func(a, b logTargetConfig) int {
		return cmp.Or(cmp.Compare(a.LogTarget.TargetType, b.LogTarget.TargetType), cmp.Compare(a.LogTarget.TargetName, b.LogTarget.TargetName))
	})
	return json.Marshal(doc) //nolint:wrapcheck // the caller wraps it
}

// RestoreSettings replaces the domain configurations and logging options
// with a SnapshotSettings'; bad JSON, another version, a domain
// configuration without a name or a log target AWS would refuse is
// refused, and nothing changes.
func (c *ControlPlane) RestoreSettings(raw []byte) error {
	var doc settingsState
	if err := statedoc.Decode("control plane settings", raw, settingsSnapshotVersion, &doc); err != nil {
		return err
	}
	domains := make(map[string]*domainConfig, len(doc.Domains))
	for _, sd := range doc.Domains {
		if sd.Name == "" {
			return errors.New("control plane settings restore: a domain configuration without a name")
		}
		d := sd.domainConfig
		d.validationCertificateArn = sd.ValidationCertificateArn
		domains[d.Name] = &d
	}
	levels := make(map[logTarget]string, len(doc.Levels))
	for _, l := range doc.Levels {
		if err := checkTarget(l.LogTarget, "logTarget"); err != nil {
			return fmt.Errorf("control plane settings restore: %w", err)
		}
		levels[l.LogTarget] = l.LogLevel
	}
	c.domains.mu.Lock()
	c.domains.m = domains
	c.domains.mu.Unlock()
	c.logging.mu.Lock()
	c.logging.v1, c.logging.v2, c.logging.levels = doc.V1, doc.V2, levels
	c.logging.mu.Unlock()
	return nil
}
