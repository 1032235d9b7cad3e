package registry

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/iotemu/iotemu/internal/statedoc"
)

// snapshotVersion is the layout of Snapshot's document; Restore refuses
// another one.
const snapshotVersion = 1

// state is the registry's whole content as Snapshot writes it. A new kind
// of resource adds a member here (omitempty keeps old snapshots readable)
// and its two lines in Snapshot and Restore.
type state struct {
	Version  int                                      `json:"version"`
	Seq      int64                                    `json:"seq"`
	Things   []storedThing                            `json:"things,omitempty"`
	Types    []ThingType                              `json:"types,omitempty"`
	Groups   []storedGroup                            `json:"groups,omitempty"`
	Certs    []storedCert                             `json:"certs,omitempty"`
	Policies []storedPolicy                           `json:"policies,omitempty"`
	Billing  []storedBilling                          `json:"billing,omitempty"`
	Targets  map[string][]string                      `json:"targets,omitempty"` // policy target -> policy names
	Princ    map[string]map[string]ThingPrincipalType `json:"thingPrincipals,omitempty"`
	Aliases  []RoleAlias                              `json:"roleAliases,omitempty"`
	CACerts  []storedCACert                           `json:"caCertificates,omitempty"`
	RegCode  string                                   `json:"registrationCode,omitempty"`
}

// storedCACert is a registered CA certificate without its parsed X509.
type storedCACert struct {
	CACertificate
	X509 *struct{} `json:"X509,omitempty"` // shadows the embedded field: never written
	Seq  int64
}

type storedThing struct {
	Thing
	Groups []string `json:"groups,omitempty"`
}

type storedGroup struct {
	ThingGroup
	Things []string `json:"things,omitempty"`
}

type storedBilling struct {
	BillingGroup
	Things []string `json:"things,omitempty"`
}

// storedCert leaves out the parsed X509 (Restore parses the PEM again).
type storedCert struct {
	ID               string
	ARN              string
	Status           CertificateStatus
	PEM              string
	CACertificateID  string `json:",omitempty"`
	Mode             string `json:",omitempty"`
	OwnedBy          string `json:",omitempty"`
	CreationDate     time.Time
	LastModifiedDate time.Time
	GenerationID     string `json:",omitempty"`
	CustomerVersion  int
	Seq              int64
}

type storedPolicy struct {
	Name         string
	ARN          string
	Seq          int64
	Created      time.Time
	Versions     []*PolicyVersion
	DefaultID    string
	LastVersion  int
	GenerationID string
}

func setKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func keySet(keys []string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}

// Snapshot encodes the whole registry (things, types, groups, billing
// groups, certificates, policies and their versions, attachments) for the
// data directory. It takes the read lock, so it is consistent.
func (r *Registry) Snapshot() ([]byte, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	st := state{Version: snapshotVersion, Seq: r.seq, Targets: map[string][]string{}, Princ: map[string]map[string]ThingPrincipalType{}}
	for _, t := range r.things {
		st.Things = append(st.Things, storedThing{Thing: t.Thing, Groups: setKeys(t.groups)})
	}
	for _, t := range r.types {
		st.Types = append(st.Types, t.ThingType)
	}
	for _, g := range r.groups {
		st.Groups = append(st.Groups, storedGroup{ThingGroup: g.ThingGroup, Things: setKeys(g.things)})
	}
	for _, b := range r.billing {
		st.Billing = append(st.Billing, storedBilling{BillingGroup: b.BillingGroup, Things: setKeys(b.things)})
	}
	for _, c := range r.certs {
		st.Certs = append(st.Certs, storedCert{
			ID: c.ID, ARN: c.ARN, Status: c.Status, PEM: c.PEM, CACertificateID: c.CACertificateID, Mode: c.Mode,
			OwnedBy: c.OwnedBy, CreationDate: c.CreationDate, LastModifiedDate: c.LastModifiedDate,
			GenerationID: c.GenerationID, CustomerVersion: c.CustomerVersion, Seq: c.seq,
		})
	}
	for _, p := range r.policies {
		st.Policies = append(st.Policies, storedPolicy{
			Name: p.name, ARN: p.arn, Seq: p.seq, Created: p.created, Versions: p.versions, DefaultID: p.defaultID,
			LastVersion: p.lastVersion, GenerationID: p.generationID,
		})
	}
	for target, names := range r.targets {
		st.Targets[target] = setKeys(names)
	}
	for thing, ps := range r.thingPrincipals {
		st.Princ[thing] = maps.Clone(ps)
	}
	for _, a := range r.roleAliases {
		st.Aliases = append(st.Aliases, *a)
	}
	for _, c := range r.caCerts {
		st.CACerts = append(st.CACerts, storedCACert{CACertificate: c.snapshot(), Seq: c.seq})
	}
	st.RegCode = r.regCode
	raw, err := json.Marshal(st)
	if err != nil {
		return nil, fmt.Errorf("registry snapshot: %w", err)
	}
	return raw, nil
}

