package controlplane

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"sync"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/internal/route"
)

// Logging options: Get/SetV2LoggingOptions, SetV2LoggingLevel,
// ListV2LoggingLevels, DeleteV2LoggingLevel and the v1
// Get/SetLoggingOptions, stored and returned as AWS does. iotemu writes no
// CloudWatch logs; its own log lines do not follow these levels
// (docs/compatibility.md "Registry and identities").
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_SetV2LoggingOptions.html#API_SetV2LoggingOptions_RequestSyntax
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/configure-logging.html#configure-logging

var (
	logLevels      = []string{"DEBUG", "INFO", "ERROR", "WARN", "DISABLED"}
	logTargetTypes = []string{"DEFAULT", "THING_GROUP", "CLIENT_ID", "SOURCE_IP", "PRINCIPAL_ID"}
)

type logEventConfig struct {
	EventType      string `json:"eventType"`
	LogLevel       string `json:"logLevel,omitempty"`
	LogDestination string `json:"logDestination,omitempty"`
}

type v2Options struct {
	RoleArn             string           `json:"roleArn,omitempty"`
	DefaultLogLevel     string           `json:"defaultLogLevel,omitempty"`
	DisableAllLogs      bool             `json:"disableAllLogs"`
	EventConfigurations []logEventConfig `json:"eventConfigurations,omitempty"`
}

type logTarget struct {
	TargetType string `json:"targetType"`
	TargetName string `json:"targetName,omitempty"`
}

type logTargetConfig struct {
	LogTarget logTarget `json:"logTarget"`
	LogLevel  string    `json:"logLevel"`
}

type v1Options struct {
	RoleArn  string `json:"roleArn,omitempty"`
	LogLevel string `json:"logLevel,omitempty"`
}

// loggingOptions is the account's logging configuration.
type loggingOptions struct {
	mu     sync.Mutex
	v2     *v2Options // nil until SetV2LoggingOptions
	levels map[logTarget]string
	v1     v1Options
}

func newLoggingOptions() loggingOptions { return loggingOptions{levels: map[logTarget]string{}} }

func (c *ControlPlane) registerLogging(rt *route.Router) {
	rt.Handle("/v2LoggingOptions", handle(decodeSetV2Logging, c.setV2Logging), http.MethodPost)
	rt.Handle("/v2LoggingOptions", handle(decodeVerbose, c.getV2Logging), http.MethodGet)
	rt.Handle("/v2LoggingLevel", handle(decodeSetV2Level, c.setV2Level), http.MethodPost)
	rt.Handle("/v2LoggingLevel", handle(decodeListV2Levels, c.listV2Levels), http.MethodGet)
	rt.Handle("/v2LoggingLevel", handle(decodeDeleteV2Level, c.deleteV2Level), http.MethodDelete)
	rt.Handle("/loggingOptions", handle(decodeSetV1Logging, c.setV1Logging), http.MethodPost)
	rt.Handle("/loggingOptions", handle(none, c.getV1Logging), http.MethodGet)
}

// notConfigured is GetV2LoggingOptions, SetV2LoggingLevel and
// ListV2LoggingLevels before any SetV2LoggingOptions: 404
// NotConfiguredException (UNCONFIRMED message; the exception is in their
// error lists).
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_GetV2LoggingOptions.html#API_GetV2LoggingOptions_Errors
func notConfigured() error {
	return awsrest.Errorf(http.StatusNotFound, "NotConfiguredException", "The v2 logging options are not configured")
}

func decodeSetV2Logging(r *http.Request) (v2Options, error) {
	var in v2Options
	if err := readJSON(r, &in); err != nil {
		return in, err
	}
	if err := checkEnum("defaultLogLevel", in.DefaultLogLevel, logLevels); err != nil {
		return in, err
	}
	for i, e := range in.EventConfigurations {
		if e.EventType == "" {
			return in, awsrest.Invalid("1 validation error detected: Value null at 'eventConfigurations.%d.member.eventType' failed to satisfy constraint: Member must not be null", i+1)
		}
		if err := checkEnum("eventConfigurations.member.logLevel", e.LogLevel, logLevels); err != nil {
			return in, err
		}
	}
	return in, nil
}

func (c *ControlPlane) setV2Logging(_ context.Context, in v2Options) (empty, error) {
	c.logging.mu.Lock()
	c.logging.v2 = &in
	c.logging.mu.Unlock()
	return empty{}, nil
}

func decodeVerbose(r *http.Request) (bool, error) { return awsrest.QueryBool(r, "verbose") }

func (c *ControlPlane) getV2Logging(_ context.Context, _ bool) (v2Options, error) {
	c.logging.mu.Lock()
	defer c.logging.mu.Unlock()
	if c.logging.v2 == nil {
		return v2Options{}, notConfigured()
	}
	return *c.logging.v2, nil
}

func checkTarget(t logTarget, member string) error {
	if t.TargetType == "" {
		return awsrest.Invalid("1 validation error detected: Value null at '%s.targetType' failed to satisfy constraint: Member must not be null", member)
	}
	if err := checkEnum(member+".targetType", t.TargetType, logTargetTypes); err != nil {
		return err
	}
	if t.TargetType != "DEFAULT" && t.TargetName == "" {
		return awsrest.Invalid("targetName is required for targetType %s", t.TargetType) // message UNCONFIRMED
	}
	return nil
}

