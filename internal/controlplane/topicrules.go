package controlplane

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/iotemu/iotemu/internal/awsid"
	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/internal/route"
	"github.com/iotemu/iotemu/rules"
	"github.com/iotemu/iotemu/tagging"
)

// The topic rule operations. Paths, query names, members and errors:
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateTopicRule.html#API_CreateTopicRule_RequestSyntax
// and the pages of the other operations.

// RuleEngine is what the topic rule operations need of the rules engine
// (*rules.Engine).
type RuleEngine interface {
	Add(rules.Rule) error
	Replace(rules.Rule) error
	Get(name string) (rules.RuleInfo, error)
	List() []rules.RuleInfo
	Remove(name string) error
	Enable(name string) error
	Disable(name string) error
	Load([]rules.Loaded) error // the data directory's restore
}

var _ RuleEngine = (*rules.Engine)(nil)

// Error shapes of the topic rule operations that iot-data does not have.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateTopicRule.html#API_CreateTopicRule_Errors
const (
	errSQLParse      = rules.CodeSQLParse        // 400
	errAlreadyExists = rules.CodeAlreadyExists   // 409
	errInternal      = rules.CodeInternalFailure // 500, "InternalException" in the iot model
	// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_ListTopicRules.html#iot-ListTopicRules-request-uri-maxResults
	maxListResults   = 10000
	defaultListLimit = maxListResults                         // AWS's default page size is not documented
	listTokenPrefix  = "iotemu-rules:"                        // inside the opaque nextToken
	ruleDeniedFormat = "Access to topic rule '%s' was denied" // terraform-provider-aws findTopicRuleByName (docs/compatibility.md)
)

func (c *ControlPlane) registerTopicRules(rt *route.Router) {
	rt.Handle("/rules", awsrest.Handle(nil, decodeListTopicRules, c.listTopicRules), http.MethodGet)
	rt.Handle("/rules/{ruleName}", awsrest.Handle(nil, c.decodeCreateTopicRule, c.createTopicRule), http.MethodPost)
	rt.Handle("/rules/{ruleName}", awsrest.Handle(nil, c.decodeRuleName, c.getTopicRule), http.MethodGet)
	rt.Handle("/rules/{ruleName}", awsrest.Handle(nil, c.decodeTopicRule, c.put(c.cfg.Rules.Replace)), http.MethodPatch)
	rt.Handle("/rules/{ruleName}", awsrest.Handle(nil, c.decodeRuleName, c.change(c.removeTopicRule)), http.MethodDelete)
	rt.Handle("/rules/{ruleName}/enable", awsrest.Handle(nil, c.decodeRuleName, c.change(c.cfg.Rules.Enable)), http.MethodPost)
	rt.Handle("/rules/{ruleName}/disable", awsrest.Handle(nil, c.decodeRuleName, c.change(c.cfg.Rules.Disable)), http.MethodPost)
}

// decodeRuleName reads and checks the ruleName path parameter.
func (c *ControlPlane) decodeRuleName(r *http.Request) (string, error) {
	name := r.PathValue("ruleName")
	return name, c.ruleError(name, rules.ValidateRuleName(name))
}

// taggedRule is CreateTopicRule's input: the rule and the tags of its
// x-amz-tagging header.
type taggedRule struct {
	rule rules.Rule
	tags []tagging.Tag
}

// decodeCreateTopicRule reads CreateTopicRule: the TopicRulePayload body
// and the x-amz-tagging header ("key1=value1&key2=value2").
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateTopicRule.html#API_CreateTopicRule_RequestSyntax
func (c *ControlPlane) decodeCreateTopicRule(r *http.Request) (taggedRule, error) {
	tags, err := tagging.ParseHeader(r.Header.Get("x-amz-tagging"))
	if err != nil {
		return taggedRule{}, err
	}
	rule, err := c.decodeTopicRule(r)
	return taggedRule{rule, tags}, err
}

func (c *ControlPlane) createTopicRule(_ context.Context, in taggedRule) (awsrest.NoBody, error) {
	if err := c.cfg.Rules.Add(in.rule); err != nil {
		return awsrest.NoBody{}, c.ruleError(in.rule.Name, err)
	}
	return awsrest.NoBody{}, c.tagCreated(c.ruleARN(in.rule.Name), in.tags, nil)
}

func (c *ControlPlane) ruleARN(name string) string {
	return awsid.ARN("iot", c.reg.Region(), c.reg.AccountID(), "rule/"+name)
}

// removeTopicRule deletes a rule and its tags.
func (c *ControlPlane) removeTopicRule(name string) error {
	if err := c.cfg.Rules.Remove(name); err != nil {
		return err
	}
	c.tags.Drop(c.ruleARN(name))
	return nil
}

// decodeTopicRule reads CreateTopicRule's and ReplaceTopicRule's body,
// TopicRulePayload.
func (c *ControlPlane) decodeTopicRule(r *http.Request) (rules.Rule, error) {
	name, err := c.decodeRuleName(r)
	if err != nil {
		return rules.Rule{}, err
	}
	body, err := awsrest.ReadBody(r, maxBodyBytes)
	if err != nil {
		return rules.Rule{}, err
	}
	rule, err := parseTopicRule(c.cfg.Actions, name, body)
	return rule, c.ruleError(name, err)
}

