package apigwv2_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/iotemu/iotemu/internal/apigwv2"
)

// cli runs the AWS CLI against the fixture; skipped without the CLI.
func (f *fixture) cli(t *testing.T, args ...string) (map[string]any, string, error) {
	t.Helper()
	bin, err := exec.LookPath("aws")
	if err != nil {
		t.Skip("aws CLI not installed")
	}
	cmd := exec.Command(bin, append([]string{"apigatewayv2", "--endpoint-url", f.url, "--region", region, "--output", "json"}, args...)...)
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY=secret", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_MAX_ATTEMPTS=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var m map[string]any
	if err == nil && len(strings.TrimSpace(string(out))) > 0 {
		if jerr := json.Unmarshal(out, &m); jerr != nil {
			t.Fatalf("aws %v: %v: %s", args, jerr, out)
		}
	}
	return m, stderr.String(), err
}

// The AWS CLI (botocore) drives the same wire: create, read, tag through
// a path-encoded ARN, and AWS's error for an unknown API.
func TestCLI(t *testing.T) {
	f := newFixture(t, apigwv2.Config{})
	api, _, err := f.cli(t, "create-api", "--name", "chat", "--protocol-type", "WEBSOCKET", "--route-selection-expression", "$request.body.action")
	if err != nil {
		t.Fatalf("create-api: %v", err)
	}
	id, _ := api["ApiId"].(string)
	matches(t, "ApiId", `^[a-z0-9]{10}$`, id)
	integ, _, err := f.cli(t, "create-integration", "--api-id", id, "--integration-type", "AWS_PROXY", "--integration-uri", onConnect)
	if err != nil || integ["IntegrationUri"] != onConnect {
		t.Fatalf("create-integration = %v, %v", integ, err)
	}
	if _, _, err := f.cli(t, "create-route", "--api-id", id, "--route-key", "$default", "--target", "integrations/"+integ["IntegrationId"].(string)); err != nil {
		t.Fatalf("create-route: %v", err)
	}
	arn := "arn:aws:apigateway:us-east-1::/apis/" + id
	if _, _, err := f.cli(t, "tag-resource", "--resource-arn", arn, "--tags", "env=dev"); err != nil {
		t.Fatalf("tag-resource: %v", err)
	}
	tags, _, err := f.cli(t, "get-tags", "--resource-arn", arn)
	if err != nil || tags["Tags"].(map[string]any)["env"] != "dev" {
		t.Fatalf("get-tags = %v, %v", tags, err)
	}
	if _, _, err := f.cli(t, "create-stage", "--api-id", id, "--stage-name", "dev", "--auto-deploy"); err != nil {
		t.Fatalf("create-stage: %v", err)
	}
	if _, ok := f.installer.served("dev"); !ok {
		t.Error("the autoDeploy stage is not served")
	}
	_, stderr, err := f.cli(t, "get-api", "--api-id", "zzzzzzzzzz")
	if err == nil || !strings.Contains(stderr, "NotFoundException") || !strings.Contains(stderr, "Invalid API identifier specified 123456789012:zzzzzzzzzz") {
		t.Errorf("get-api unknown: %v, %s", err, stderr)
	}
}
