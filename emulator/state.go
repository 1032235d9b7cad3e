package emulator

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/jobs"
	"github.com/iotemu/iotemu/rules"
)

// The state API: GET /iotemu/state and GET /iotemu/state/{area}, an iotemu
// extension (AWS has no such operation). Its JSON is stable: fields are
// added, never renamed or removed (README "Operate it"; the golden files
// emulator/testdata/state_*.json).

// State areas, the {area} of GET /iotemu/state/{area} and of
// POST /iotemu/reset?area=.
const (
	AreaConnections  = "connections"
	AreaRetained     = "retained"
	AreaShadows      = "shadows"
	AreaThings       = "things"
	AreaCertificates = "certificates"
	AreaRules        = "rules"
	AreaAPIGateway   = "apigw"
	AreaJobs         = "jobs"
)

// StateAreas lists every area, in the order of State's fields.
var StateAreas = []string{AreaConnections, AreaRetained, AreaShadows, AreaThings, AreaCertificates, AreaRules,
	AreaAPIGateway, AreaJobs}

// State is everything a running emulator holds that tests create: the body
// of GET /iotemu/state. Every list is present (possibly empty) and sorted.
type State struct {
	Connections  []ConnectionState    `json:"connections"`
	Retained     []RetainedState      `json:"retained"`
	Shadows      []ShadowState        `json:"shadows"`
	Things       []ThingState         `json:"things"`
	Certificates []CertificateState   `json:"certificates"`
	Rules        []RuleState          `json:"rules"`
	APIGateway   []APIConnectionState `json:"apigw"`
	Jobs         []jobs.JobState      `json:"jobs"`
}

// ConnectionState is one MQTT client ID: a live connection, or the
// persistent session of a client that went away (connected false).
type ConnectionState struct {
	ClientID  string `json:"clientId"`
	Connected bool   `json:"connected"`
	// Transport is the listener: mqtt, mqtt-tls, ws, wss or mqtt-alpn.
	Transport       string              `json:"transport"`
	ProtocolVersion byte                `json:"protocolVersion"`
	Principal       string              `json:"principal,omitempty"`
	CleanSession    bool                `json:"cleanSession"`
	KeepAlive       uint16              `json:"keepAlive"`
	ConnectedAt     time.Time           `json:"connectedAt,omitzero"`
	SourceIP        string              `json:"sourceIp,omitempty"`
	SourcePort      int                 `json:"sourcePort,omitempty"`
	Subscriptions   []SubscriptionState `json:"subscriptions"`
}

// SubscriptionState is one topic filter and its granted QoS.
type SubscriptionState struct {
	Filter string `json:"filter"`
	QoS    byte   `json:"qos"`
}

// RetainedState is one retained message. Payload is base64 (as
// GetRetainedMessage's); Text is the payload when it is UTF-8.
type RetainedState struct {
	Topic        string    `json:"topic"`
	QoS          byte      `json:"qos"`
	Payload      []byte    `json:"payload"`
	Text         *string   `json:"text,omitempty"`
	LastModified time.Time `json:"lastModified"`
}

// ShadowState is one live shadow: name "" is the classic shadow.
type ShadowState struct {
	Thing    string          `json:"thing"`
	Name     string          `json:"name"`
	Version  int64           `json:"version"`
	State    json.RawMessage `json:"state"`
	Metadata json.RawMessage `json:"metadata"`
}

// ThingState is one thing of the registry.
type ThingState struct {
	ThingName     string            `json:"thingName"`
	ThingARN      string            `json:"thingArn"`
	ThingTypeName string            `json:"thingTypeName,omitempty"`
	Attributes    map[string]string `json:"attributes"`
	Version       int64             `json:"version"`
}

// CertificateState is one registered certificate.
type CertificateState struct {
	CertificateID  string    `json:"certificateId"`
	CertificateARN string    `json:"certificateArn"`
	Status         string    `json:"status"`
	CreationDate   time.Time `json:"creationDate"`
	// Things and Policies are attached to the certificate.
	Things   []string `json:"things"`
	Policies []string `json:"policies"`
}

