package iotdata

import (
	"io"
	"net/http"
	"strconv"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/shadow"
)

// The Device Shadow REST operations, on the shadow service.

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
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_iotdata_GetThingShadow.html#API_iotdata_GetThingShadow_RequestSyntax
func (s *Service) handleGetShadow(w http.ResponseWriter, r *http.Request) {
	body, err := s.cfg.Shadows.Get(r.Context(), r.PathValue("thing"), r.URL.Query().Get("name"))
	writeShadow(w, body, err)
}

// handleUpdateShadow serves UpdateThingShadow: POST /things/{thingName}/shadow?name=.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_iotdata_UpdateThingShadow.html#API_iotdata_UpdateThingShadow_RequestSyntax;
// the SDKs send application/octet-stream, so the content type is not checked.
func (s *Service) handleUpdateShadow(w http.ResponseWriter, r *http.Request) {
	req, err := io.ReadAll(io.LimitReader(r.Body, maxShadowRequestBytes+1))
	if err != nil {
		writeError(w, invalid("Unable to read the request body: %v", err))
		return
	}
	if len(req) > maxShadowRequestBytes {
		writeShadow(w, nil, shadow.ErrPayloadTooLarge)
		return
	}
	body, err := s.cfg.Shadows.Update(r.Context(), r.PathValue("thing"), r.URL.Query().Get("name"), req)
	writeShadow(w, body, err)
}

// handleDeleteShadow serves DeleteThingShadow: DELETE /things/{thingName}/shadow?name=.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_iotdata_DeleteThingShadow.html#API_iotdata_DeleteThingShadow_RequestSyntax
func (s *Service) handleDeleteShadow(w http.ResponseWriter, r *http.Request) {
	body, err := s.cfg.Shadows.Delete(r.Context(), r.PathValue("thing"), r.URL.Query().Get("name"))
	writeShadow(w, body, err)
}

// handleListNamedShadows serves ListNamedShadowsForThing:
// GET /api/things/shadow/ListNamedShadowsForThing/{thingName}?nextToken=&pageSize=.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_iotdata_ListNamedShadowsForThing.html#API_iotdata_ListNamedShadowsForThing_RequestSyntax
func (s *Service) handleListNamedShadows(w http.ResponseWriter, r *http.Request) {
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
	res, err := s.cfg.Shadows.ListNamed(r.Context(), r.PathValue("thing"), pageSize, q.Get("nextToken"))
	if err != nil {
		writeError(w, shadowError(err))
		return
	}
	awsrest.WriteJSON(w, requestID(w), res)
}
