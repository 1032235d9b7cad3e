package iotdata

import (
	"encoding/json"
	"net/http"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/internal/mqttapi"
)

// retainedMessage is the body of GetRetainedMessage; []byte fields are
// base64 in JSON, as the model's blobs.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_iotdata_GetRetainedMessage.html#API_iotdata_GetRetainedMessage_ResponseSyntax
type retainedMessage struct {
	Topic            string `json:"topic"`
	Payload          []byte `json:"payload"`
	QoS              byte   `json:"qos"`
	LastModifiedTime int64  `json:"lastModifiedTime"`
	UserProperties   []byte `json:"userProperties,omitempty"`
}

type retainedSummary struct {
	Topic            string `json:"topic"`
	PayloadSize      int    `json:"payloadSize"`
	QoS              byte   `json:"qos"`
	LastModifiedTime int64  `json:"lastModifiedTime"`
}

// handleGetRetained serves GetRetainedMessage: GET /retainedMessage/{topic}.
func (s *Service) handleGetRetained(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("topic")
	rm, ok := s.cfg.Retained.RetainedMessage(name)
	if !ok {
		writeError(w, awsrest.Errorf(http.StatusNotFound, awsrest.ResourceNotFound,
			"No retained message exists for topic: %s", name))
		return
	}
	out := retainedMessage{Topic: name, Payload: rm.Payload, QoS: rm.QoS, LastModifiedTime: rm.LastModified.UnixMilli()}
	if len(rm.UserProperties) > 0 {
		out.UserProperties = encodeUserProperties(rm.UserProperties)
	}
	awsrest.WriteJSON(w, requestID(w), out)
}

// encodeUserProperties writes user properties as the JSON array of
// one-key objects that Publish takes in x-amz-mqtt5-user-properties.
func encodeUserProperties(props []mqttapi.UserProperty) []byte {
	objs := make([]map[string]string, 0, len(props))
	for _, p := range props {
		objs = append(objs, map[string]string{p.Key: p.Value})
	}
	b, _ := json.Marshal(objs) // maps of strings always marshal
	return b
}

// handleListRetained serves ListRetainedMessages: GET /retainedMessage.
// The default page size is 200 (the model gives none).
func (s *Service) handleListRetained(w http.ResponseWriter, r *http.Request) {
	limit, apiErr := maxResults(r, 200)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	all := s.cfg.Retained.RetainedMessages()
	topics := make([]string, 0, len(all))
	for t := range all {
		topics = append(topics, t)
	}
	names, next, apiErr := page(topics, r.URL.Query().Get("nextToken"), limit)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	out := struct {
		RetainedTopics []retainedSummary `json:"retainedTopics"`
		NextToken      string            `json:"nextToken,omitempty"`
	}{RetainedTopics: make([]retainedSummary, 0, len(names)), NextToken: next}
	for _, t := range names {
		rm := all[t]
		out.RetainedTopics = append(out.RetainedTopics, retainedSummary{
			Topic: t, PayloadSize: len(rm.Payload), QoS: rm.QoS, LastModifiedTime: rm.LastModified.UnixMilli(),
		})
	}
	awsrest.WriteJSON(w, requestID(w), out)
}
