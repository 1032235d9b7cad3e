package broker

import (
	"context"
	"encoding/base64"
	"log/slog"
	"strconv"
	"unicode/utf8"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
)

// The broker's lines of the request log, one per event at info: CONNECT
// (client ID, transport, principal, result), disconnect (reason),
// SUBSCRIBE (each filter and its result), PUBLISH (topic, QoS, bytes,
// result; the payload only at debug, as text when it is UTF-8). Strict
// mode's denials add their own line naming the deciding statement
// (internal/authz decision.go).

func (s *Broker) logEvent(level slog.Level, msg string, attrs ...slog.Attr) {
	s.log.LogAttrs(context.Background(), level, msg, append([]slog.Attr{slog.String("component", "mqtt")}, attrs...)...)
}

// logConnect writes the line of a CONNECT: result is "accepted" or why it
// was refused.
func (s *Broker) logConnect(cl *mqtt.Client, pk packets.Packet, result string) {
	level := slog.LevelInfo
	attrs := []slog.Attr{slog.String("client", cl.ID), slog.String("transport", cl.Net.Listener),
		slog.Int("protocolVersion", int(cl.Properties.ProtocolVersion)), slog.String("principal", s.principalOf(cl)),
		slog.Bool("cleanSession", pk.Connect.Clean), slog.String("result", result)}
	if result != "accepted" {
		level = slog.LevelWarn
	}
	s.logEvent(level, "MQTT CONNECT "+cl.ID+" => "+result, attrs...)
}

// logDisconnect writes the line of an ended connection.
func (s *Broker) logDisconnect(c *conn, reason string) {
	s.logEvent(slog.LevelInfo, "MQTT disconnect "+c.id+" => "+reason,
		slog.String("client", c.id), slog.String("principal", c.principal), slog.String("reason", reason))
}

// logSubscribe writes the line of one filter of a SUBSCRIBE; result is
// the granted QoS or a refusal.
func (s *Broker) logSubscribe(cl *mqtt.Client, filter, result string) {
	s.logEvent(slog.LevelInfo, "MQTT SUBSCRIBE "+filter+" from "+cl.ID+" => "+result,
		slog.String("client", cl.ID), slog.String("filter", filter), slog.String("result", result))
}

// subackResult names a SUBACK code: "granted QoS n" or the refusal.
func subackResult(code byte) string {
	if code < packets.ErrUnspecifiedError.Code {
		return "granted QoS " + strconv.Itoa(int(code))
	}
	return codeName(code)
}

// logPublish writes the line of a client's PUBLISH with the outcome of
// AWS's checks.
func (s *Broker) logPublish(cl *mqtt.Client, pk packets.Packet, o outcome) {
	result := "accepted"
	level := slog.LevelInfo
	switch o.verdict {
	case drop:
		result, level = "dropped (QoS 2 is not supported)", slog.LevelWarn
	case refuse:
		result, level = "refused, connection closed: "+o.code.Reason, slog.LevelWarn
	case deny:
		result, level = "denied by policy", slog.LevelWarn
	}
	s.logMessage(level, cl.ID, pk, result)
}

// logMessage writes a PUBLISH line; the payload is added at debug.
func (s *Broker) logMessage(level slog.Level, client string, pk packets.Packet, result string) {
	attrs := []slog.Attr{slog.String("client", client), slog.String("topic", pk.TopicName),
		slog.Int("qos", int(pk.FixedHeader.Qos)), slog.Bool("retain", pk.FixedHeader.Retain),
		slog.Int("bytes", len(pk.Payload)), slog.String("result", result)}
	if s.log.Enabled(context.Background(), slog.LevelDebug) {
		attrs = append(attrs, payloadAttr(pk.Payload))
	}
	s.logEvent(level, "MQTT PUBLISH "+pk.TopicName+" from "+client+" => "+result, attrs...)
}

// payloadAttr is the payload as text when it is UTF-8, else base64.
func payloadAttr(p []byte) slog.Attr {
	if utf8.Valid(p) {
		return slog.String("payload", string(p))
	}
	return slog.String("payloadBase64", base64.StdEncoding.EncodeToString(p))
}

// codeName is an MQTT reason code's name, "0x87 not authorized".
func codeName(code byte) string {
	name := "0x" + strconv.FormatUint(uint64(code), 16)
	switch code {
	case packets.ErrNotAuthorized.Code:
		return name + " not authorized"
	case packets.ErrTopicFilterInvalid.Code:
		return name + " topic filter invalid"
	case packets.ErrUnspecifiedError.Code:
		return name + " unspecified error"
	case packets.ErrQuotaExceeded.Code:
		return name + " quota exceeded"
	}
	return name
}
