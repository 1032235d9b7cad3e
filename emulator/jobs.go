package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/iotemu/iotemu/fixtures"
	"github.com/iotemu/iotemu/internal/controlplane"
	"github.com/iotemu/iotemu/internal/mqttapi"
	"github.com/iotemu/iotemu/jobs"
	iotreg "github.com/iotemu/iotemu/registry"
)

// The wiring of AWS IoT Jobs (package jobs): its targets in the registry,
// its events behind the event configurations, its timers driven by the
// Server, its control plane in internal/controlplane and its iot-jobs-data
// API on the HTTP port.

// newJobs builds the jobs service; it runs after newIoTRegistry.
func (s *Server) newJobs() error {
	s.events = controlplane.NewEventConfigurations()
	svc, err := jobs.New(jobs.Config{
		Region: s.cfg.Region, AccountID: s.cfg.AccountID,
		Publisher:     jobsPublisher{s},
		Targets:       jobTargets{s.iotreg},
		EventsEnabled: func(t string) bool { return s.events.Enabled(t) },
		Now:           s.cfg.Now,
		NewUUID:       s.cfg.NewUUID,
		Logger:        s.log.With("component", "jobs"),
		Commit:        func(context.Context) error { return s.commit(jobsAreas) },
	})
	if err != nil {
		return fmt.Errorf("set up jobs: %w", err)
	}
	s.jobs = svc
	return nil
}

// Jobs returns the AWS IoT Jobs service, to create jobs or inspect
// executions from Go.
func (s *Server) Jobs() *jobs.Service { return s.jobs }

// jobsTick is how often the Server lets the jobs service act on its
// timers (in-progress and step timeouts, rollouts, scheduled starts);
// AWS documents minute granularity for all of them.
const jobsTick = time.Second

// runJobTimers drives the jobs service's timers until ctx ends; the
// Server starts it in Start and waits for it in Close.
func (s *Server) runJobTimers(ctx context.Context) {
	// On the Server's clock: a fake clock's Advance delivers the tick (one
	// per Advance however far it goes; Tick compares deadlines with Now).
	t := s.cfg.Clock.NewTicker(jobsTick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C():
			if err := s.jobs.Tick(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("jobs timers failed", "error", err)
			}
		}
	}
}

// handleJobsMQTT serves what clients publish on the Jobs API's request
// topics (the broker's reserved table calls it).
func (s *Server) handleJobsMQTT(ctx context.Context, m Message) {
	if err := s.jobs.HandleMQTT(ctx, mqttapi.PublisherOf(ctx), m.Topic, m.Payload); err != nil {
		s.log.Warn("jobs request failed", "topic", m.Topic, "error", err)
	}
}

// jobsPublisher sends the jobs service's messages: replies to the
// requesting client alone, delivered even if it did not subscribe, as AWS
// does; notifications and events to every subscriber.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-mqtt-api.html#jobs-mqtt-api
type jobsPublisher struct{ s *Server }

var _ jobs.Publisher = jobsPublisher{}

func (p jobsPublisher) PublishTo(ctx context.Context, clientID, topic string, payload []byte) error {
	m := Message{Topic: topic, Payload: payload, QoS: 1}
	if clientID == "" { // a request published through the HTTP API or from Go
		return p.s.Publish(ctx, m)
	}
	if err := p.s.broker.SendDirect(clientID, m, false, 0); err != nil {
		return fmt.Errorf("reply to %s: %w", clientID, err)
	}
	return nil
}

func (p jobsPublisher) Publish(ctx context.Context, topic string, payload []byte) error {
	// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-mqtt-api.html#jobs-mqtt-api
	// (responses at QoS 1, like the shadow service's).
	return p.s.Publish(ctx, Message{Topic: topic, Payload: payload, QoS: 1})
}

// jobTargets resolves job targets in the registry.
type jobTargets struct{ r *iotreg.Registry }

var _ jobs.Targets = jobTargets{}

