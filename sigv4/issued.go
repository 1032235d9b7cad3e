package sigv4

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"sync"
	"time"
)

// Issued holds temporary credentials the emulator issued (the IoT
// credentials provider's), each valid until its expiry on the store's
// clock. It is safe for concurrent use.
type Issued struct {
	now func() time.Time

	mu sync.Mutex
	m  map[string]issued
}

type issued struct {
	c       Credentials
	expires time.Time
}

// maxIssued bounds the store; expired entries are dropped when it is
// full.
const maxIssued = 100000

// NewIssued returns an empty store on clock now (nil: time.Now).
func NewIssued(now func() time.Time) *Issued {
	if now == nil {
		now = time.Now
	}
	return &Issued{now: now, m: map[string]issued{}}
}

// Issue makes temporary credentials for principal valid for d: an access
// key ID in AWS's temporary form (ASIA + 16 characters), a 40-character
// secret and a session token, and returns them with their expiry.
// AWS: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids
// (ASIA: temporary access keys).
func (s *Issued) Issue(principal string, d time.Duration) (Credentials, time.Time) {
	c := Credentials{
		AccessKeyID:     "ASIA" + randomText(base32.StdEncoding.WithPadding(base32.NoPadding), 10)[:16],
		SecretAccessKey: randomText(base64.RawStdEncoding, 30),
		SessionToken:    randomText(base64.StdEncoding, 96),
		Principal:       principal,
	}
	now := s.now()
	expires := now.Add(d)
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.m) >= maxIssued {
		for k, v := range s.m {
			if !now.Before(v.expires) {
				delete(s.m, k)
			}
		}
	}
	s.m[c.AccessKeyID] = issued{c, expires}
	return c, expires
}

// LookupCredentials implements CredentialStore: expired credentials are
// unknown.
func (s *Issued) LookupCredentials(accessKeyID string) (Credentials, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[accessKeyID]
	if !ok {
		return Credentials{}, false
	}
	if !s.now().Before(v.expires) {
		delete(s.m, accessKeyID)
		return Credentials{}, false
	}
	return v.c, true
}

var _ CredentialStore = (*Issued)(nil)

func randomText(enc interface{ EncodeToString([]byte) string }, n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24)
	return enc.EncodeToString(b)
}
