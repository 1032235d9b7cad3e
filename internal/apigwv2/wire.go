package apigwv2

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// maxBody bounds a request body; ImportApi bodies, the largest, are not served.
const maxBody = 10 << 20

func readBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return nil, badRequest("Could not read request body: %v", err)
	}
	if len(b) > maxBody {
		return nil, badRequest("Request body exceeds %d bytes", maxBody)
	}
	return b, nil
}

// decode reads a JSON object body into v; an empty body is {}.
func decode(body []byte, v any) error {
	if len(body) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		// API Gateway v1's text for such a body (docs/compatibility.md).
		return badRequest("Could not parse request body into json: %v", err)
	}
	return nil
}

// writeResult writes out as JSON with status, or no body for 204.
func writeResult(w http.ResponseWriter, reqID string, status int, out any) {
	w.Header().Set("x-amzn-RequestId", reqID)
	if status == http.StatusNoContent {
		w.WriteHeader(status)
		return
	}
	body, err := json.Marshal(out)
	if err != nil {
		writeErr(w, reqID, fmt.Errorf("encode response: %w", err))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body) // the client went away; nothing to report it to
}

// timestamp formats createdDate and lastUpdatedDate, __timestampIso8601
// ("2020-04-06T23:38:08Z").
// AWS: docs/compatibility.md "apigatewayv2 control plane" "Wire format".
func timestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// page is the items of a Get* list call: {"items": […], "nextToken": …}.
type page[T any] struct {
	Items     []*T   `json:"items"`
	NextToken string `json:"nextToken,omitempty"`
}

// defaultPageSize is what a list answers without maxResults (AWS's own
// default is not documented).
const defaultPageSize = 100

// list pages c in creation order by the maxResults and nextToken query
// parameters. maxResults is a string in the model. The token is the
// base64 of the last ID returned.
func list[T any](c *collection[T], r *http.Request) (*page[T], error) {
	q := r.URL.Query()
	max := defaultPageSize
	if v := q.Get("maxResults"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return nil, badRequest("Invalid maxResults %q", v)
		}
		max = n
	}
	start := 0
	if tok := q.Get("nextToken"); tok != "" {
		last, err := base64.RawURLEncoding.DecodeString(tok)
		i := slices.Index(c.order, string(last))
		if err != nil || i < 0 {
			return nil, badRequest("Invalid nextToken")
		}
		start = i + 1
	}
	end := min(start+max, len(c.order))
	p := &page[T]{Items: make([]*T, 0, end-start)}
	for _, id := range c.order[start:end] {
		p.Items = append(p.Items, c.items[id])
	}
	if end < len(c.order) {
		p.NextToken = base64.RawURLEncoding.EncodeToString([]byte(c.order[end-1]))
	}
	return p, nil
}
