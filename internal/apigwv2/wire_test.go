package apigwv2_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/iotemu/iotemu/internal/apigwv2"
)

// The wire itself, as a client without an SDK sees it: status codes,
// camelCase members, the x-amzn-ErrorType header, 204 with no body.
func TestWire(t *testing.T) {
	f := newFixture(t, apigwv2.Config{})
	status, hdr, body := do(t, "POST", f.url+"/v2/apis", `{"name":"chat","protocolType":"WEBSOCKET","routeSelectionExpression":"$request.body.action"}`)
	if status != 201 {
		t.Fatalf("CreateApi status %d: %s", status, body)
	}
	var a map[string]any
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"apiId", "apiEndpoint", "routeSelectionExpression", "apiKeySelectionExpression", "createdDate", "protocolType", "tags", "disableExecuteApiEndpoint"} {
		if _, ok := a[k]; !ok {
			t.Errorf("CreateApi response lacks %q: %s", k, body)
		}
	}
	if hdr.Get("Content-Type") != "application/json" || hdr.Get("x-amzn-RequestId") == "" {
		t.Errorf("headers %v", hdr)
	}
	id := a["apiId"].(string)
	for _, path := range []string{"/v2/apis/zzzzzzzzzz", "/v2/apis/zzzzzzzzzz/routes", "/v2/apis/zzzzzzzzzz/integrations/abc/integrationresponses", "/v2/apis/zzzzzzzzzz/stages/dev"} {
		status, hdr, body = do(t, "GET", f.url+path, "")
		if status != 404 || !strings.HasPrefix(hdr.Get("x-amzn-ErrorType"), "NotFoundException") || !strings.Contains(body, `"message":"Invalid API identifier specified 123456789012:zzzzzzzzzz"`) {
			t.Errorf("GET %s: %d %q %s", path, status, hdr.Get("x-amzn-ErrorType"), body)
		}
	}
	status, _, body = do(t, "POST", f.url+"/v2/apis/"+id+"/routes", `{"routeKey":`)
	if status != 400 || !strings.Contains(body, "Could not parse request body into json") {
		t.Errorf("bad JSON: %d %s", status, body)
	}
	status, _, body = do(t, "POST", f.url+"/v2/apis", `{"protocolType":"WEBSOCKET","routeSelectionExpression":"$request.body.action"}`)
	if status != 400 {
		t.Errorf("CreateApi without name: %d %s", status, body)
	}
	status, _, body = do(t, "DELETE", f.url+"/v2/apis/"+id, "")
	if status != 204 || body != "" {
		t.Errorf("DeleteApi: %d %q", status, body)
	}
	status, _, _ = do(t, "GET", f.url+"/v2/domainnames", "")
	if status != 404 {
		t.Errorf("unserved operation: %d", status)
	}
}

func do(t *testing.T, method, url, body string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}
