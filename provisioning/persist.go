package provisioning

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/iotemu/iotemu/internal/statedoc"
)

// snapshotVersion is the layout of Snapshot's document; Restore refuses
// another one.
const snapshotVersion = 1

// serviceState is the service as the data directory keeps it: templates
// with every version's body (parsed again on restore), the certificate
// ownership tokens not yet used and the provisioning claims, so that a
// device between CreateKeysAndCertificate and RegisterThing may go on
// after a restart.
type serviceState struct {
	Version   int              `json:"version"`
	Seq       int64            `json:"seq"`
	Templates []storedTemplate `json:"templates,omitempty"`
	Tokens    []storedToken    `json:"tokens,omitempty"`
	Claims    []storedClaim    `json:"claims,omitempty"`
}

type storedTemplate struct {
	Name           string          `json:"name"`
	ARN            string          `json:"arn"`
	Description    string          `json:"description,omitempty"`
	Created        time.Time       `json:"created"`
	Modified       time.Time       `json:"modified"`
	Enabled        bool            `json:"enabled,omitempty"`
	RoleARN        string          `json:"roleArn,omitempty"`
	Hook           *Hook           `json:"hook,omitempty"`
	Type           string          `json:"type,omitempty"`
	Versions       []storedVersion `json:"versions"`
	NextVersion    int             `json:"nextVersion"`
	DefaultVersion int             `json:"defaultVersion"`
	Seq            int64           `json:"seq"`
}

type storedVersion struct {
	ID      int       `json:"id"`
	Body    string    `json:"body"`
	Created time.Time `json:"created"`
}

type storedToken struct {
	Token   string    `json:"token"`
	CertID  string    `json:"certificateId"`
	Issued  time.Time `json:"issued"`
	ClaimID string    `json:"claimCertificateId,omitempty"`
}

type storedClaim struct {
	CertID   string    `json:"certificateId"`
	Template string    `json:"template"`
	Expires  time.Time `json:"expires"`
}

// Snapshot encodes the templates, tokens and claims for the data
// directory, in a stable order.
func (s *Service) Snapshot() ([]byte, error) {
	s.mu.Lock()
	doc := serviceState{Version: snapshotVersion, Seq: s.seq}
	for _, t := range s.templates {
		st := storedTemplate{
			Name: t.name, ARN: t.arn, Description: t.description, Created: t.created, Modified: t.modified,
			Enabled: t.enabled, RoleARN: t.roleARN, Hook: t.hook, Type: t.typ, NextVersion: t.nextVersion,
			DefaultVersion: t.defaultVersion, Seq: t.seq,
		}
		for _, v := range t.versions {
			st.Versions = append(st.Versions, storedVersion{ID: v.id, Body: v.body, Created: v.created})
		}
		doc.Templates = append(doc.Templates, st)
	}
	for tok, o := range s.tokens {
		doc.Tokens = append(doc.Tokens, storedToken{Token: tok, CertID: o.certID, Issued: o.issued, ClaimID: o.claimID})
	}
	for id, c := range s.claims {
		doc.Claims = append(doc.Claims, storedClaim{CertID: id, Template: c.template, Expires: c.expires})
	}
	raw, err := json.Marshal(doc.sorted()) // under the lock: the hooks are shared with the live templates
	s.mu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("provisioning snapshot: %w", err)
	}
	return raw, nil
}

func (st serviceState) sorted() serviceState {
	slices.SortFunc(st.Templates, func(a, b storedTemplate) int { return cmp.Compare(a.Name, b.Name) })
	slices.SortFunc(st.Tokens, func(a, b storedToken) int { return cmp.Compare(a.Token, b.Token) })
	slices.SortFunc(st.Claims, func(a, b storedClaim) int { return cmp.Compare(a.CertID, b.CertID) })
	return st
}

// Restore replaces the service's content with a Snapshot's. It refuses
// (and leaves the service as it was) a document it cannot read whole: bad
// JSON, another version, a template without a name, whose versions do
// not parse or whose default version is missing.
func (s *Service) Restore(raw []byte) error {
	var doc serviceState
	if err := statedoc.Decode("provisioning", raw, snapshotVersion, &doc); err != nil {
		return err
	}
	templates := make(map[string]*template, len(doc.Templates))
	for _, st := range doc.Templates {
		t, err := loadTemplate(st)
		if err != nil {
			return fmt.Errorf("provisioning restore: %w", err)
		}
		if _, dup := templates[t.name]; dup {
			return fmt.Errorf("provisioning restore: template %s twice", t.name)
		}
		templates[t.name] = t
	}
	tokens := make(map[string]ownership, len(doc.Tokens))
	for _, o := range doc.Tokens {
		if o.Token == "" || o.CertID == "" {
			return errors.New("provisioning restore: an ownership token without a token or certificate")
		}
		tokens[o.Token] = ownership{certID: o.CertID, issued: o.Issued, claimID: o.ClaimID}
	}
	claims := make(map[string]claim, len(doc.Claims))
	for _, c := range doc.Claims {
		if c.CertID == "" {
			return errors.New("provisioning restore: a claim without a certificate")
		}
		claims[c.CertID] = claim{template: c.Template, expires: c.Expires}
	}
	s.mu.Lock()
	s.templates, s.tokens, s.claims, s.seq = templates, tokens, claims, doc.Seq
	s.mu.Unlock()
	return nil
}

func loadTemplate(st storedTemplate) (*template, error) {
	if st.Name == "" {
		return nil, errors.New("a template without a name")
	}
	t := &template{
		name: st.Name, arn: st.ARN, description: st.Description, created: st.Created, modified: st.Modified,
		enabled: st.Enabled, roleARN: st.RoleARN, hook: st.Hook, typ: st.Type, nextVersion: st.NextVersion,
		defaultVersion: st.DefaultVersion, seq: st.Seq,
	}
	for _, sv := range st.Versions {
		if n := len(t.versions); n > 0 && t.versions[n-1].id >= sv.ID {
			return nil, fmt.Errorf("template %s: versions out of order", st.Name)
		}
		body, err := ParseTemplateBody(sv.Body)
		if err != nil {
			return nil, fmt.Errorf("template %s version %d: %w", st.Name, sv.ID, err)
		}
		t.versions = append(t.versions, &version{id: sv.ID, body: sv.Body, parsed: body, created: sv.Created})
	}
	if t.version(t.defaultVersion) == nil {
		return nil, fmt.Errorf("template %s: no default version %d", st.Name, st.DefaultVersion)
	}
	if n := len(t.versions); t.nextVersion <= t.versions[n-1].id {
		return nil, fmt.Errorf("template %s: next version %d", st.Name, t.nextVersion)
	}
	return t, nil
}
