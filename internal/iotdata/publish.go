package iotdata

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/internal/mqttapi"
	"github.com/iotemu/iotemu/internal/topic"
)

// handlePublish serves iot-data Publish: POST /topics/{topic}.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_iotdata_Publish.html#API_iotdata_Publish_RequestSyntax
func (s *Service) handlePublish(w http.ResponseWriter, r *http.Request) {
	m, apiErr := s.parsePublish(r)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	if err := s.cfg.Publisher.Publish(r.Context(), m); err != nil {
		writeError(w, awsrest.Errorf(http.StatusInternalServerError, awsrest.InternalFailure, "%v", err))
		return
	}
	// AWS: observed success body {"message":"OK","traceId":<request ID>}, as in
	// https://docs.aws.amazon.com/iot/latest/developerguide/custom-auth-tutorial.html#custom-auth-tutorial
	awsrest.WriteJSON(w, requestID(w), struct {
		Message string `json:"message"`
		TraceID string `json:"traceId"`
	}{"OK", requestID(w)})
}

// parsePublish turns the request into a Message, or the error AWS answers.
func (s *Service) parsePublish(r *http.Request) (mqttapi.Message, *awsrest.Error) {
	q := r.URL.Query()
	m := mqttapi.Message{Topic: r.PathValue("topic"), ContentType: q.Get("contentType"), ResponseTopic: q.Get("responseTopic")}
	if err := topic.ValidateName(m.Topic, s.topicLimits()); err != nil {
		return m, invalid("Invalid topic name: %v", err)
	}
	if v := q.Get("retain"); v != "" {
		b, err := parseBool(v)
		if err != nil {
			return m, invalid("Invalid retain: %q", v)
		}
		m.Retain = b
	}
	// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/reserved-topics.html#reserved-topics — only the $ topics AWS defines may be
	// published to, never with RETAIN (mqtt.html). AWS's HTTP answer is
	// unconfirmed; 403 is what it sends for a publish it does not allow.
	if strings.HasPrefix(m.Topic, "$") && (m.Retain || !s.cfg.Publisher.MayPublish(m.Topic)) {
		return m, awsrest.Errorf(http.StatusForbidden, awsrest.Forbidden, "Forbidden")
	}
	// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_iotdata_Publish.html#API_iotdata_Publish_RequestSyntax
	// (qos 0–1), default 0.
	switch q.Get("qos") {
	case "", "0":
	case "1":
		m.QoS = 1
	default:
		return m, invalid("Invalid qos: %q, expected 0 or 1", q.Get("qos"))
	}
	if m.ResponseTopic != "" {
		// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_iotdata_Publish.html#API_iotdata_Publish_RequestSyntax
		// responseTopic "must not contain wildcard characters".
		if err := topic.ValidateName(m.ResponseTopic, s.topicLimits()); err != nil {
			return m, invalid("Invalid responseTopic: %v", err)
		}
	}
	if v := q.Get("messageExpiry"); v != "" {
		secs, err := strconv.ParseInt(v, 10, 64)
		if err != nil || secs < 0 {
			return m, invalid("Invalid messageExpiry: %q", v)
		}
		m.MessageExpiry = time.Duration(min(secs, mqttapi.MaxMessageExpiry)) * time.Second
	}
	if apiErr := parseMQTT5Headers(r.Header, &m); apiErr != nil {
		return m, apiErr
	}
	payload, apiErr := readPayload(r, s.cfg.PayloadBytes)
	if apiErr != nil {
		return m, apiErr
	}
	m.Payload = payload
	return m, nil
}

// parseBool accepts true/false in any case; AWS's docs show TRUE.
func parseBool(v string) (bool, error) {
	switch {
	case strings.EqualFold(v, "true"):
		return true, nil
	case strings.EqualFold(v, "false"):
		return false, nil
	}
	return false, errors.New("not a boolean")
}

// readPayload reads the body, refusing one over the payload limit.
// AWS: https://docs.aws.amazon.com/general/latest/gr/iot-core.html#message-broker-limits,
// 128 KB per publish; the status for HTTP is unconfirmed (docs/compatibility.md "HTTP payload over the limit").
func readPayload(r *http.Request, limit int) ([]byte, *awsrest.Error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, int64(limit)+1))
	if err != nil {
		return nil, invalid("Unable to read the request body: %v", err)
	}
	if len(body) > limit {
		return nil, awsrest.Errorf(http.StatusRequestEntityTooLarge, awsrest.RequestEntityTooLarge,
			"The payload exceeds the maximum size allowed")
	}
	return body, nil
}

// parseMQTT5Headers reads the x-amz-mqtt5-* headers of Publish.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_iotdata_Publish.html#API_iotdata_Publish_RequestSyntax
// (userProperties, payloadFormatIndicator, correlationData).
func parseMQTT5Headers(h http.Header, m *mqttapi.Message) *awsrest.Error {
	if v := h.Get("x-amz-mqtt5-user-properties"); v != "" {
		props, err := parseUserProperties(v)
		if err != nil {
			return invalid("Invalid x-amz-mqtt5-user-properties: %v", err)
		}
		m.UserProperties = props
	}
	switch v := h.Get("x-amz-mqtt5-payload-format-indicator"); v {
	case "", "UNSPECIFIED_BYTES":
	case "UTF8_DATA":
		m.PayloadFormatUTF8 = true
	default:
		return invalid("Invalid x-amz-mqtt5-payload-format-indicator: %q", v)
	}
	if v := h.Get("x-amz-mqtt5-correlation-data"); v != "" {
		b, err := base64.StdEncoding.DecodeString(v)
		if err != nil {
			return invalid("Invalid x-amz-mqtt5-correlation-data: not base64")
		}
		m.CorrelationData = b
	}
	return nil
}

// parseUserProperties decodes base64 of a JSON array of objects such as
// [{"deviceName":"alpha"},{"deviceCnt":"45"}], keeping key order.
func parseUserProperties(v string) ([]mqttapi.UserProperty, error) {
	raw, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		return nil, errors.New("not base64")
	}
	var objects []json.RawMessage
	if err := json.Unmarshal(raw, &objects); err != nil {
		return nil, errors.New("not a JSON array of objects")
	}
	var props []mqttapi.UserProperty
	for _, o := range objects {
		kvs, err := orderedStringObject(o)
		if err != nil {
			return nil, err
		}
		props = append(props, kvs...)
	}
	return props, nil
}

// orderedStringObject decodes a JSON object of string values in key order.
func orderedStringObject(raw json.RawMessage) ([]mqttapi.UserProperty, error) {
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, errors.New("not a JSON array of objects")
	}
	var props []mqttapi.UserProperty
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return nil, errors.New("malformed JSON")
		}
		var val string
		if err := dec.Decode(&val); err != nil {
			return nil, errors.New("property values must be strings")
		}
		props = append(props, mqttapi.UserProperty{Key: k.(string), Value: val})
	}
	return props, nil
}