func decodeSetV2Level(r *http.Request) (logTargetConfig, error) {
	var in struct {
		LogTarget *logTarget `json:"logTarget"`
		LogLevel  string     `json:"logLevel"`
	}
	if err := readJSON(r, &in); err != nil {
		return logTargetConfig{}, err
	}
	switch {
	case in.LogTarget == nil:
		return logTargetConfig{}, awsrest.Invalid("1 validation error detected: Value null at 'logTarget' failed to satisfy constraint: Member must not be null")
	case in.LogLevel == "":
		return logTargetConfig{}, awsrest.Invalid("1 validation error detected: Value null at 'logLevel' failed to satisfy constraint: Member must not be null")
	}
	if err := checkTarget(*in.LogTarget, "logTarget"); err != nil {
		return logTargetConfig{}, err
	}
	return logTargetConfig{*in.LogTarget, in.LogLevel}, checkEnum("logLevel", in.LogLevel, logLevels)
}

// maxLogTargets bounds the per-target levels (LimitExceededException;
// AWS: "up to 1,000", UNCONFIRMED).
const maxLogTargets = 1000

func (c *ControlPlane) setV2Level(_ context.Context, in logTargetConfig) (empty, error) {
	c.logging.mu.Lock()
	defer c.logging.mu.Unlock()
	if c.logging.v2 == nil {
		return empty{}, notConfigured()
	}
	if _, ok := c.logging.levels[in.LogTarget]; !ok && len(c.logging.levels) >= maxLogTargets {
		return empty{}, awsrest.Errorf(http.StatusGone, "LimitExceededException", "The number of log targets exceeds the limit of %d", maxLogTargets)
	}
	c.logging.levels[in.LogTarget] = in.LogLevel
	return empty{}, nil
}

type listLevelsInput struct {
	page
	targetType string
}

func decodeListV2Levels(r *http.Request) (listLevelsInput, error) {
	p, err := pageParams(r, "maxResults", "nextToken")
	tt := r.URL.Query().Get("targetType")
	if err == nil {
		err = checkEnum("targetType", tt, logTargetTypes)
	}
	return listLevelsInput{p, tt}, err
}

type listLevelsOutput struct {
	LogTargetConfigurations []logTargetConfig `json:"logTargetConfigurations"`
	NextToken               string            `json:"nextToken,omitempty"`
}

func (c *ControlPlane) listV2Levels(_ context.Context, in listLevelsInput) (listLevelsOutput, error) {
	c.logging.mu.Lock()
	if c.logging.v2 == nil {
		c.logging.mu.Unlock()
		return listLevelsOutput{}, notConfigured()
	}
	byKey := map[string]logTargetConfig{}
	var keys []string
	for t, l := range c.logging.levels {
		if in.targetType == "" || t.TargetType == in.targetType {
			k := t.TargetType + "\x00" + t.TargetName
			byKey[k] = logTargetConfig{t, l}
			keys = append(keys, k)
		}
	}
	c.logging.mu.Unlock()
	slices.Sort(keys)
	page, next, err := pageNames(keys, in.token, in.size)
	out := listLevelsOutput{LogTargetConfigurations: []logTargetConfig{}, NextToken: next}
	for _, k := range page {
		out.LogTargetConfigurations = append(out.LogTargetConfigurations, byKey[k])
	}
	return out, err
}

func decodeDeleteV2Level(r *http.Request) (logTarget, error) {
	q := r.URL.Query()
	t := logTarget{q.Get("targetType"), q.Get("targetName")}
	if t.TargetName == "" {
		return t, awsrest.Invalid("1 validation error detected: Value null at 'targetName' failed to satisfy constraint: Member must not be null")
	}
	return t, checkTarget(t, "targetType")
}

// deleteV2Level removes a target's level; a target without one is not an
// error (DeleteV2LoggingLevel models no ResourceNotFoundException).
func (c *ControlPlane) deleteV2Level(_ context.Context, t logTarget) (empty, error) {
	c.logging.mu.Lock()
	delete(c.logging.levels, t)
	c.logging.mu.Unlock()
	return empty{}, nil
}

// decodeSetV1Logging reads the body, which is loggingOptionsPayload itself
// (the model's payload member).
func decodeSetV1Logging(r *http.Request) (v1Options, error) {
	body, err := awsrest.ReadBody(r, maxBodyBytes)
	if err != nil {
		return v1Options{}, err
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return v1Options{}, awsrest.Invalid("1 validation error detected: Value null at 'loggingOptionsPayload' failed to satisfy constraint: Member must not be null")
	}
	var in v1Options
	if err := json.Unmarshal(body, &in); err != nil {
		return v1Options{}, awsrest.Invalid("Could not parse request body into json: %v", err)
	}
	if in.RoleArn == "" {
		return v1Options{}, awsrest.Invalid("1 validation error detected: Value null at 'loggingOptionsPayload.roleArn' failed to satisfy constraint: Member must not be null")
	}
	return in, checkEnum("loggingOptionsPayload.logLevel", in.LogLevel, logLevels)
}

func (c *ControlPlane) setV1Logging(_ context.Context, in v1Options) (empty, error) {
	c.logging.mu.Lock()
	c.logging.v1 = in
	c.logging.mu.Unlock()
	return empty{}, nil
}

// getV1Logging answers {} before any SetLoggingOptions (GetLoggingOptions
// models no NotConfiguredException; UNCONFIRMED).
func (c *ControlPlane) getV1Logging(_ context.Context, _ struct{}) (v1Options, error) {
	c.logging.mu.Lock()
	defer c.logging.mu.Unlock()
	return c.logging.v1, nil
}
