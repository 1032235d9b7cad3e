package faults

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Kind is what a fault does.
type Kind string

// The kinds of fault.
const (
	// Disconnect ends a client's connection with a disconnectReason
	// (Reason, default SERVER_INITIATED_DISCONNECT); it acts at once and is
	// not stored.
	Disconnect Kind = "disconnect"
	// Drop drops the next Count deliveries (0: every one) to Client, or of
	// a topic matching Topic, or both.
	Drop Kind = "drop"
	// Delay delays the next Count deliveries (0: every one) by Delay.
	Delay Kind = "delay"
	// FailAction makes the actions of Rule ("" any) of type Action (""
	// any) fail with Message, so that the rule's error action runs.
	FailAction Kind = "failAction"
	// FailLambda makes the invocations of Function fail with Message, or
	// time out when Timeout is set.
	FailLambda Kind = "failLambda"
	// Throttle throttles Client's publishes as AWS does when a client
	// exceeds its limits.
	Throttle Kind = "throttle"
)

// Fault is one injected fault; the JSON of /iotemu/faults.
type Fault struct {
	ID   string `json:"id,omitempty"` // assigned by Add
	Kind Kind   `json:"kind"`
	// Client is a client ID (disconnect, drop, delay, throttle).
	Client string `json:"client,omitempty"`
	// Topic is a topic filter (drop, delay).
	Topic string `json:"topic,omitempty"`
	// Count is how many deliveries a drop or delay affects; 0: all.
	Count int `json:"count,omitempty"`
	// Delay is how long a delayed delivery waits ("250ms", "2s").
	Delay Duration `json:"delay,omitzero"`
	// Reason is the disconnectReason of a disconnect.
	Reason string `json:"reason,omitempty"`
	// Rule and Action select the failing rule actions (Action is the AWS
	// action member name, "republish", "lambda"...).
	Rule   string `json:"rule,omitempty"`
	Action string `json:"action,omitempty"`
	// Function is the failing Lambda function (name or ARN).
	Function string `json:"function,omitempty"`
	// Timeout makes the Lambda invocation time out instead of failing.
	Timeout bool `json:"timeout,omitempty"`
	// Message is the error message of a failed action or invocation.
	Message string `json:"message,omitempty"`
	// Remaining is how many deliveries a counted drop or delay still
	// affects (read only).
	Remaining int `json:"remaining,omitempty"`
}

// Duration is a time.Duration written as Go writes it ("1.5s").
type Duration time.Duration

// MarshalJSON writes "1.5s".
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads "1.5s" or a number of milliseconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		var ms int64
		if err := json.Unmarshal(b, &ms); err != nil {
			return errors.New(`delay: want a duration such as "250ms", or milliseconds`)
		}
		*d = Duration(time.Duration(ms) * time.Millisecond)
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("delay: %w", err)
	}
	*d = Duration(v)
	return nil
}

// ErrInvalid is wrapped by the errors of Add for a fault it cannot apply.
var ErrInvalid = errors.New("invalid fault")

// validate checks the fields a kind needs.
func (f Fault) validate() error {
	bad := func(msg string) error { return fmt.Errorf("%w: %s: %s", ErrInvalid, f.Kind, msg) }
	if f.Count < 0 {
		return bad("count must not be negative")
	}
	switch f.Kind {
	case Disconnect, Throttle:
		if f.Client == "" {
			return bad("client is required")
		}
	case Drop, Delay:
		if f.Client == "" && f.Topic == "" {
			return bad("client or topic is required")
		}
		if f.Kind == Delay && f.Delay <= 0 {
			return bad("delay must be positive")
		}
	case FailAction:
	case FailLambda:
		if f.Function == "" {
			return bad("function is required")
		}
	default:
		return fmt.Errorf("%w: unknown kind %q (disconnect, drop, delay, failAction, failLambda, throttle)", ErrInvalid, f.Kind)
	}
	return nil
}
