package authz

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/iotemu/iotemu/policy"
)

// PathKind says how strict mode treats a path.
type PathKind int

// Path kinds of Classify.
const (
	PublicPath   PathKind = iota // /health, /ca.pem, /mqtt (checked at the upgrade), /iotemu/...
	DataPlane                    // iot-data: identity and policies
	ControlPlane                 // everything else: a valid signature
)

// Op is the IoT policy check of one iot-data operation.
type Op struct {
	Actions  []string
	Resource string
}

// Classify maps a request to its actions and resource. iot:GetConnection,
// iot:ListSubscriptions and iot:SendDirectMessage on the client ARN are
// UNCONFIRMED names (docs/compatibility.md).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-policy-actions.html#iot-policy-actions
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-action-resources.html#iot-action-resources
func (a *Authorizer) Classify(r *http.Request) (Op, PathKind) {
	p := r.URL.EscapedPath()
	reg, acct := a.cfg.Region, a.cfg.AccountID
	switch {
	case p == "/health" || p == "/ca.pem" || p == "/mqtt" || strings.HasPrefix(p, "/iotemu/"):
		return Op{}, PublicPath
	case isCredentialsPath(p):
		// The credentials provider authenticates by mutual TLS itself
		// (internal/credprovider).
		return Op{}, PublicPath
	case strings.HasPrefix(p, "/topics/"):
		acts := []string{policy.ActionPublish}
		if strings.EqualFold(r.URL.Query().Get("retain"), "true") {
			acts = append(acts, policy.ActionRetainPublish)
		}
		return Op{acts, a.topicPrefix + unescape(p[len("/topics/"):])}, DataPlane
	case p == "/retainedMessage":
		return Op{[]string{policy.ActionListRetainedMessages}, "*"}, DataPlane
	case strings.HasPrefix(p, "/retainedMessage/"):
		return Op{[]string{policy.ActionGetRetainedMessage}, a.topicPrefix + unescape(p[len("/retainedMessage/"):])}, DataPlane
	case strings.HasPrefix(p, "/api/things/shadow/ListNamedShadowsForThing/"):
		return Op{[]string{policy.ActionListNamedShadowsForThing}, "*"}, DataPlane
	case strings.HasPrefix(p, "/things/") && strings.HasSuffix(p, "/shadow"):
		thing := unescape(strings.TrimSuffix(p[len("/things/"):], "/shadow"))
		return Op{[]string{shadowAction(r.Method)}, policy.ThingARN(reg, acct, thing, r.URL.Query().Get("name"))}, DataPlane
	case strings.HasPrefix(p, "/connections/"):
		return connectionOp(r.Method, p[len("/connections/"):], a.clientPrefix)
	}
	return Op{}, ControlPlane
}

func shadowAction(method string) string {
	switch method {
	case http.MethodPost:
		return policy.ActionUpdateThingShadow
	case http.MethodDelete:
		return policy.ActionDeleteThingShadow
	}
	return policy.ActionGetThingShadow
}

// connectionOp is the check of the /connections/{clientId}... operations.
func connectionOp(method, rest, clientPrefix string) (Op, PathKind) {
	id, sub, _ := strings.Cut(rest, "/")
	res := clientPrefix + unescape(id)
	switch {
	case sub == "subscriptions":
		return Op{[]string{"iot:ListSubscriptions"}, res}, DataPlane
	case sub == "messages":
		return Op{[]string{"iot:SendDirectMessage"}, res}, DataPlane
	case method == http.MethodDelete:
		return Op{[]string{policy.ActionDeleteConnection}, res}, DataPlane
	}
	return Op{[]string{"iot:GetConnection"}, res}, DataPlane
}

func unescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

// isCredentialsPath is GET /role-aliases/{alias}/credentials.
func isCredentialsPath(escaped string) bool {
	rest, ok := strings.CutPrefix(escaped, "/role-aliases/")
	return ok && strings.HasSuffix(rest, "/credentials") && strings.Count(rest, "/") == 1
}
