package customauth

import (
	"crypto/rsa"
	"encoding/base64"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/iotemu/iotemu/internal/awsrest"
)

// The custom authorizers of the account and its default authorizer: the
// resources behind CreateAuthorizer and friends, read by Source.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/config-custom-auth.html#config-custom-auth
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateAuthorizer.html#API_CreateAuthorizer_RequestSyntax

// Authorizer statuses. AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_AuthorizerDescription.html#iot-Type-AuthorizerDescription-status
const (
	Active   = "ACTIVE"
	Inactive = "INACTIVE"
)

// Authorizer is one custom authorizer as DescribeAuthorizer shows it.
type Authorizer struct {
	Name        string
	ARN         string
	FunctionARN string // the authorizer's Lambda function (name or ARN)
	// TokenKeyName is the header, query parameter or username key the
	// token travels in; required when signing is enabled.
	TokenKeyName string
	// TokenSigningPublicKeys are PEM public keys (RSA ≥ 2048 bits) by key
	// name; the token's signature must verify with one of them unless
	// SigningDisabled.
	TokenSigningPublicKeys map[string]string
	SigningDisabled        bool
	Status                 string // Active or Inactive
	EnableCachingForHTTP   bool
	CreationDate           time.Time
	LastModifiedDate       time.Time

	keys []*rsa.PublicKey // parsed TokenSigningPublicKeys, in key-name order
}

// clone returns a copy sharing nothing mutable.
func (a *Authorizer) clone() *Authorizer {
	c := *a
	c.TokenSigningPublicKeys = maps.Clone(a.TokenSigningPublicKeys)
	c.keys = slices.Clone(a.keys)
	return &c
}

// Store holds the authorizers under one lock; values handed out are
// copies.
type Store struct {
	now func() time.Time
	arn func(name string) string

	mu    sync.RWMutex
	byKey map[string]*Authorizer
	def   string // the default authorizer's name, "" for none
}

// NewStore returns an empty store whose dates come from now and whose
// ARNs from arn.
func NewStore(now func() time.Time, arn func(name string) string) *Store {
	return &Store{now: now, arn: arn, byKey: map[string]*Authorizer{}}
}

func notFound(name string) *awsrest.Error {
	return awsrest.Errorf(http.StatusNotFound, awsrest.ResourceNotFound, "Authorizer %s does not exist", name)
}

// Create adds a validated authorizer (Status defaults to ACTIVE) and
// returns it with its ARN and dates; an existing name is a
// ResourceAlreadyExistsException (409).
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateAuthorizer.html#API_CreateAuthorizer_Errors
func (st *Store) Create(a *Authorizer) (*Authorizer, *awsrest.Error) {
	if a.Status == "" {
		a.Status = Active // UNCONFIRMED default (docs/compatibility.md)
	}
	if err := a.validate(); err != nil {
		return nil, err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if _, ok := st.byKey[a.Name]; ok {
		return nil, awsrest.Errorf(http.StatusConflict, "ResourceAlreadyExistsException", "Authorizer %s already exists", a.Name)
	}
	a.ARN = st.arn(a.Name)
	a.CreationDate = st.now()
	a.LastModifiedDate = a.CreationDate
	st.byKey[a.Name] = a.clone()
	return a, nil
}

// Get returns a copy of the named authorizer.
func (st *Store) Get(name string) (*Authorizer, *awsrest.Error) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	a, ok := st.byKey[name]
	if !ok {
		return nil, notFound(name)
	}
	return a.clone(), nil
}

// Update holds UpdateAuthorizer's optional members (nil: unchanged).
type Update struct {
	FunctionARN, TokenKeyName, Status *string
	TokenSigningPublicKeys            map[string]string
	EnableCachingForHTTP              *bool
}

// Update applies the present members and validates the result.
// signingDisabled cannot be updated.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_UpdateAuthorizer.html#API_UpdateAuthorizer_RequestSyntax
func (st *Store) Update(name string, u Update) (*Authorizer, *awsrest.Error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	cur, ok := st.byKey[name]
	if !ok {
		return nil, notFound(name)
	}
	a := cur.clone()
	setIf(&a.FunctionARN, u.FunctionARN)
	setIf(&a.TokenKeyName, u.TokenKeyName)
	setIf(&a.Status, u.Status)
	setIf(&a.EnableCachingForHTTP, u.EnableCachingForHTTP)
	if u.TokenSigningPublicKeys != nil {
		a.TokenSigningPublicKeys = maps.Clone(u.TokenSigningPublicKeys)
	}
	if err := a.validate(); err != nil {
		return nil, err
	}
	a.LastModifiedDate = st.now()
	st.byKey[name] = a
	return a.clone(), nil
}