// RuleState is one topic rule with its latest matches and action records
// (oldest first).
type RuleState struct {
	RuleName      string               `json:"ruleName"`
	SQL           string               `json:"sql"`
	Disabled      bool                 `json:"disabled"`
	RecentMatches []RuleMatch          `json:"recentMatches"`
	ActionRecords []rules.ActionRecord `json:"actionRecords"`
}

// APIConnectionState is one API Gateway WebSocket connection.
type APIConnectionState struct {
	ConnectionID string    `json:"connectionId"`
	APIID        string    `json:"apiId"`
	Stage        string    `json:"stage"`
	ConnectedAt  time.Time `json:"connectedAt"`
	LastActiveAt time.Time `json:"lastActiveAt"`
	SourceIP     string    `json:"sourceIp,omitempty"`
	UserAgent    string    `json:"userAgent,omitempty"`
}

// recordsPerRule is how many action records the state shows per rule.
const recordsPerRule = 20

// State returns everything the emulator holds, as GET /iotemu/state.
func (s *Server) State(ctx context.Context) (State, error) {
	st := State{
		Connections: s.connectionsState(), Retained: s.retainedState(), Things: s.thingsState(),
		Certificates: s.certificatesState(), Rules: s.rulesState(), APIGateway: s.apigwState(), Jobs: s.jobs.States(),
	}
	var err error
	if st.Shadows, err = s.shadowsState(ctx); err != nil {
		return State{}, err
	}
	if st.Jobs == nil {
		st.Jobs = []jobs.JobState{}
	}
	return st, nil
}

// areaState returns one area of the state, as GET /iotemu/state/{area}.
func (s *Server) areaState(ctx context.Context, area string) (any, bool, error) {
	switch area {
	case AreaConnections:
		return s.connectionsState(), true, nil
	case AreaRetained:
		return s.retainedState(), true, nil
	case AreaShadows:
		sh, err := s.shadowsState(ctx)
		return sh, true, err
	case AreaThings:
		return s.thingsState(), true, nil
	case AreaCertificates:
		return s.certificatesState(), true, nil
	case AreaRules:
		return s.rulesState(), true, nil
	case AreaAPIGateway:
		return s.apigwState(), true, nil
	case AreaJobs:
		j := s.jobs.States()
		if j == nil {
			j = []jobs.JobState{}
		}
		return j, true, nil
	}
	return nil, false, nil
}

func (s *Server) connectionsState() []ConnectionState {
	out := []ConnectionState{}
	for _, c := range s.broker.Sessions() {
		cs := ConnectionState{ClientID: c.ClientID, Connected: c.Connected, Transport: c.Transport,
			ProtocolVersion: c.ProtocolVersion, Principal: c.Principal, CleanSession: c.CleanSession,
			KeepAlive: c.KeepAlive, ConnectedAt: c.ConnectedAt, SourceIP: c.SourceIP, SourcePort: c.SourcePort,
			Subscriptions: []SubscriptionState{}}
		for _, sub := range c.Subscriptions {
			cs.Subscriptions = append(cs.Subscriptions, SubscriptionState{Filter: sub.Filter, QoS: sub.QoS})
		}
		out = append(out, cs)
	}
	return out
}

func (s *Server) retainedState() []RetainedState {
	out := []RetainedState{}
	for t, r := range s.broker.RetainedMessages() {
		rs := RetainedState{Topic: t, QoS: r.QoS, Payload: r.Payload, LastModified: r.LastModified}
		if rs.Payload == nil {
			rs.Payload = []byte{}
		}
		if utf8.Valid(r.Payload) {
			text := string(r.Payload)
			rs.Text = &text
		}
		out = append(out, rs)
	}
	slices.SortFunc(out, func(a, b RetainedState) int { return strings.Compare(a.Topic, b.Topic) })
	return out
}

