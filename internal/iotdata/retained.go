package iotdata

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/iotemu/iotemu/internal/awsrest"
)

// retainedMessage is the body of GetRetainedMessage; []byte fields are
// base64 in JSON, as the model's blobs.
// AWS: iot-data service-2.json GetRetainedMessageResponse (broker.md §4.2).
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

// retained returns the retained message of a topic. mochi's own $SYS
// messages are not AWS's: $ topics never hold a retained message on AWS
// (RETAIN on reserved topics is refused).
func (s *Server) retained(topic string) (packets.Packet, bool) {
	if strings.HasPrefix(topic, "$") {
		return packets.Packet{}, false
	}
	pk, ok := s.broker.Topics.Retained.Get(topic)
	return pk, ok && len(pk.Payload) > 0
}

// handleGetRetained serves GetRetainedMessage: GET /retainedMessage/{topic}.
func (s *Server) handleGetRetained(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("topic")
	pk, ok := s.retained(name)
	if !ok {
		writeError(w, awsrest.Errorf(http.StatusNotFound, awsrest.ResourceNotFound,
			"No retained message exists for topic: %s", name))
		return
	}
	out := retainedMessage{Topic: name, Payload: pk.Payload, QoS: pk.FixedHeader.Qos, LastModifiedTime: pk.Created * 1000}
	if len(pk.Properties.User) > 0 {
		out.UserProperties = encodeUserProperties(pk.Properties.User)
	}
	awsrest.WriteJSON(w, requestID(w), out)
}

// encodeUserProperties writes user properties as the JSON array of
// one-key objects that Publish takes in x-amz-mqtt5-user-properties.
func encodeUserProperties(props []packets.UserProperty) []byte {
	objs := make([]map[string]string, 0, len(props))
	for _, p := range props {
		objs = append(objs, map[string]string{p.Key: p.Val})
	}
	b, _ := json.Marshal(objs) // maps of strings always marshal
	return b
}

// handleListRetained serves ListRetainedMessages: GET /retainedMessage.
// The default page size is 200 (the model gives none).
func (s *Server) handleListRetained(w http.ResponseWriter, r *http.Request) {
	limit, apiErr := maxResults(r, 200)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	all := s.broker.Topics.Retained.GetAll()
	topics := make([]string, 0, len(all))
	for t, pk := range all {
		if !strings.HasPrefix(t, "$") && len(pk.Payload) > 0 {
			topics = append(topics, t)
		}
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
		pk := all[t]
		out.RetainedTopics = append(out.RetainedTopics, retainedSummary{
			Topic: t, PayloadSize: len(pk.Payload), QoS: pk.FixedHeader.Qos, LastModifiedTime: pk.Created * 1000,
		})
	}
	awsrest.WriteJSON(w, requestID(w), out)
}
