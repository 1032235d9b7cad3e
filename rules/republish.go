package rules

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/iotemu/iotemu/rules/internal/sql"
)

// Publisher publishes a Republish action's message; the emulator implements
// it with its broker.
type Publisher interface {
	Republish(ctx context.Context, m Outbound) error
}

// Outbound is a message published by a Republish action, with its MQTT 5
// properties.
type Outbound struct {
	Topic           string
	Payload         []byte
	QoS             byte
	ContentType     string
	ResponseTopic   string
	CorrelationData []byte
	PayloadFormat   PayloadFormat
	MessageExpiry   time.Duration
	UserProperties  [][2]string
}

// Republish republishes the rule output to an MQTT topic.
// AWS: republish-rule-action.html. Topic and every header value are
// substitution templates; write `$$` for a leading `$`.
type Republish struct {
	// Topic is the destination topic template (required).
	Topic string
	// QoS is 0 (default) or 1.
	QoS int
	// Headers are MQTT 5 properties of the republished message.
	Headers *RepublishHeaders
	// Publisher overrides Config.Publisher.
	Publisher Publisher
}

// RepublishHeaders are the MQTT 5 headers of a Republish action; every value
// is a substitution template. AWS: republish-rule-action.html (headers).
type RepublishHeaders struct {
	// PayloadFormatIndicator is "UNSPECIFIED_BYTES" or "UTF8_DATA".
	PayloadFormatIndicator string
	ContentType            string
	ResponseTopic          string
	// CorrelationData is base64 text.
	CorrelationData string
	// MessageExpiry is a number of seconds.
	MessageExpiry  string
	UserProperties []UserProperty
}

// UserProperty is one MQTT 5 user property of RepublishHeaders.
type UserProperty struct{ Key, Value string }

// Do compiles the templates and publishes; rules added to an Engine use a
// version compiled once at Add time.
func (a Republish) Do(ctx context.Context, out Output) error {
	v, _ := sql.ParseVersion(out.SQLVersion)
	c, err := a.compile(v, Compat{})
	if err != nil {
		return err
	}
	return c.Do(ctx, out)
}

var (
	_ Action          = Republish{}
	_ ReportingAction = (*compiledRepublish)(nil)
)

// compiledRepublish is a Republish with its templates compiled.
type compiledRepublish struct {
	spec    Republish
	topic   *Template
	headers map[string]*Template
	props   [][2]*Template
}

var errRepublish = errors.New("invalid republish action")

func (a Republish) compile(v sql.Version, c Compat) (*compiledRepublish, error) {
	if a.Topic == "" {
		return nil, fmt.Errorf("compile republish: %w: topic is required", errRepublish)
	}
	if a.QoS != 0 && a.QoS != 1 {
		return nil, fmt.Errorf("compile republish: %w: qos must be 0 or 1, got %d", errRepublish, a.QoS)
	}
	cr := &compiledRepublish{spec: a, headers: map[string]*Template{}}
	var err error
	if cr.topic, err = compileTemplate(a.Topic, v, c); err != nil {
		return nil, err
	}
	h := a.Headers
	if h == nil {
		return cr, nil
	}
	for name, src := range map[string]string{
		"payloadFormatIndicator": h.PayloadFormatIndicator, "contentType": h.ContentType,
		"responseTopic": h.ResponseTopic, "correlationData": h.CorrelationData, "messageExpiry": h.MessageExpiry,
	} {
		if src == "" {
			continue
		}
		if cr.headers[name], err = compileTemplate(src, v, c); err != nil {
			return nil, err
		}
	}
	for _, p := range h.UserProperties {
		k, err := compileTemplate(p.Key, v, c)
		if err != nil {
			return nil, err
		}
		val, err := compileTemplate(p.Value, v, c)
		if err != nil {
			return nil, err
		}
		cr.props = append(cr.props, [2]*Template{k, val})
	}
	return cr, nil
}

