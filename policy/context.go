package policy

import "strings"

// Context holds the values of the policy variables and condition keys of a
// request: build it once per connection and share it (read-only) between
// requests. Keys are case-insensitive, as IAM condition keys are, except the
// attribute name inside `[...]`. AWS: IAM
// reference_policies_condition-keys.html ("Condition key names are not
// case-sensitive").
type Context struct {
	m map[string][]string
}

// NewContext returns an empty Context.
func NewContext() *Context { return &Context{m: make(map[string][]string)} }

// CanonicalKey returns the form under which Context stores key: lower case
// up to the first `[`, the rest (a thing attribute name) unchanged.
func CanonicalKey(key string) string {
	if i := strings.IndexByte(key, '['); i >= 0 {
		return strings.ToLower(key[:i]) + key[i:]
	}
	return strings.ToLower(key)
}

// Set gives key its values (a multi-valued key such as
// iot:ConnectAttributes or a certificate attribute takes several) and
// returns c. Setting a key with no value makes it present but empty, which
// conditions treat as absent.
func (c *Context) Set(key string, values ...string) *Context {
	c.m[CanonicalKey(key)] = values
	return c
}

// Delete removes key.
func (c *Context) Delete(key string) { delete(c.m, CanonicalKey(key)) }

// Get returns the values of key.
func (c *Context) Get(key string) ([]string, bool) { return c.get(CanonicalKey(key)) }

// Clone returns a copy of c that can be changed independently.
func (c *Context) Clone() *Context {
	n := NewContext()
	if c != nil {
		for k, v := range c.m {
			n.m[k] = v
		}
	}
	return n
}

func (c *Context) get(canonical string) ([]string, bool) {
	if c == nil {
		return nil, false
	}
	v, ok := c.m[canonical]
	return v, ok
}