func (t jobTargets) ThingExists(_ context.Context, thing string) (bool, error) {
	_, err := t.r.DescribeThing(thing)
	return err == nil, nil
}

// ThingsInGroup lists the things of a group and of its descendants.
func (t jobTargets) ThingsInGroup(_ context.Context, groupARN string) ([]string, error) {
	group := t.r.GroupNameFromARN(groupARN)
	if _, err := t.r.DescribeThingGroup(group); err != nil {
		return nil, fmt.Errorf("thing group %s: %w", group, jobs.ErrGroupNotFound)
	}
	var out []string
	for token := ""; ; {
		things, next, err := t.r.ListThings(iotreg.ListThingsInput{MaxResults: 250, NextToken: token})
		if err != nil {
			return nil, fmt.Errorf("list things: %w", err)
		}
		for _, th := range things {
			if t.inTree(th.Name, group) {
				out = append(out, th.Name)
			}
		}
		if next == "" {
			return out, nil
		}
		token = next
	}
}

// inTree reports whether a thing belongs to root or to one of its
// descendants.
func (t jobTargets) inTree(thing, root string) bool {
	groups, err := t.r.ThingGroupsForThing(thing)
	if err != nil {
		return false // deleted meanwhile
	}
	for _, g := range groups {
		d, err := t.r.DescribeThingGroup(g)
		if err == nil && (g == root || slices.Contains(d.Ancestors, root)) {
			return true
		}
	}
	return false
}

// withJobsData serves the iot-jobs-data API (GetPendingJobExecutions,
// StartNextPendingJobExecution, DescribeJobExecution, UpdateJobExecution)
// on the HTTP port. Its paths overlap the iot control plane's
// (/things/{thing}/jobs...), so a request is the data plane's when its
// SigV4 credential scope names the iot-jobs-data service (as the SDKs and
// the CLI sign it) or when it comes under the /jobs-data prefix (for
// unsigned clients); docs/compatibility.md "Jobs".
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-http-device-api.html#jobs-http-device-api
func (s *Server) withJobsData(next http.Handler) http.Handler {
	data := s.jobs.DataPlane().Handler()
	prefixed := http.StripPrefix(jobsDataPrefix, data)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasPrefix(r.URL.Path, jobsDataPrefix+"/"):
			prefixed.ServeHTTP(w, r)
		case strings.Contains(r.Header.Get("Authorization"), "/iot-jobs-data/aws4_request"):
			data.ServeHTTP(w, r)
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// jobsDataPrefix is the path under which the iot-jobs-data API is also
// served, for clients that do not sign their requests.
const jobsDataPrefix = "/jobs-data"

// applyJobFixtures creates the fixtures' job templates, then their jobs,
// through the jobs service's CreateJobTemplate and CreateJob (AWS's
// validation), reporting every invalid entry.
func (s *Server) applyJobFixtures(ctx context.Context, set *fixtures.Set) []error {
	var errs []error
	for i, entry := range set.JobTemplates {
		id, body, err := fixtures.RequestID(entry, "jobTemplateId")
		if err == nil {
			in := jobs.CreateJobTemplateInput{}
			if err = decodeStrict(body, &in); err == nil {
				in.JobTemplateID = id
				_, err = s.jobs.CreateJobTemplate(ctx, in)
			}
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("jobTemplates[%d] (%s): %w", i, id, err))
		}
	}
	for i, entry := range set.Jobs {
		id, body, err := fixtures.RequestID(entry, "jobId")
		if err == nil {
			in := jobs.CreateJobInput{}
			if err = decodeStrict(body, &in); err == nil {
				in.JobID = id
				_, err = s.jobs.CreateJob(ctx, in)
			}
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("jobs[%d] (%s): %w", i, id, err))
		}
	}
	return errs
}

// decodeStrict decodes a request body, refusing unknown members.
func decodeStrict(body []byte, into any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		return fmt.Errorf("decode the request: %w", err)
	}
	return nil
}
