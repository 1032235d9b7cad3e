package iotdata

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/internal/mqttapi"
	"github.com/iotemu/iotemu/internal/topic"
)

// The HTTP half of SendDirectMessage; the broker writes the message
// (internal/broker direct.go).
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_iotdata_SendDirectMessage.html#API_iotdata_SendDirectMessage_RequestSyntax

// handleSendDirectMessage serves SendDirectMessage:
// POST /connections/{clientId}/messages?topic=...
func (s *Service) handleSendDirectMessage(w http.ResponseWriter, r *http.Request) {
	id, apiErr := clientIDParam(r)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	m, confirm, timeout, apiErr := s.parseDirect(r)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	// Not connected, or the write failed: the client is gone.
	if err := s.cfg.Connections.SendDirect(id, m, confirm, timeout); err != nil {
		if errors.Is(err, mqttapi.ErrNoPuback) {
			// AWS: GatewayTimeoutException "The delivery confirmation was not
			// received from the client within the specified timeout period".
			writeError(w, awsrest.Errorf(http.StatusGatewayTimeout, awsrest.GatewayTimeout,
				"The delivery confirmation was not received from the client within the specified timeout period"))
			return
		}
		writeError(w, awsrest.Errorf(http.StatusNotFound, awsrest.ResourceNotFound, "Client %s is not connected", id))
		return
	}
	awsrest.WriteJSON(w, requestID(w), struct {
		Message string `json:"message"`
		TraceID string `json:"traceId"`
	}{"OK", requestID(w)})
}

// parseDirect reads SendDirectMessage's query, headers and body; timeout
// is 1–15 s, default 5.
func (s *Service) parseDirect(r *http.Request) (m mqttapi.Message, confirm bool, timeout time.Duration, apiErr *awsrest.Error) {
	q := r.URL.Query()
	m = mqttapi.Message{Topic: q.Get("topic"), ContentType: q.Get("contentType"), ResponseTopic: q.Get("responseTopic")}
	if err := topic.ValidateName(m.Topic, s.topicLimits()); err != nil {
		return m, false, 0, invalid("Invalid topic: %v", err)
	}
	if confirm, apiErr = optionalBool(r, "confirmation"); apiErr != nil {
		return m, false, 0, apiErr
	}
	timeout = 5 * time.Second
	if v := q.Get("timeout"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 15 {
			return m, false, 0, invalid("Invalid timeout: %q, expected 1 to 15", v)
		}
		timeout = time.Duration(n) * time.Second
	}
	if apiErr = parseMQTT5Headers(r.Header, &m); apiErr != nil {
		return m, false, 0, apiErr
	}
	m.Payload, apiErr = readPayload(r, s.cfg.PayloadBytes)
	return m, confirm, timeout, apiErr
}