// Do evaluates the templates and publishes the output payload.
func (cr *compiledRepublish) Do(ctx context.Context, out Output) error {
	_, err := cr.Execute(ctx, out)
	return err
}

// republishRequest is the rendered request of a Republish action in its
// ActionRecord.
type republishRequest struct {
	Topic   string   `json:"topic"`
	QoS     byte     `json:"qos"`
	Payload string   `json:"payload"`
	Message Outbound `json:"-"`
}

// ActionType returns "republish".
func (cr *compiledRepublish) ActionType() string { return "republish" }

// Execute evaluates the templates, publishes and reports the message.
func (cr *compiledRepublish) Execute(ctx context.Context, out Output) (Report, error) {
	rep := Report{Type: "republish", Resource: cr.spec.Topic}
	pub := cr.spec.Publisher
	if pub == nil && out.run != nil {
		pub = out.run.publisher
	}
	if pub == nil {
		return rep, fmt.Errorf("republish: %w", ErrNoPublisher)
	}
	topic, err := cr.topic.Execute(ctx, out)
	if err != nil {
		return rep, fmt.Errorf("republish: %w", err)
	}
	rep.Resource = topic
	if err := checkRepublishTopic(topic); err != nil {
		return rep, err
	}
	m := Outbound{Topic: topic, Payload: out.Payload, QoS: byte(cr.spec.QoS)}
	if err := cr.fillHeaders(ctx, out, &m); err != nil {
		return rep, err
	}
	rep.Request = republishRequest{Topic: topic, QoS: m.QoS, Payload: string(m.Payload), Message: m}
	if err := pub.Republish(ctx, m); err != nil {
		return rep, fmt.Errorf("republish to %s: %w", topic, err)
	}
	return rep, nil
}

// checkRepublishTopic rejects empty topics, wildcards and the reserved job
// topics. AWS: republish-rule-action.html.
func checkRepublishTopic(t string) error {
	switch {
	case t == "":
		return fmt.Errorf("republish: %w: topic evaluates to an empty string", errRepublish)
	case strings.ContainsAny(t, "+#"):
		return fmt.Errorf("republish: %w: topic %q contains a wildcard", errRepublish, t)
	case strings.HasPrefix(t, "$aws/things/") && strings.Contains(t, "/jobs"):
		return fmt.Errorf("republish: %w: reserved job topic %q", errRepublish, t)
	}
	return nil
}

func (cr *compiledRepublish) fillHeaders(ctx context.Context, out Output, m *Outbound) error {
	vals := map[string]string{}
	for name, t := range cr.headers {
		s, err := t.Execute(ctx, out)
		if err != nil {
			return fmt.Errorf("republish header %s: %w", name, err)
		}
		vals[name] = s
	}
	m.ContentType, m.ResponseTopic = vals["contentType"], vals["responseTopic"]
	switch vals["payloadFormatIndicator"] {
	case "UTF8_DATA":
		m.PayloadFormat = PayloadFormatUTF8
	case "UNSPECIFIED_BYTES":
		m.PayloadFormat = PayloadFormatBytes
	}
	if s := vals["correlationData"]; s != "" {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return fmt.Errorf("republish header correlationData: %w", err)
		}
		m.CorrelationData = b
	}
	if s := vals["messageExpiry"]; s != "" {
		n, err := strconv.ParseUint(s, 10, 32)
		if err != nil {
			return fmt.Errorf("republish header messageExpiry: %w", err)
		}
		m.MessageExpiry = time.Duration(n) * time.Second
	}
	for _, p := range cr.props {
		k, err := p[0].Execute(ctx, out)
		if err != nil {
			return fmt.Errorf("republish user property: %w", err)
		}
		v, err := p[1].Execute(ctx, out)
		if err != nil {
			return fmt.Errorf("republish user property: %w", err)
		}
		m.UserProperties = append(m.UserProperties, [2]string{k, v})
	}
	return nil
}