// Restore replaces the registry's content with a Snapshot's. It refuses
// (and leaves the registry as it was) a document it cannot read whole:
// bad JSON, another snapshot version, an unparsable certificate.
func (r *Registry) Restore(raw []byte) error {
	var st state
	if err := statedoc.Decode("registry", raw, snapshotVersion, &st); err != nil {
		return err
	}
	things := make(map[string]*thing, len(st.Things))
	for _, t := range st.Things {
		if t.Name == "" {
			return errors.New("registry restore: a thing without a name")
		}
		things[t.Name] = &thing{Thing: t.Thing, groups: keySet(t.Groups)}
	}
	types := make(map[string]*thingType, len(st.Types))
	for _, t := range st.Types {
		types[t.Name] = &thingType{ThingType: t}
	}
	groups := make(map[string]*thingGroup, len(st.Groups))
	for _, g := range st.Groups {
		groups[g.Name] = &thingGroup{ThingGroup: g.ThingGroup, things: keySet(g.Things)}
	}
	billing := make(map[string]*billingGroup, len(st.Billing))
	for _, b := range st.Billing {
		billing[b.Name] = &billingGroup{BillingGroup: b.BillingGroup, things: keySet(b.Things)}
	}
	certs := make(map[string]*certificate, len(st.Certs))
	for _, c := range st.Certs {
		x, perr := parsePEMCertificate(c.PEM)
		if perr != nil {
			return fmt.Errorf("registry restore: certificate %s: %w", c.ID, perr)
		}
		certs[c.ID] = &certificate{Certificate: Certificate{
			ID: c.ID, ARN: c.ARN, Status: c.Status, PEM: c.PEM, CACertificateID: c.CACertificateID, Mode: c.Mode,
			OwnedBy: c.OwnedBy, CreationDate: c.CreationDate, LastModifiedDate: c.LastModifiedDate,
			GenerationID: c.GenerationID, CustomerVersion: c.CustomerVersion, X509: x,
		}, seq: c.Seq}
	}
	policies := make(map[string]*policy, len(st.Policies))
	for _, p := range st.Policies {
		pol := &policy{
			name: p.Name, arn: p.ARN, seq: p.Seq, created: p.Created, defaultID: p.DefaultID,
			lastVersion: p.LastVersion, generationID: p.GenerationID,
		}
		for _, v := range p.Versions {
			if v != nil {
				pol.versions = append(pol.versions, v)
			}
		}
		if pol.version(pol.defaultID) == nil {
			return fmt.Errorf("registry restore: policy %s has no default version %q", p.Name, p.DefaultID)
		}
		policies[p.Name] = pol
	}
	targets := make(map[string]map[string]bool, len(st.Targets))
	for target, names := range st.Targets {
		targets[target] = keySet(names)
	}
	thingPrincipals := make(map[string]map[string]ThingPrincipalType, len(st.Princ))
	principalThings := map[string]map[string]ThingPrincipalType{}
	for thingName, ps := range st.Princ {
		thingPrincipals[thingName] = maps.Clone(ps)
		for p, typ := range ps {
			if principalThings[p] == nil {
				principalThings[p] = map[string]ThingPrincipalType{}
			}
			principalThings[p][thingName] = typ
		}
	}

	aliases := make(map[string]*RoleAlias, len(st.Aliases))
	for _, a := range st.Aliases {
		aliases[a.Alias] = &a
	}
	caCerts := make(map[string]*caCertificate, len(st.CACerts))
	for _, c := range st.CACerts {
		x, perr := parsePEMCertificate(c.PEM)
		if perr != nil {
			return fmt.Errorf("registry restore: CA certificate %s: %w", c.ID, perr)
		}
		cc := c.CACertificate
		cc.X509 = x
		caCerts[c.ID] = &caCertificate{CACertificate: cc, seq: c.Seq}
	}

	r.mu.Lock()
	r.roleAliases, r.caCerts, r.regCode = aliases, caCerts, st.RegCode
	r.caGen++ // TrustedCAs' cached pool is rebuilt
	r.seq = st.Seq
	r.things, r.types, r.groups, r.billing = things, types, groups, billing
	r.certs, r.policies, r.targets = certs, policies, targets
	r.thingPrincipals, r.principalThings = thingPrincipals, principalThings
	for name := range things {
		r.touchLocked(ThingChanged, name)
	}
	for name := range groups {
		r.touchLocked(ThingGroupChanged, name)
	}
	r.mu.Unlock()
	r.flush() // the observer (the fleet index) learns the restored things and groups
	return nil
}

// Generation moves whenever the registry may have changed (every write
// takes its lock): the data directory encodes a new Snapshot only then.
func (r *Registry) Generation() uint64 { return r.mu.Generation() }
