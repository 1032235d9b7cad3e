package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/iotemu/iotemu/faults"
	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/internal/broker"
	"github.com/iotemu/iotemu/internal/mqttapi"
)

// Fault injection (package faults), an iotemu extension: the Server's one
// fault engine is read by the broker (deliveries, throttling), the rules
// engine (failing actions, so that the error action runs) and the one
// Lambda invoker (failing or timed-out invocations); a disconnect acts at
// once. Served over /iotemu/faults and by testkit.InjectFault.

// Fault is one injected fault (faults.Fault).
type Fault = faults.Fault

// AddFault injects a fault and returns it with its ID; a disconnect ends
// the client's connection before AddFault returns and is not kept.
func (s *Server) AddFault(f Fault) (Fault, error) {
	added, err := s.faults.Add(f)
	if err != nil {
		return Fault{}, err
	}
	if f.Kind == faults.Disconnect {
		if err := s.broker.Disconnect(f.Client, f.Reason); err != nil {
			return Fault{}, err
		}
	}
	s.log.Info("fault injected: "+string(f.Kind), "component", "faults", "id", added.ID, "client", f.Client, "topic", f.Topic,
		"rule", f.Rule, "action", f.Action, "function", f.Function)
	return added, nil
}

// RemoveFault removes a fault; false if there is none with that ID.
func (s *Server) RemoveFault(id string) bool { return s.faults.Remove(id) }

// Faults lists the faults in force, oldest first.
func (s *Server) Faults() []Fault { return s.faults.List() }

// maxFaultBody bounds a POST /iotemu/faults body.
const maxFaultBody = 64 << 10

// handleFaults serves GET /iotemu/faults → {"faults":[...]}, POST (a fault
// as JSON) → 200 with the fault and its ID, DELETE → 204 (all removed).
func (s *Server) handleFaults(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		awsrest.WriteJSON(w, requestID(w), struct {
			Faults []Fault `json:"faults"`
		}{s.Faults()})
	case http.MethodDelete:
		s.faults.Reset()
		w.WriteHeader(http.StatusNoContent)
	default:
		s.postFault(w, r)
	}
}

func (s *Server) postFault(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxFaultBody+1))
	if err != nil || len(body) > maxFaultBody {
		writeError(w, awsrest.Errorf(http.StatusBadRequest, awsrest.InvalidRequest, "fault: unreadable or over %d bytes", maxFaultBody))
		return
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	var f Fault
	if err := dec.Decode(&f); err != nil {
		writeError(w, awsrest.Errorf(http.StatusBadRequest, awsrest.InvalidRequest, "fault: %v", err))
		return
	}
	added, err := s.AddFault(f)
	switch {
	case errors.Is(err, faults.ErrInvalid), errors.Is(err, broker.ErrUnknownReason):
		writeError(w, awsrest.Errorf(http.StatusBadRequest, awsrest.InvalidRequest, "%v", err))
	case errors.Is(err, mqttapi.ErrNotConnected):
		writeError(w, awsrest.Errorf(http.StatusNotFound, awsrest.ResourceNotFound, "%v", err))
	case err != nil:
		writeError(w, awsrest.Errorf(http.StatusInternalServerError, awsrest.InternalFailure, "%v", err))
	default:
		awsrest.WriteJSON(w, requestID(w), added)
	}
}

// handleFault serves DELETE /iotemu/faults/{id} → 204, 404 if unknown.
func (s *Server) handleFault(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !s.RemoveFault(id) {
		writeError(w, awsrest.Errorf(http.StatusNotFound, awsrest.ResourceNotFound, "no fault %s", id))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// resetFaults is the reset area of faults.
func (s *Server) resetFaults(context.Context) error {
	s.faults.Reset()
	return nil
}
