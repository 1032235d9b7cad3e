package apigwv2

import "crypto/rand"

// The lengths of AWS's identifiers, all lowercase letters and digits: apiId
// "aabbccddee", routeId and integrationId "72jz1wk", deploymentId and
// authorizerId "53lz9l" (AWS CLI examples); route and integration
// response IDs are unconfirmed and take 7 (docs/compatibility.md).
// AWS: docs/compatibility.md "apigatewayv2 control plane" "Identifiers".
const (
	apiIDLen         = 10
	routeIDLen       = 7
	integrationIDLen = 7
	responseIDLen    = 7
	deploymentIDLen  = 6
	authorizerIDLen  = 6
)

// newID returns an ID of n lowercase letters and digits no other resource
// of the Service has. Called with s.mu held.
func (s *Service) newID(n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	for {
		b := make([]byte, n)
		_, _ = rand.Read(b) // crypto/rand.Read never fails
		for i := range b {
			b[i] = alphabet[int(b[i])%len(alphabet)]
		}
		if id := string(b); !s.ids[id] {
			s.ids[id] = true
			return id
		}
	}
}
