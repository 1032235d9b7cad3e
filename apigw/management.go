package apigw

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"time"

	"github.com/iotemu/iotemu/internal/awsid"
)

// ConnectionInfo describes an established connection, as GetConnection
// does, plus where it belongs.
type ConnectionInfo struct {
	ConnectionID string
	APIID        string
	Stage        string
	ConnectedAt  time.Time
	LastActiveAt time.Time
	SourceIP     string
	UserAgent    string
}

// PostToConnection sends data to the client as one message (text when it
// is UTF-8). Errors: ErrGone, ErrPayloadTooLarge, ErrLimitExceeded.
// AWS: API Reference apigatewaymanagementapi PostToConnection.
func (s *Server) PostToConnection(_ context.Context, connectionID string, data []byte) error {
	return s.post("", connectionID, data)
}

func (s *Server) post(stage, id string, data []byte) error {
	err := s.postData(stage, id, data)
	result := "200"
	if err != nil {
		result = err.Error()
	}
	s.log.Info("API Gateway PostToConnection "+id+" => "+result, "connectionId", id, "bytes", len(data), "result", result)
	return err
}

func (s *Server) postData(stage, id string, data []byte) error {
	if len(data) > s.cfg.Limits.MessageBytes {
		return ErrPayloadTooLarge // AWS: Data "max": 131072
	}
	c, ok := s.lookup(stage, id)
	if !ok {
		return ErrGone
	}
	return c.send(append([]byte(nil), data...))
}

// DeleteConnection closes the connection with 1000; its $disconnect gets
// "Connection Closed Normally". Error: ErrGone.
func (s *Server) DeleteConnection(_ context.Context, connectionID string) error {
	return s.deleteConn("", connectionID)
}

func (s *Server) deleteConn(stage, id string) error {
	c, ok := s.lookup(stage, id)
	if !ok || !c.requestClose(closeNormal, reasonNormal, true) {
		return ErrGone
	}
	return nil
}

// GetConnection describes a connection. Error: ErrGone.
func (s *Server) GetConnection(_ context.Context, connectionID string) (ConnectionInfo, error) {
	c, ok := s.lookup("", connectionID)
	if !ok {
		return ConnectionInfo{}, ErrGone
	}
	return c.info(), nil
}

// Connections lists the established connections of every API.
func (s *Server) Connections() []ConnectionInfo {
	s.mu.Lock()
	conns := make([]*conn, 0, len(s.conns))
	for _, c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	out := make([]ConnectionInfo, len(conns))
	for i, c := range conns {
		out[i] = c.info()
	}
	return out
}

func (c *conn) info() ConnectionInfo {
	return ConnectionInfo{
		ConnectionID: c.id,
		APIID:        c.api.ID,
		Stage:        c.api.Stage,
		ConnectedAt:  c.connectedAt,
		LastActiveAt: time.UnixMilli(c.lastActiveAt.Load()),
		SourceIP:     c.identity.SourceIP,
		UserAgent:    c.identity.UserAgent,
	}
}

// getConnectionResponse is GetConnection's body; userAgent is required by
// the model, so it is sent even when empty. AWS: service-2.json
// GetConnectionResponse; response_snapshot/GetConnection.response.snap.
type getConnectionResponse struct {
	ConnectedAt string `json:"connectedAt"`
	Identity    struct {
		SourceIP  string `json:"sourceIp"`
		UserAgent string `json:"userAgent"`
	} `json:"identity"`
	LastActiveAt string `json:"lastActiveAt"`
}

// maxDrainBytes bounds the rest of a refused body that is read and
// discarded (at the pace HTTPReadTimeout allows).
const maxDrainBytes = 32 << 20

// serveManagement serves POST, GET and DELETE /{stage}/@connections/{id}:
// 200, 200 with JSON, 204. AWS: https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-how-to-call-websocket-api-connections.html#apigateway-how-to-call-websocket-api-connections.
func (s *Server) serveManagement(w http.ResponseWriter, r *http.Request, stage, id string) {
	w.Header().Set("x-amzn-RequestId", awsid.NewUUID())
	var err error
	switch r.Method {
	case http.MethodPost:
		var data []byte
		data, err = io.ReadAll(io.LimitReader(r.Body, int64(s.cfg.Limits.MessageBytes)+1))
		if err == nil {
			err = s.post(stage, id, data)
		}
		// A body over the limit is read to its end (up to maxDrainBytes)
		// before the 413 goes out: a client still sending it would
		// otherwise see its connection reset instead of the answer.
		_, _ = io.CopyN(io.Discard, r.Body, maxDrainBytes) // what is left is the client's problem
		if err == nil {
			w.WriteHeader(http.StatusOK)
		}
	case http.MethodGet:
		c, ok := s.lookup(stage, id)
		if !ok {
			err = ErrGone
			break
		}
		info := c.info()
		var res getConnectionResponse
		res.ConnectedAt, res.LastActiveAt = isoMillis(info.ConnectedAt), isoMillis(info.LastActiveAt)
		res.Identity.SourceIP, res.Identity.UserAgent = info.SourceIP, info.UserAgent
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(res) // the caller went away; nothing to report
	case http.MethodDelete:
		if err = s.deleteConn(stage, id); err == nil {
			w.WriteHeader(http.StatusNoContent)
		}
	default:
		err = ErrForbidden
	}
	if err != nil {
		writeError(w, err)
	}
}
