package iotdata

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/shadow"
)

// newShadows builds the Device Shadow service and plugs it into the
// reserved-topic table and the HTTP routes.
func (s *Server) newShadows() error {
	svc, err := shadow.New(shadow.Config{
		Publisher: shadow.PublisherFunc(func(ctx context.Context, topic string, payload []byte) error {
			// AWS: shadow.md §1.3 — responses are delivered at min(1, subscription QoS).
			return s.Publish(ctx, Message{Topic: topic, Payload: payload, QoS: 1})
		}),
		Now:    s.cfg.Now,
		Logger: s.log.With("component", "shadow"),
	})
	if err != nil {
		return fmt.Errorf("set up shadows: %w", err)
	}
	s.shadows = svc
	s.reserved.handle("shadow", func(ctx context.Context, m Message) {
		if err := svc.HandleMQTT(ctx, m.Topic, m.Payload); err != nil {
			s.log.Warn("shadow request failed", "topic", m.Topic, "error", err)
		}
	})
	return nil
}

// Shadows returns the Device Shadow service, to seed or inspect shadows
// from Go.
func (s *Server) Shadows() *shadow.Service { return s.shadows }

// maxShadowRequestBytes bounds what an HTTP shadow request may make the
// emulator read; the shadow service applies AWS's own, smaller limit.
const maxShadowRequestBytes = 1 << 20

// shadowError maps a shadow error to the iot-data wire format, the one
// place where shadow errors become HTTP.
func shadowError(err error) *awsrest.Error {
	e := shadow.AsError(err)
	return &awsrest.Error{Status: e.HTTPStatus(), Type: e.ErrorType(), Message: e.Message}
}

// writeShadow answers a shadow operation: the document AWS returns as the
// raw body, or the error.
func writeShadow(w http.ResponseWriter, body []byte, err error) {
	if err != nil {
		writeError(w, shadowError(err))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body) // the client went away; nothing to report it to
}

// handleGetShadow serves GetThingShadow: GET /things/{thingName}/shadow?name=.
// AWS: API_iotdata_GetThingShadow.html (broker.md §4.2).
func (s *Server) handleGetShadow(w http.ResponseWriter, r *http.Request) {
	body, err := s.shadows.Get(r.Context(), r.PathValue("thing"), r.URL.Query().Get("name"))
	writeShadow(w, body, err)
}

// handleUpdateShadow serves UpdateThingShadow: POST /things/{thingName}/shadow?name=.
// AWS: API_iotdata_UpdateThingShadow.html. The SDKs send
// application/octet-stream, so the content type is not checked.
func (s *Server) handleUpdateShadow(w http.ResponseWriter, r *http.Request) {
	req, err := io.ReadAll(io.LimitReader(r.Body, maxShadowRequestBytes+1))
	if err != nil {
		writeError(w, invalid("Unable to read the request body: %v", err))
		return
	}
	if len(req) > maxShadowRequestBytes {
		writeShadow(w, nil, shadow.ErrPayloadTooLarge)
		return
	}
	body, err := s.shadows.Update(r.Context(), r.PathValue("thing"), r.URL.Query().Get("name"), req)
	writeShadow(w, body, err)
}

// handleDeleteShadow serves DeleteThingShadow: DELETE /things/{thingName}/shadow?name=.
// AWS: API_iotdata_DeleteThingShadow.html.
func (s *Server) handleDeleteShadow(w http.ResponseWriter, r *http.Request) {
	body, err := s.shadows.Delete(r.Context(), r.PathValue("thing"), r.URL.Query().Get("name"))
	writeShadow(w, body, err)
}

// handleListNamedShadows serves ListNamedShadowsForThing:
// GET /api/things/shadow/ListNamedShadowsForThing/{thingName}?nextToken=&pageSize=.
// AWS: API_iotdata_ListNamedShadowsForThing.html.
func (s *Server) handleListNamedShadows(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	pageSize := 0 // absent: the service's default
	if v := q.Get("pageSize"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			writeError(w, invalid("Invalid pageSize: %q", v))
			return
		}
		pageSize = n
		if n == 0 {
			pageSize = -1 // present but zero: out of range, as AWS answers
		}
	}
	res, err := s.shadows.ListNamed(r.Context(), r.PathValue("thing"), pageSize, q.Get("nextToken"))
	if err != nil {
		writeError(w, shadowError(err))
		return
	}
	awsrest.WriteJSON(w, requestID(w), res)
}