// put serves CreateTopicRule (POST /rules/{ruleName}) and ReplaceTopicRule
// (PATCH): 200 and no body.
func (c *ControlPlane) put(op func(rules.Rule) error) func(context.Context, rules.Rule) (awsrest.NoBody, error) {
	return func(_ context.Context, r rules.Rule) (awsrest.NoBody, error) {
		return awsrest.NoBody{}, c.ruleError(r.Name, op(r))
	}
}

// change serves DeleteTopicRule, EnableTopicRule and DisableTopicRule.
func (c *ControlPlane) change(op func(string) error) func(context.Context, string) (awsrest.NoBody, error) {
	return func(_ context.Context, name string) (awsrest.NoBody, error) {
		return awsrest.NoBody{}, c.ruleError(name, op(name))
	}
}

type getTopicRuleOutput struct {
	RuleArn string        `json:"ruleArn"`
	Rule    topicRuleJSON `json:"rule"`
}

// getTopicRule serves GetTopicRule: GET /rules/{ruleName} →
// {"ruleArn", "rule": TopicRule}.
func (c *ControlPlane) getTopicRule(_ context.Context, name string) (getTopicRuleOutput, error) {
	info, err := c.cfg.Rules.Get(name)
	if err != nil {
		return getTopicRuleOutput{}, c.ruleError(name, err)
	}
	return getTopicRuleOutput{info.ARN, topicRuleOf(info)}, nil
}

// ruleError maps an error of the rules engine or the payload parser to
// the control plane's error shapes; nil stays nil.
func (c *ControlPlane) ruleError(name string, err error) error {
	if err == nil {
		return nil
	}
	var pe *rules.SQLParseError
	var ae *awsrest.Error
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &pe):
		return awsrest.Errorf(http.StatusBadRequest, errSQLParse, "line %d:%d: %s", pe.Line, pe.Column, pe.Message)
	case errors.Is(err, errPayload):
		return awsrest.Invalid("%s", afterCode(err, errPayload.Error()))
	case errors.Is(err, rules.ErrInvalidRule):
		return awsrest.Invalid("%s", afterCode(err, rules.CodeInvalidRequest))
	case errors.Is(err, rules.ErrRuleExists):
		return awsrest.Errorf(http.StatusConflict, errAlreadyExists, "Rule %s already exists", name)
	case errors.Is(err, rules.ErrRuleNotFound) && c.cfg.Compat.RuleNotFoundAsResourceNotFound:
		return awsrest.Errorf(http.StatusNotFound, awsrest.ResourceNotFound, "Rule %s does not exist", name)
	case errors.Is(err, rules.ErrRuleNotFound):
		// AWS answers a missing rule as a denied one (docs/compatibility.md).
		return awsrest.Errorf(http.StatusUnauthorized, awsrest.Unauthorized, ruleDeniedFormat, name)
	}
	return awsrest.Errorf(http.StatusInternalServerError, errInternal, "%v", err)
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

// listQuery is a parsed ListTopicRules request.
type listQuery struct {
	topic    *string
	disabled *bool
	limit    int
	after    string // the last rule name of the previous page
}

func decodeListTopicRules(r *http.Request) (listQuery, error) {
	v := r.URL.Query()
	q := listQuery{limit: defaultListLimit}
	if v.Has("topic") {
		t := v.Get("topic")
		q.topic = &t
	}
	if s := v.Get("ruleDisabled"); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return q, awsrest.Invalid("Invalid ruleDisabled: %q", s)
		}
		q.disabled = &b
	}
	if s := v.Get("maxResults"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxListResults {
			return q, awsrest.Invalid("1 validation error detected: Value '%s' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and %d", s, maxListResults)
		}
		q.limit = n
	}
	if s := v.Get("nextToken"); s != "" {
		raw, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil || !strings.HasPrefix(string(raw), listTokenPrefix) {
			return q, awsrest.Invalid("Invalid nextToken")
		}
		q.after = strings.TrimPrefix(string(raw), listTokenPrefix)
	}
	return q, nil
}

type topicRuleItem struct {
	RuleArn      string  `json:"ruleArn"`
	RuleName     string  `json:"ruleName"`
	TopicPattern string  `json:"topicPattern"`
	CreatedAt    float64 `json:"createdAt"`
	RuleDisabled bool    `json:"ruleDisabled"`
}

type listTopicRulesOutput struct {
	Rules     []topicRuleItem `json:"rules"`
	NextToken string          `json:"nextToken,omitempty"`
}

// listTopicRules serves ListTopicRules:
// GET /rules?topic=&maxResults=&nextToken=&ruleDisabled= →
// {"rules": [TopicRuleListItem], "nextToken"}. Rules are listed by name;
// topic keeps the rules whose FROM filter is exactly topic.
func (c *ControlPlane) listTopicRules(_ context.Context, q listQuery) (listTopicRulesOutput, error) {
	out := listTopicRulesOutput{Rules: []topicRuleItem{}}
	for _, info := range c.cfg.Rules.List() {
		if info.Name <= q.after || (q.topic != nil && info.TopicPattern != *q.topic) ||
			(q.disabled != nil && info.Disabled != *q.disabled) {
			continue
		}
		if len(out.Rules) == q.limit {
			out.NextToken = listToken(out.Rules[len(out.Rules)-1].RuleName)
			break
		}
		out.Rules = append(out.Rules, topicRuleItem{info.ARN, info.Name, info.TopicPattern, epochSeconds(info.CreatedAt), info.Disabled})
	}
	return out, nil
}

// listToken is an opaque nextToken that resumes after a rule name, so that
// rules created or deleted between pages do not shift the listing.
func listToken(lastName string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(listTokenPrefix + lastName))
}