// setIf sets *dst to *v when v is present.
func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// Delete removes an authorizer. An ACTIVE authorizer or the default one is
// a DeleteConflictException (409): UNCONFIRMED which conditions AWS names
// "attached to one or more resources" (docs/compatibility.md).
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_DeleteAuthorizer.html#API_DeleteAuthorizer_Errors
func (st *Store) Delete(name string) *awsrest.Error {
	st.mu.Lock()
	defer st.mu.Unlock()
	a, ok := st.byKey[name]
	switch {
	case !ok:
		return notFound(name)
	case a.Status == Active:
		return awsrest.Errorf(http.StatusConflict, "DeleteConflictException",
			"Authorizer %s is ACTIVE; set its status to INACTIVE before deleting it", name)
	case st.def == name:
		return awsrest.Errorf(http.StatusConflict, "DeleteConflictException",
			"Authorizer %s is the default authorizer; clear the default before deleting it", name)
	}
	delete(st.byKey, name)
	return nil
}

// List returns the authorizers in name order (descending unless
// ascending), optionally of one status, from the page marker on, and the
// next page's marker.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_ListAuthorizers.html#API_ListAuthorizers_RequestSyntax
func (st *Store) List(status string, ascending bool, marker string, size int) ([]*Authorizer, string, *awsrest.Error) {
	st.mu.RLock()
	var all []*Authorizer
	for _, a := range st.byKey {
		if status == "" || a.Status == status {
			all = append(all, a.clone())
		}
	}
	st.mu.RUnlock()
	slices.SortFunc(all, func(a, b *Authorizer) int {
		if ascending {
			return strings.Compare(a.Name, b.Name)
		}
		return strings.Compare(b.Name, a.Name)
	})
	start := 0
	if marker != "" {
		last, err := base64.RawURLEncoding.DecodeString(marker)
		if err != nil {
			return nil, "", invalid("Invalid marker")
		}
		start = slices.IndexFunc(all, func(a *Authorizer) bool {
			if ascending {
				return a.Name > string(last)
			}
			return a.Name < string(last)
		})
		if start < 0 {
			start = len(all)
		}
	}
	end := min(start+size, len(all))
	next := ""
	if end < len(all) {
		next = base64.RawURLEncoding.EncodeToString([]byte(all[end-1].Name))
	}
	return all[start:end], next, nil
}

// SetDefault makes name the default authorizer. Replacing another default
// is a ResourceAlreadyExistsException (409): UNCONFIRMED reading of the
// modelled error (docs/compatibility.md); setting the same one again is a
// no-op.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_SetDefaultAuthorizer.html#API_SetDefaultAuthorizer_Errors
func (st *Store) SetDefault(name string) (*Authorizer, *awsrest.Error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	a, ok := st.byKey[name]
	if !ok {
		return nil, notFound(name)
	}
	if st.def != "" && st.def != name {
		return nil, awsrest.Errorf(http.StatusConflict, "ResourceAlreadyExistsException",
			"Default authorizer %s is already set; clear it first", st.def)
	}
	st.def = name
	return a.clone(), nil
}

// Default returns the default authorizer, or ResourceNotFound.
func (st *Store) Default() (*Authorizer, *awsrest.Error) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	if st.def == "" {
		return nil, awsrest.Errorf(http.StatusNotFound, awsrest.ResourceNotFound, "No default authorizer is set")
	}
	return st.byKey[st.def].clone(), nil
}

// ClearDefault removes the default; none set is ResourceNotFound.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_ClearDefaultAuthorizer.html#API_ClearDefaultAuthorizer_Errors
func (st *Store) ClearDefault() *awsrest.Error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.def == "" {
		return awsrest.Errorf(http.StatusNotFound, awsrest.ResourceNotFound, "No default authorizer is set")
	}
	st.def = ""
	return nil
}

// Reset forgets every authorizer and the default one (the emulator's reset
// API).
func (st *Store) Reset() {
	st.mu.Lock()
	st.byKey, st.def = map[string]*Authorizer{}, ""
	st.mu.Unlock()
}
