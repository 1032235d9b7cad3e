package emulator

import (
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/internal/route"
	"github.com/iotemu/iotemu/rules"
)

// The IoT control-plane operations on topic rules, on the HTTP port.
// AWS: iot/2015-05-28/service-2.json; aws-sdk-go-v2 service/iot v1.75.0
// serializers.go and deserializers.go (paths, query names, members, errors);
// rules-sql.md §7.1.

// Error shapes of the IoT control plane that iot-data does not have.
// AWS: iot service-2.json (CreateTopicRule errors).
const (
	errSQLParse      = rules.CodeSQLParse                     // 400
	errAlreadyExists = rules.CodeAlreadyExists                // 409
	errInternal      = rules.CodeInternalFailure              // 500, "InternalException" in the iot model
	errUnauthorized  = awsrest.Unauthorized                   // 401
	errNotFound      = awsrest.ResourceNotFound               // 404, Compat.RuleNotFoundAsResourceNotFound
	errInvalid       = awsrest.InvalidRequest                 // 400
	maxRuleBodyBytes = 1 << 20                                // bound on what a request makes the emulator read
	maxListResults   = 10000                                  // AWS: service-2.json TopicRuleMaxResults (1–10000)
	defaultListLimit = maxListResults                         // AWS's default page size is not documented
	listTokenPrefix  = "iotemu-rules:"                        // inside the opaque nextToken
	ruleDeniedFormat = "Access to topic rule '%s' was denied" // AWS: terraform-provider-aws findTopicRuleByName comment
)

// registerRuleRoutes adds the topic rule operations to the router.
func (s *Server) registerRuleRoutes(rt *route.Router) {
	rt.HandleFunc("/rules", s.handleListTopicRules, http.MethodGet)
	rt.HandleFunc("/rules/{ruleName}", s.handleCreateTopicRule, http.MethodPost)
	rt.HandleFunc("/rules/{ruleName}", s.handleGetTopicRule, http.MethodGet)
	rt.HandleFunc("/rules/{ruleName}", s.handleReplaceTopicRule, http.MethodPatch)
	rt.HandleFunc("/rules/{ruleName}", s.handleDeleteTopicRule, http.MethodDelete)
	rt.HandleFunc("/rules/{ruleName}/enable", s.handleEnableTopicRule, http.MethodPost)
	rt.HandleFunc("/rules/{ruleName}/disable", s.handleDisableTopicRule, http.MethodPost)
	rt.HandleFunc("/iotemu/actions", s.handleActionRecords, http.MethodGet)
}

// handleCreateTopicRule serves CreateTopicRule: POST /rules/{ruleName},
// body TopicRulePayload; x-amz-tagging is accepted and ignored.
func (s *Server) handleCreateTopicRule(w http.ResponseWriter, r *http.Request) {
	s.putTopicRule(w, r, s.rules.Add)
}

// handleReplaceTopicRule serves ReplaceTopicRule: PATCH /rules/{ruleName}.
func (s *Server) handleReplaceTopicRule(w http.ResponseWriter, r *http.Request) {
	s.putTopicRule(w, r, s.rules.Replace)
}

func (s *Server) putTopicRule(w http.ResponseWriter, r *http.Request, put func(rules.Rule) error) {
	name := r.PathValue("ruleName")
	if err := rules.ValidateRuleName(name); err != nil {
		s.writeRuleError(w, name, err)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRuleBodyBytes+1))
	if err != nil {
		writeError(w, invalid("Unable to read the request body: %v", err))
		return
	}
	if len(body) > maxRuleBodyBytes {
		writeError(w, awsrest.Errorf(http.StatusRequestEntityTooLarge, errInvalid, "The request body exceeds %d bytes", maxRuleBodyBytes))
		return
	}
	rule, err := parseTopicRule(s.actions, name, body)
	if err == nil {
		err = put(rule)
	}
	if err != nil {
		s.writeRuleError(w, name, err)
		return
	}
	writeEmpty(w)
}

// handleGetTopicRule serves GetTopicRule: GET /rules/{ruleName} →
// {"ruleArn", "rule": TopicRule}.
func (s *Server) handleGetTopicRule(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("ruleName")
	info, err := s.getRule(name)
	if err != nil {
		s.writeRuleError(w, name, err)
		return
	}
	awsrest.WriteJSON(w, requestID(w), struct {
		RuleArn string        `json:"ruleArn"`
		Rule    topicRuleJSON `json:"rule"`
	}{info.ARN, topicRuleOf(info)})
}

func (s *Server) getRule(name string) (rules.RuleInfo, error) {
	if err := rules.ValidateRuleName(name); err != nil {
		return rules.RuleInfo{}, err
	}
	return s.rules.Get(name)
}

// handleDeleteTopicRule serves DeleteTopicRule: DELETE /rules/{ruleName}.
func (s *Server) handleDeleteTopicRule(w http.ResponseWriter, r *http.Request) {
	s.changeRule(w, r, s.rules.Remove)
}

// handleEnableTopicRule serves EnableTopicRule: POST /rules/{ruleName}/enable.
func (s *Server) handleEnableTopicRule(w http.ResponseWriter, r *http.Request) {
	s.changeRule(w, r, s.rules.Enable)
}

