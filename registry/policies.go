package registry

import (
	"slices"
	"strconv"
	"time"
)

// MaxPolicyVersions is how many versions a policy keeps.
// AWS: apireference/API_CreatePolicyVersion.html ("A managed policy can
// have up to five versions.").
const MaxPolicyVersions = 5

// maxPolicyDocLen is PolicyDocument's model length (0–404600); the
// semantic 2048-character limit belongs to ValidatePolicy.
const maxPolicyDocLen = 404600

// Policy is an IoT policy with its default version's document.
type Policy struct {
	Name             string
	ARN              string
	DefaultVersionID string
	Document         string
	CreationDate     time.Time
	LastModifiedDate time.Time
	GenerationID     string
}

// PolicyVersion is one version of a policy.
type PolicyVersion struct {
	PolicyName       string
	PolicyARN        string
	VersionID        string
	Document         string
	IsDefault        bool
	CreationDate     time.Time
	LastModifiedDate time.Time
	GenerationID     string
}

type policy struct {
	name, arn    string
	seq          int64
	created      time.Time
	versions     []*PolicyVersion // ascending version IDs
	defaultID    string
	lastVersion  int // version IDs are never reused
	generationID string
}

func (p *policy) version(id string) *PolicyVersion {
	for _, v := range p.versions {
		if v.VersionID == id {
			return v
		}
	}
	return nil
}

func (p *policy) snapshot() Policy {
	d := p.version(p.defaultID)
	return Policy{
		Name: p.name, ARN: p.arn, DefaultVersionID: p.defaultID, Document: d.Document,
		CreationDate: p.created, LastModifiedDate: d.LastModifiedDate, GenerationID: p.generationID,
	}
}

func (r *Registry) checkDocument(doc string) *Error {
	if len(doc) > maxPolicyDocLen {
		return invalidMember("policyDocument", "", `[\s\S]*`, 0, maxPolicyDocLen)
	}
	if err := r.cfg.ValidatePolicy(doc); err != nil {
		return errorf(MalformedPolicy, "%s", err.Error())
	}
	return nil
}

// CreatePolicy creates a policy whose version 1 is the default.
// AWS: apireference/API_CreatePolicy.html.
func (r *Registry) CreatePolicy(name, document string) (PolicyVersion, error) {
	if err := validPolicyName(name); err != nil {
		return PolicyVersion{}, err
	}
	if err := r.checkDocument(document); err != nil {
		return PolicyVersion{}, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if old, ok := r.policies[name]; ok {
		// Message UNCONFIRMED; a policy has no ID, so resourceId is its
		// name (UNCONFIRMED).
		return PolicyVersion{}, alreadyExists(name, old.arn, "Policy cannot be created - name already exists (name=%s)", name)
	}
	now := r.now()
	p := &policy{name: name, arn: r.PolicyARN(name), seq: r.nextSeq(), created: now, generationID: newGenerationID()}
	v := r.addVersionLocked(p, document)
	p.defaultID, v.IsDefault = v.VersionID, true
	r.policies[name] = p
	return *v, nil
}

func (r *Registry) addVersionLocked(p *policy, document string) *PolicyVersion {
	p.lastVersion++
	now := r.now()
	v := &PolicyVersion{
		PolicyName: p.name, PolicyARN: p.arn, VersionID: strconv.Itoa(p.lastVersion), Document: document,
		CreationDate: now, LastModifiedDate: now, GenerationID: newGenerationID(),
	}
	p.versions = append(p.versions, v)
	return v
}

func (r *Registry) policyLocked(name string) (*policy, error) {
	if err := validPolicyName(name); err != nil {
		return nil, err
	}
	p, ok := r.policies[name]
	if !ok {
		return nil, policyNotFound(name)
	}
	return p, nil
}

func policyNotFound(name string) *Error {
	return errorf(ResourceNotFound, "Policy not found (name=%s)", name) // message UNCONFIRMED
}

// GetPolicy returns a policy with its default version's document.
func (r *Registry) GetPolicy(name string) (Policy, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	p, err := r.policyLocked(name)
	if err != nil {
		return Policy{}, err
	}
	return p.snapshot(), nil
}

// DeletePolicy deletes a policy that has only its default version and no
// attachment. AWS: apireference/API_DeletePolicy.html; messages observed
// [I-rebuy-de/aws-nuke#374] and [I-rebuy-de/aws-nuke#320] (AWS's "than
// than" kept).
func (r *Registry) DeletePolicy(name string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	p, err := r.policyLocked(name)
	if err != nil {
		return err
	}
	for _, pols := range r.targets {
		if pols[name] {
			return errorf(DeleteConflict, "The policy cannot be deleted as the policy is attached to one or more principals (name=%s)", name)
		}
	}
	if len(p.versions) > 1 {
		return errorf(DeleteConflict, "The policy cannot be deleted as versions other than than default version exist (name=%s)", name)
	}
	delete(r.policies, name)
	return nil
}

// ListPolicies lists policies by creation, oldest first if ascending.
func (r *Registry) ListPolicies(marker string, pageSize int, ascending bool) ([]Policy, string, error) {
	r.mu.RLock()
	all := make([]*policy, 0, len(r.policies))
	for _, p := range r.policies {
		all = append(all, p)
	}
	snaps := map[*policy]Policy{}
	for _, p := range all {
		snaps[p] = p.snapshot()
	}
	r.mu.RUnlock()
	slices.SortFunc(all, func(a, b *policy) int {
		if ascending {
			return int(a.seq - b.seq)
		}
		return int(b.seq - a.seq)
	})
	page, next, err := pageOf(all, func(p *policy) string { return seqKey(p.seq) }, marker, pageSize, !ascending)
	if err != nil {
		return nil, "", err
	}
	out := make([]Policy, len(page))
	for i, p := range page {
		out[i] = snaps[p]
	}
	return out, next, nil
}
