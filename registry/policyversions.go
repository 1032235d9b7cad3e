package registry

import "fmt"

// CreatePolicyVersion adds a version, the default if setAsDefault.
// AWS: apireference/API_CreatePolicyVersion.html; message observed
// [I-pulumi/pulumi-aws-native#792].
func (r *Registry) CreatePolicyVersion(name, document string, setAsDefault bool) (PolicyVersion, error) {
	if err := validPolicyName(name); err != nil {
		return PolicyVersion{}, err
	}
	if err := r.checkDocument(document); err != nil {
		return PolicyVersion{}, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	p, err := r.policyLocked(name)
	if err != nil {
		return PolicyVersion{}, err
	}
	if len(p.versions) >= MaxPolicyVersions {
		return PolicyVersion{}, errorf(VersionsLimitExceeded, "The policy %s already has the maximum number of versions (%d)", name, MaxPolicyVersions)
	}
	v := r.addVersionLocked(p, document)
	if setAsDefault {
		r.setDefaultLocked(p, v)
	}
	return *v, nil
}

func (r *Registry) setDefaultLocked(p *policy, v *PolicyVersion) {
	if old := p.version(p.defaultID); old != nil {
		old.IsDefault = false
	}
	p.defaultID, v.IsDefault = v.VersionID, true
	v.LastModifiedDate = r.now()
}

func (r *Registry) versionLocked(name, id string) (*policy, *PolicyVersion, error) {
	p, err := r.policyLocked(name)
	if err != nil {
		return nil, nil, err
	}
	if !versionIDPattern.MatchString(id) {
		return nil, nil, invalidMember("policyVersionId", id, "[0-9]+", 1, 32)
	}
	v := p.version(id)
	if v == nil {
		return nil, nil, errorf(ResourceNotFound, "Policy version not found (name=%s, version=%s)", name, id) // UNCONFIRMED
	}
	return p, v, nil
}

// GetPolicyVersion returns one version.
func (r *Registry) GetPolicyVersion(name, id string) (PolicyVersion, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	_, v, err := r.versionLocked(name, id)
	if err != nil {
		return PolicyVersion{}, err
	}
	return *v, nil
}

// ListPolicyVersions returns every version, newest first (UNCONFIRMED
// order).
func (r *Registry) ListPolicyVersions(name string) ([]PolicyVersion, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	p, err := r.policyLocked(name)
	if err != nil {
		return nil, err
	}
	out := make([]PolicyVersion, 0, len(p.versions))
	for i := len(p.versions) - 1; i >= 0; i-- {
		out = append(out, *p.versions[i])
	}
	return out, nil
}

// SetDefaultPolicyVersion makes a version the default.
func (r *Registry) SetDefaultPolicyVersion(name, id string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	p, v, err := r.versionLocked(name, id)
	if err != nil {
		return err
	}
	r.setDefaultLocked(p, v)
	return nil
}

// DeletePolicyVersion deletes a version other than the default.
// AWS: apireference/API_DeletePolicyVersion.html; message as in moto's
// tests ("Cannot delete the default version of a policy", UNCONFIRMED).
func (r *Registry) DeletePolicyVersion(name, id string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	p, v, err := r.versionLocked(name, id)
	if err != nil {
		return err
	}
	if v.IsDefault {
		return errorf(DeleteConflict, "Cannot delete the default version of a policy")
	}
	for i, o := range p.versions {
		if o == v {
			p.versions = append(p.versions[:i], p.versions[i+1:]...)
			return nil
		}
	}
	return fmt.Errorf("delete policy version: version %s vanished", id) // unreachable: v came from p.versions
}