func (s *Server) shadowsState(ctx context.Context) ([]ShadowState, error) {
	all, err := s.shadows.All(ctx)
	if err != nil {
		return nil, fmt.Errorf("state of shadows: %w", err)
	}
	out := make([]ShadowState, 0, len(all))
	for _, e := range all {
		out = append(out, ShadowState{Thing: e.Thing, Name: e.Name, Version: e.Version, State: e.State, Metadata: e.Metadata})
	}
	return out, nil
}

func (s *Server) thingsState() []ThingState {
	out := []ThingState{}
	for _, t := range s.iotreg.Things() {
		ts := ThingState{ThingName: t.Name, ThingARN: t.ARN, ThingTypeName: t.TypeName, Attributes: t.Attributes, Version: t.Version}
		if ts.Attributes == nil {
			ts.Attributes = map[string]string{}
		}
		out = append(out, ts)
	}
	return out
}

func (s *Server) certificatesState() []CertificateState {
	out := []CertificateState{}
	for _, c := range s.iotreg.Certificates() {
		cs := CertificateState{CertificateID: c.ID, CertificateARN: c.ARN, Status: string(c.Status),
			CreationDate: c.CreationDate, Things: []string{}, Policies: []string{}}
		if things, _, err := s.iotreg.ListPrincipalThings(c.ARN, "", 250); err == nil && things != nil {
			cs.Things = things
		}
		if pols, _, err := s.iotreg.ListAttachedPolicies(c.ARN, false, "", 250); err == nil {
			for _, p := range pols {
				cs.Policies = append(cs.Policies, p.Name)
			}
		}
		out = append(out, cs)
	}
	return out
}

func (s *Server) rulesState() []RuleState {
	out := []RuleState{}
	for _, r := range s.rules.List() {
		recs, _ := s.records.list(r.Name)
		if len(recs) > recordsPerRule {
			recs = recs[len(recs)-recordsPerRule:]
		}
		if recs == nil {
			recs = []rules.ActionRecord{}
		}
		out = append(out, RuleState{RuleName: r.Name, SQL: r.SQL, Disabled: r.Disabled,
			RecentMatches: s.matches.of(r.Name), ActionRecords: recs})
	}
	return out
}

func (s *Server) apigwState() []APIConnectionState {
	out := []APIConnectionState{}
	for _, c := range s.apigw.Connections() {
		out = append(out, APIConnectionState{ConnectionID: c.ConnectionID, APIID: c.APIID, Stage: c.Stage,
			ConnectedAt: c.ConnectedAt, LastActiveAt: c.LastActiveAt, SourceIP: c.SourceIP, UserAgent: c.UserAgent})
	}
	slices.SortFunc(out, func(a, b APIConnectionState) int { return strings.Compare(a.ConnectionID, b.ConnectionID) })
	return out
}

// handleState serves GET /iotemu/state.
func (s *Server) handleState(w http.ResponseWriter, r *http.Request) {
	st, err := s.State(r.Context())
	if err != nil {
		writeError(w, awsrest.Errorf(http.StatusInternalServerError, awsrest.InternalFailure, "%v", err))
		return
	}
	awsrest.WriteJSON(w, requestID(w), st)
}

// handleAreaState serves GET /iotemu/state/{area}: {"<area>": [...]}.
func (s *Server) handleAreaState(w http.ResponseWriter, r *http.Request) {
	area := r.PathValue("area")
	v, ok, err := s.areaState(r.Context(), area)
	switch {
	case !ok:
		writeError(w, unknownArea(area))
		return
	case err != nil:
		writeError(w, awsrest.Errorf(http.StatusInternalServerError, awsrest.InternalFailure, "%v", err))
		return
	}
	awsrest.WriteJSON(w, requestID(w), map[string]any{area: v})
}

func unknownArea(area string) *awsrest.Error {
	return awsrest.Errorf(http.StatusNotFound, awsrest.ResourceNotFound, "no state area %q; areas: %v", area, StateAreas)
}
