package emulator_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"

	"github.com/iotemu/iotemu/testkit"
)

// confirmingEndpoint is an HTTP destination's owner: it keeps the
// confirmation requests' tokens and the messages posted to /ingest.
type confirmingEndpoint struct {
	mu       sync.Mutex
	tokens   []string
	headers  []string
	messages []string
}

func (e *confirmingEndpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	e.mu.Lock()
	defer e.mu.Unlock()
	if tok := r.URL.Query().Get("confirmationToken"); tok != "" {
		var body struct {
			ConfirmationToken, MessageType, Arn, EnableURL string
		}
		_ = json.Unmarshal(b, &body)
		if body.ConfirmationToken == tok && body.MessageType == "DestinationConfirmation" && body.Arn != "" {
			e.tokens = append(e.tokens, tok)
		}
		e.headers = append(e.headers, r.Header.Get("x-amz-rules-engine-message-type"))
		return
	}
	e.messages = append(e.messages, string(b))
}

func (e *confirmingEndpoint) lastToken(t *testing.T) string {
	t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.tokens) == 0 {
		t.Fatal("no confirmation request received")
	}
	return e.tokens[len(e.tokens)-1]
}

// TestTopicRuleDestinationsSDK: an HTTP destination is created
// IN_PROGRESS and its endpoint gets AWS's confirmation request; an HTTP
// action under it does not run (a record says so) until
// ConfirmTopicRuleDestination with the token makes it ENABLED; DISABLED
// stops it again; list, get, delete, a VPC destination and the errors.
func TestTopicRuleDestinationsSDK(t *testing.T) {
	t.Parallel()
	ep := &confirmingEndpoint{}
	srv := httptest.NewServer(ep)
	t.Cleanup(srv.Close)
	emu := testkit.Start(t, testkit.WithTopicRule("toHTTP", `{"sql":"SELECT * FROM 'dest/in'","actions":[{"http":{"url":"`+srv.URL+`/ingest","confirmationUrl":"`+srv.URL+`"}}]}`))
	api := iotClient(emu)
	ctx := context.Background()

	made, err := api.CreateTopicRuleDestination(ctx, &iot.CreateTopicRuleDestinationInput{DestinationConfiguration: &types.TopicRuleDestinationConfiguration{
		HttpUrlConfiguration: &types.HttpUrlDestinationConfiguration{ConfirmationUrl: aws.String(srv.URL)}}})
	if err != nil {
		t.Fatal(err)
	}
	d := made.TopicRuleDestination
	arn := aws.ToString(d.Arn)
	if d.Status != types.TopicRuleDestinationStatusInProgress || !strings.HasPrefix(arn, "arn:aws:iot:us-east-1:123456789012:ruledestination/http/") ||
		!strings.HasPrefix(aws.ToString(d.StatusReason), "Awaiting confirmation. Confirmation message sent on ") ||
		aws.ToString(d.HttpUrlProperties.ConfirmationUrl) != srv.URL {
		t.Fatalf("created %+v", d)
	}
	token := ep.lastToken(t)
	if ep.headers[0] != "DestinationConfirmation" {
		t.Errorf("x-amz-rules-engine-message-type %q", ep.headers[0])
	}

	c := emu.Connect(t, "c")
	publishAndRecord := func(payload string) string {
		t.Helper()
		before := len(emu.ActionRecords(t, "toHTTP"))
		c.Publish(t, "dest/in", 1, false, []byte(payload))
		var e string
		testkit.Eventually(t, wait, func() error {
			recs := emu.ActionRecords(t, "toHTTP")
			if len(recs) <= before {
				return errors.New("no new record")
			}
			e = recs[before].Error
			return nil
		})
		return e
	}
	if e := publishAndRecord(`{"n":1}`); !strings.Contains(e, "not ENABLED") || !strings.Contains(e, "IN_PROGRESS") {
		t.Errorf("action before confirmation: error %q", e)
	}
	if _, err := api.ConfirmTopicRuleDestination(ctx, &iot.ConfirmTopicRuleDestinationInput{ConfirmationToken: aws.String(token)}); err != nil {
		t.Fatal(err)
	}
	got, err := api.GetTopicRuleDestination(ctx, &iot.GetTopicRuleDestinationInput{Arn: aws.String(arn)})
	if err != nil || got.TopicRuleDestination.Status != types.TopicRuleDestinationStatusEnabled {
		t.Fatalf("after confirm %+v %v", got, err)
	}
	if e := publishAndRecord(`{"n":2}`); e != "" {
		t.Errorf("action after confirmation: error %q", e)
	}
	ep.mu.Lock()
	msgs := strings.Join(ep.messages, ",")
	ep.mu.Unlock()
	if msgs != `{"n":2}` {
		t.Errorf("posted %q, want only the message after confirmation", msgs)
	}
	if _, err := api.UpdateTopicRuleDestination(ctx, &iot.UpdateTopicRuleDestinationInput{Arn: aws.String(arn), Status: types.TopicRuleDestinationStatusDisabled}); err != nil {
		t.Fatal(err)
	}
	if e := publishAndRecord(`{"n":3}`); !strings.Contains(e, "DISABLED") {
		t.Errorf("action while DISABLED: error %q", e)
	}
	if _, err := api.UpdateTopicRuleDestination(ctx, &iot.UpdateTopicRuleDestinationInput{Arn: aws.String(arn), Status: types.TopicRuleDestinationStatusEnabled}); err != nil {
		t.Fatal(err)
	}
	if _, err := api.UpdateTopicRuleDestination(ctx, &iot.UpdateTopicRuleDestinationInput{Arn: aws.String(arn), Status: types.TopicRuleDestinationStatusInProgress}); err != nil {
		t.Fatal(err)
	}
	if again := ep.lastToken(t); again == token {
		t.Error("IN_PROGRESS did not send a new confirmation token")
	}
	_, err = api.UpdateTopicRuleDestination(ctx, &iot.UpdateTopicRuleDestinationInput{Arn: aws.String(arn), Status: types.TopicRuleDestinationStatusEnabled})
	wantAPIError(t, err, "InvalidRequestException", 400)

	vpc, err := api.CreateTopicRuleDestination(ctx, &iot.CreateTopicRuleDestinationInput{DestinationConfiguration: &types.TopicRuleDestinationConfiguration{
		VpcConfiguration: &types.VpcDestinationConfiguration{SubnetIds: []string{"subnet-1"}, VpcId: aws.String("vpc-1"), RoleArn: aws.String(roleARN)}}})
	if err != nil || vpc.TopicRuleDestination.Status != types.TopicRuleDestinationStatusEnabled || vpc.TopicRuleDestination.VpcProperties == nil {
		t.Fatalf("vpc %+v %v", vpc, err)
	}
	list, err := api.ListTopicRuleDestinations(ctx, &iot.ListTopicRuleDestinationsInput{})
	if err != nil || len(list.DestinationSummaries) != 2 {
		t.Fatalf("list %+v %v", list, err)
	}
	p1, err := api.ListTopicRuleDestinations(ctx, &iot.ListTopicRuleDestinationsInput{MaxResults: aws.Int32(1)})
	if err != nil || len(p1.DestinationSummaries) != 1 || p1.NextToken == nil {
		t.Fatalf("page 1 %+v %v", p1, err)
	}

	_, err = api.CreateTopicRuleDestination(ctx, &iot.CreateTopicRuleDestinationInput{DestinationConfiguration: &types.TopicRuleDestinationConfiguration{
		HttpUrlConfiguration: &types.HttpUrlDestinationConfiguration{ConfirmationUrl: aws.String(srv.URL)}}})
	wantAPIError(t, err, "ResourceAlreadyExistsException", 409)
	_, err = api.CreateTopicRuleDestination(ctx, &iot.CreateTopicRuleDestinationInput{DestinationConfiguration: &types.TopicRuleDestinationConfiguration{
		HttpUrlConfiguration: &types.HttpUrlDestinationConfiguration{ConfirmationUrl: aws.String("not a url")}}})
	wantAPIError(t, err, "InvalidRequestException", 400)
	_, err = api.ConfirmTopicRuleDestination(ctx, &iot.ConfirmTopicRuleDestinationInput{ConfirmationToken: aws.String("bogus")})
	wantAPIError(t, err, "InvalidRequestException", 400)
	_, err = api.GetTopicRuleDestination(ctx, &iot.GetTopicRuleDestinationInput{Arn: aws.String(arnPrefix + "ruledestination/http/nope")})
	wantAPIError(t, err, "InvalidRequestException", 400)
	_, err = api.UpdateTopicRuleDestination(ctx, &iot.UpdateTopicRuleDestinationInput{Arn: aws.String(arn), Status: "PAUSED"})
	wantAPIError(t, err, "InvalidRequestException", 400)
	if status, typ, _ := rawRequest(t, emu, "POST", "/destinations", `{"destinationConfiguration":`, nil); status != 400 || typ == "" {
		t.Errorf("malformed body: %d %s", status, typ)
	}
	if _, err := api.DeleteTopicRuleDestination(ctx, &iot.DeleteTopicRuleDestinationInput{Arn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	_, err = api.DeleteTopicRuleDestination(ctx, &iot.DeleteTopicRuleDestinationInput{Arn: aws.String(arn)})
	wantAPIError(t, err, "InvalidRequestException", 400)
}

// TestTopicRuleDestinationsAWSCLI drives the destination commands with
// the AWS CLI, confirming with the token the endpoint received.
func TestTopicRuleDestinationsAWSCLI(t *testing.T) {
	t.Parallel()
	ep := &confirmingEndpoint{}
	srv := httptest.NewServer(ep)
	t.Cleanup(srv.Close)
	emu := testkit.Start(t)
	cli := func(args ...string) map[string]any { t.Helper(); return cliJSON(t, emu, args...) }
	made, _ := cli("iot", "create-topic-rule-destination", "--destination-configuration", `{"httpUrlConfiguration":{"confirmationUrl":"`+srv.URL+`"}}`)["topicRuleDestination"].(map[string]any)
	arn, _ := made["arn"].(string)
	if made["status"] != "IN_PROGRESS" || arn == "" {
		t.Fatalf("create %v", made)
	}
	cli("iot", "confirm-topic-rule-destination", "--confirmation-token", ep.lastToken(t))
	if got, _ := cli("iot", "get-topic-rule-destination", "--arn", arn)["topicRuleDestination"].(map[string]any); got["status"] != "ENABLED" {
		t.Errorf("get %v", got)
	}
	cli("iot", "update-topic-rule-destination", "--arn", arn, "--status", "DISABLED")
	if got := cli("iot", "list-topic-rule-destinations"); len(got["destinationSummaries"].([]any)) != 1 {
		t.Errorf("list %v", got)
	}
	cli("iot", "delete-topic-rule-destination", "--arn", arn)
	if out, err := runAWS(t, emu, "iot", "get-topic-rule-destination", "--arn", arn); err == nil || !strings.Contains(out, "InvalidRequestException") {
		t.Errorf("after delete: %v %s", err, out)
	}
}