// handleDisableTopicRule serves DisableTopicRule: POST /rules/{ruleName}/disable.
func (s *Server) handleDisableTopicRule(w http.ResponseWriter, r *http.Request) {
	s.changeRule(w, r, s.rules.Disable)
}

func (s *Server) changeRule(w http.ResponseWriter, r *http.Request, change func(string) error) {
	name := r.PathValue("ruleName")
	err := rules.ValidateRuleName(name)
	if err == nil {
		err = change(name)
	}
	if err != nil {
		s.writeRuleError(w, name, err)
		return
	}
	writeEmpty(w)
}

// writeEmpty answers an operation without output: 200 and no body.
func writeEmpty(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
}

// writeRuleError maps an error of the rules engine or the payload parser
// to the control plane's error shapes.
func (s *Server) writeRuleError(w http.ResponseWriter, name string, err error) {
	var pe *rules.SQLParseError
	switch {
	case errors.As(err, &pe):
		writeError(w, awsrest.Errorf(http.StatusBadRequest, errSQLParse, "line %d:%d: %s", pe.Line, pe.Column, pe.Message))
	case errors.Is(err, errPayload):
		writeError(w, awsrest.Errorf(http.StatusBadRequest, errInvalid, "%s", afterCode(err, errPayload.Error())))
	case errors.Is(err, rules.ErrInvalidRule):
		writeError(w, awsrest.Errorf(http.StatusBadRequest, errInvalid, "%s", afterCode(err, rules.CodeInvalidRequest)))
	case errors.Is(err, rules.ErrRuleExists):
		writeError(w, awsrest.Errorf(http.StatusConflict, errAlreadyExists, "Rule %s already exists", name))
	case errors.Is(err, rules.ErrRuleNotFound) && s.cfg.Compat.RuleNotFoundAsResourceNotFound:
		writeError(w, awsrest.Errorf(http.StatusNotFound, errNotFound, "Rule %s does not exist", name))
	case errors.Is(err, rules.ErrRuleNotFound):
		// AWS answers a missing rule as a denied one (docs/compatibility.md).
		writeError(w, awsrest.Errorf(http.StatusUnauthorized, errUnauthorized, ruleDeniedFormat, name))
	default:
		writeError(w, awsrest.Errorf(http.StatusInternalServerError, errInternal, "%v", err))
	}
}

// afterCode returns the part of an error message after "<code>: ", the
// text AWS would put in the message.
func afterCode(err error, code string) string {
	msg := err.Error()
	if i := strings.Index(msg, code+": "); i >= 0 {
		return msg[i+len(code)+2:]
	}
	return msg
}

// epochSeconds is AWS's timestamp form in restJson1 bodies.
func epochSeconds(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

// handleListTopicRules serves ListTopicRules:
// GET /rules?topic=&maxResults=&nextToken=&ruleDisabled= →
// {"rules": [TopicRuleListItem], "nextToken"}. Rules are listed by name;
// topic keeps the rules whose FROM filter is exactly topic.
func (s *Server) handleListTopicRules(w http.ResponseWriter, r *http.Request) {
	q, apiErr := parseListQuery(r)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	type item struct {
		RuleArn      string  `json:"ruleArn"`
		RuleName     string  `json:"ruleName"`
		TopicPattern string  `json:"topicPattern"`
		CreatedAt    float64 `json:"createdAt"`
		RuleDisabled bool    `json:"ruleDisabled"`
	}
	out := struct {
		Rules     []item `json:"rules"`
		NextToken string `json:"nextToken,omitempty"`
	}{Rules: []item{}}
	for _, info := range s.rules.List() {
		if info.Name <= q.after || (q.topic != nil && info.TopicPattern != *q.topic) ||
			(q.disabled != nil && info.Disabled != *q.disabled) {
			continue
		}
		if len(out.Rules) == q.limit {
			out.NextToken = listToken(out.Rules[len(out.Rules)-1].RuleName)
			break
		}
		out.Rules = append(out.Rules, item{info.ARN, info.Name, info.TopicPattern, epochSeconds(info.CreatedAt), info.Disabled})
	}
	awsrest.WriteJSON(w, requestID(w), out)
}

// listQuery is a parsed ListTopicRules request.
type listQuery struct {
	topic    *string
	disabled *bool
	limit    int
	after    string // the last rule name of the previous page
}

func parseListQuery(r *http.Request) (listQuery, *awsrest.Error) {
	v := r.URL.Query()
	q := listQuery{limit: defaultListLimit}
	if v.Has("topic") {
		t := v.Get("topic")
		q.topic = &t
	}
	if s := v.Get("ruleDisabled"); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return q, invalid("Invalid ruleDisabled: %q", s)
		}
		q.disabled = &b
	}
	if s := v.Get("maxResults"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxListResults {
			return q, invalid("1 validation error detected: Value '%s' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and %d", s, maxListResults)
		}
		q.limit = n
	}
	if s := v.Get("nextToken"); s != "" {
		raw, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil || !strings.HasPrefix(string(raw), listTokenPrefix) {
			return q, invalid("Invalid nextToken")
		}
		q.after = strings.TrimPrefix(string(raw), listTokenPrefix)
	}
	return q, nil
}

// listToken is an opaque nextToken that resumes after a rule name, so that
// rules created or deleted between pages do not shift the listing.
func listToken(lastName string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(listTokenPrefix + lastName))
}
