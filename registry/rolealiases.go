package registry

import (
	"regexp"
	"slices"
	"strings"
	"time"
)

// Role aliases: the names devices use to get credentials for an IAM role
// from the credentials provider.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateRoleAlias.html#API_CreateRoleAlias_RequestSyntax
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/authorizing-direct-aws.html#authorizing-direct-aws

// RoleAlias is one role alias.
type RoleAlias struct {
	Alias, ARN, RoleARN, Owner string
	CredentialDurationSeconds  int
	CreationDate               time.Time
	LastModifiedDate           time.Time
}

// Role alias bounds. AWS: BC-IOT RoleAlias ([\w=,@-]+, 1–128), RoleArn
// (20–2048), CredentialDurationSeconds (900–43200, default 3600).
const (
	DefaultCredentialDuration = 3600
	MinCredentialDuration     = 900
	MaxCredentialDuration     = 43200
)

var (
	roleAliasPattern = regexp.MustCompile(`^[\w=,@-]{1,128}$`)
	roleARNPattern   = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:role/.+$`)
)

// RoleAliasARN is the ARN of a role alias (rolealias/{alias}).
func (r *Registry) RoleAliasARN(alias string) string { return r.arn("rolealias/" + alias) }

func validRoleAlias(alias string) error {
	if !roleAliasPattern.MatchString(alias) {
		return invalidMember("roleAlias", alias, `[\w=,@-]+`, 1, 128)
	}
	return nil
}

func validRoleInput(roleARN string, duration int) error {
	if len(roleARN) < 20 || len(roleARN) > 2048 || !roleARNPattern.MatchString(roleARN) {
		// Message UNCONFIRMED: AWS checks the role exists in IAM, which
		// iotemu does not model; it only checks the ARN's shape.
		return errorf(InvalidRequest, "Invalid roleArn: %s", roleARN)
	}
	if duration < MinCredentialDuration || duration > MaxCredentialDuration {
		return errorf(InvalidRequest, "1 validation error detected: Value '%d' at 'credentialDurationSeconds' failed to satisfy constraint: Member must have value between %d and %d", duration, MinCredentialDuration, MaxCredentialDuration)
	}
	return nil
}

func roleAliasNotFound(alias string) *Error {
	return errorf(ResourceNotFound, "Role alias %s does not exist", alias) // message UNCONFIRMED
}

// CreateRoleAlias creates a role alias; duration 0 is the default 3600.
// An existing alias is a ResourceAlreadyExistsException (moto's message).
func (r *Registry) CreateRoleAlias(alias, roleARN string, duration int) (RoleAlias, error) {
	if duration == 0 {
		duration = DefaultCredentialDuration
	}
	if err := validRoleAlias(alias); err != nil {
		return RoleAlias{}, err
	}
	if err := validRoleInput(roleARN, duration); err != nil {
		return RoleAlias{}, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if a, ok := r.roleAliases[alias]; ok {
		return RoleAlias{}, alreadyExists(a.Alias, a.ARN, "RoleAlias cannot be created - already exists (name=%s)", alias)
	}
	now := r.now()
	a := &RoleAlias{Alias: alias, ARN: r.RoleAliasARN(alias), RoleARN: roleARN, Owner: r.cfg.AccountID,
		CredentialDurationSeconds: duration, CreationDate: now, LastModifiedDate: now}
	r.roleAliases[alias] = a
	return *a, nil
}

// DescribeRoleAlias returns a role alias.
func (r *Registry) DescribeRoleAlias(alias string) (RoleAlias, error) {
	if err := validRoleAlias(alias); err != nil {
		return RoleAlias{}, err
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	a, ok := r.roleAliases[alias]
	if !ok {
		return RoleAlias{}, roleAliasNotFound(alias)
	}
	return *a, nil
}

// UpdateRoleAlias changes the role and/or the duration ("" and 0 keep
// them).
func (r *Registry) UpdateRoleAlias(alias, roleARN string, duration int) (RoleAlias, error) {
	if err := validRoleAlias(alias); err != nil {
		return RoleAlias{}, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	a, ok := r.roleAliases[alias]
	if !ok {
		return RoleAlias{}, roleAliasNotFound(alias)
	}
	n := *a
	if roleARN != "" {
		n.RoleARN = roleARN
	}
	if duration != 0 {
		n.CredentialDurationSeconds = duration
	}
	if err := validRoleInput(n.RoleARN, n.CredentialDurationSeconds); err != nil {
		return RoleAlias{}, err
	}
	n.LastModifiedDate = r.now()
	*a = n
	return n, nil
}

// DeleteRoleAlias deletes a role alias.
func (r *Registry) DeleteRoleAlias(alias string) error {
	if err := validRoleAlias(alias); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.roleAliases[alias]; !ok {
		return roleAliasNotFound(alias)
	}
	delete(r.roleAliases, alias)
	return nil
}

// ListRoleAliases returns the aliases in alphabetical order (descending
// unless ascending: the model's "ascending alphabetical order" flag).
func (r *Registry) ListRoleAliases(marker string, pageSize int, ascending bool) ([]string, string, error) {
	r.mu.RLock()
	names := make([]string, 0, len(r.roleAliases))
	for n := range r.roleAliases {
		names = append(names, n)
	}
	r.mu.RUnlock()
	slices.Sort(names)
	if !ascending {
		slices.Reverse(names)
	}
	return pageOf(names, func(s string) string { return s }, marker, pageSize, !ascending)
}

// RoleAliasFromARN returns the alias of a role alias ARN of this registry,
// or "".
func (r *Registry) RoleAliasFromARN(arn string) string {
	a, _ := strings.CutPrefix(arn, r.arn("rolealias/"))
	if a == arn {
		return ""
	}
	return a
}
