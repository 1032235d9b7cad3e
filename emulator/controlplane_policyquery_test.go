package emulator_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"
	paho5 "github.com/eclipse/paho.golang/paho"

	"github.com/iotemu/iotemu/testkit"
)

// simPolicy: connect as the thing; publish under sensors/<thing>/ except
// .../secret (explicit deny); subscribe cmd/<thing>/...; receive
// cmd/<thing>/... except .../hidden.
const simPolicy = `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":"iot:Connect","Resource":"arn:aws:iot:us-east-1:123456789012:client/${iot:Connection.Thing.ThingName}"},
 {"Effect":"Allow","Action":"iot:Publish","Resource":"arn:aws:iot:us-east-1:123456789012:topic/sensors/${iot:Connection.Thing.ThingName}/*"},
 {"Effect":"Deny","Action":"iot:Publish","Resource":"arn:aws:iot:us-east-1:123456789012:topic/sensors/*/secret"},
 {"Effect":"Allow","Action":"iot:Subscribe","Resource":"arn:aws:iot:us-east-1:123456789012:topicfilter/cmd/${iot:Connection.Thing.ThingName}/*"},
 {"Effect":"Allow","Action":"iot:Receive","Resource":"arn:aws:iot:us-east-1:123456789012:topic/cmd/${iot:Connection.Thing.ThingName}/*"},
 {"Effect":"Deny","Action":"iot:Receive","Resource":"arn:aws:iot:us-east-1:123456789012:topic/cmd/*/hidden"}]}`

const arnPrefix = "arn:aws:iot:us-east-1:123456789012:"

// TestTestAuthorizationAgreesWithStrictMode asks TestAuthorization about a
// certificate's policy (with thing name variables) and then does each
// operation over a real strict-mode MQTT 5 connection with that
// certificate: both say the same.
func TestTestAuthorizationAgreesWithStrictMode(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t, testkit.WithStrictAuth(cliCredential))
	d := emu.CreateDevice(t, "sensor1", simPolicy)
	sender := emu.CreateDevice(t, "sender", testkit.AllowAllPolicy)
	api := iotClient(emu)
	ctx := context.Background()

	ask := func(t *testing.T, clientID, actionType, resource string) string {
		t.Helper()
		out, err := api.TestAuthorization(ctx, &iot.TestAuthorizationInput{
			Principal: aws.String(d.CertificateARN), ClientId: aws.String(clientID),
			AuthInfos: []types.AuthInfo{{ActionType: types.ActionType(actionType), Resources: []string{resource}}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.AuthResults) != 1 {
			t.Fatalf("results %+v", out.AuthResults)
		}
		return string(out.AuthResults[0].AuthDecision)
	}

	cases := []struct {
		name, clientID, action, target, want string
	}{
		{"connect as the thing", "sensor1", "CONNECT", "sensor1", "ALLOWED"},
		{"connect as another client", "other", "CONNECT", "other", "IMPLICIT_DENY"},
		{"allowed publish", "sensor1", "PUBLISH", "sensors/sensor1/temp", "ALLOWED"},
		{"denied publish", "sensor1", "PUBLISH", "sensors/sensor1/secret", "EXPLICIT_DENY"},
		{"publish elsewhere", "sensor1", "PUBLISH", "sensors/other/temp", "IMPLICIT_DENY"},
		{"allowed subscribe", "sensor1", "SUBSCRIBE", "cmd/sensor1/#", "ALLOWED"},
		{"denied subscribe", "sensor1", "SUBSCRIBE", "cmd/other/#", "IMPLICIT_DENY"},
		{"allowed receive", "sensor1", "RECEIVE", "cmd/sensor1/go", "ALLOWED"},
		{"denied receive", "sensor1", "RECEIVE", "cmd/sensor1/hidden", "EXPLICIT_DENY"},
	}
	for _, tc := range cases {
		resource := map[string]string{"CONNECT": "client/", "PUBLISH": "topic/", "SUBSCRIBE": "topicfilter/", "RECEIVE": "topic/"}[tc.action]
		got := ask(t, tc.clientID, tc.action, arnPrefix+resource+tc.target)
		if got != tc.want {
			t.Errorf("%s: TestAuthorization %s, want %s", tc.name, got, tc.want)
		}
		if allowed := realOutcome(t, emu, d, sender, tc.clientID, tc.action, tc.target); allowed != (got == "ALLOWED") {
			t.Errorf("%s: TestAuthorization says %s, a real connection allowed=%v", tc.name, got, allowed)
		}
	}
}

// realOutcome does one operation over a strict-mode MQTT 5 connection and
// says whether it was allowed.
func realOutcome(t *testing.T, emu *testkit.Emulator, d, sender testkit.Device, clientID, action, target string) bool {
	t.Helper()
	if action == "CONNECT" {
		return connack5(t, emu, deviceTLS(d), &paho5.Connect{ClientID: clientID, CleanStart: true, KeepAlive: 30}) == 0
	}
	c, received := connect5(t, dialTLS(t, emu, deviceTLS(d)), clientID)
	defer func() { _ = c.Disconnect(&paho5.Disconnect{}) }()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	switch action {
	case "PUBLISH":
		resp, _ := c.Publish(ctx, &paho5.Publish{Topic: target, QoS: 1, Payload: []byte("x")})
		if resp == nil {
			t.Fatalf("publish %s: no PUBACK", target)
		}
		return resp.ReasonCode < 0x80
	case "SUBSCRIBE":
		ack, _ := c.Subscribe(ctx, &paho5.Subscribe{Subscriptions: []paho5.SubscribeOptions{{Topic: target, QoS: 1}}})
		if ack == nil || len(ack.Reasons) != 1 {
			t.Fatalf("subscribe %s: SUBACK %+v", target, ack)
		}
		return ack.Reasons[0] < 0x80
	}
	// RECEIVE: subscribe to everything of the thing, have another device
	// publish the topic and then a sentinel; the sentinel proves the
	// topic's delivery is decided.
	if ack, err := c.Subscribe(ctx, &paho5.Subscribe{Subscriptions: []paho5.SubscribeOptions{{Topic: "cmd/sensor1/#", QoS: 1}}}); err != nil || ack.Reasons[0] >= 0x80 {
		t.Fatalf("subscribe: %+v %v", ack, err)
	}
	s := emu.Connect(t, "sender", emu.AsDevice(sender))
	defer s.Disconnect()
	s.Publish(t, target, 1, false, []byte("x"))
	s.Publish(t, "cmd/sensor1/sentinel", 1, false, []byte("end"))
	var topics []string
	for {
		select {
		case m := <-received:
			if m.Topic == "cmd/sensor1/sentinel" {
				return slices.Contains(topics, target)
			}
			topics = append(topics, m.Topic)
		case <-ctx.Done():
			t.Fatalf("no sentinel; received %v", topics)
		}
	}
}

// TestPolicyQueriesSDK: ListPolicyPrincipals, ListTargetsForPolicy (a
// certificate, a thing group, a Cognito identity), GetEffectivePolicies
// (the principal's and the thing's groups' with ancestors), and
// TestAuthorization's policy lists, policyNamesToAdd/Skip and errors.
func TestPolicyQueriesSDK(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	api := iotClient(emu)
	ctx := context.Background()
	d := emu.CreateDevice(t, "dev1", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Publish","Resource":"*"}]}`)
	mustDo := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iot:Publish","Resource":"arn:aws:iot:us-east-1:123456789012:topic/no"}]}`
	other := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Subscribe","Resource":"*"}]}`
	mustDo(api.CreatePolicy(ctx, &iot.CreatePolicyInput{PolicyName: aws.String("deny"), PolicyDocument: aws.String(deny)}))
	mustDo(api.CreatePolicy(ctx, &iot.CreatePolicyInput{PolicyName: aws.String("other"), PolicyDocument: aws.String(other)}))
	mustDo(api.CreateThingGroup(ctx, &iot.CreateThingGroupInput{ThingGroupName: aws.String("root")}))
	mustDo(api.CreateThingGroup(ctx, &iot.CreateThingGroupInput{ThingGroupName: aws.String("leaf"), ParentGroupName: aws.String("root")}))
	mustDo(api.AddThingToThingGroup(ctx, &iot.AddThingToThingGroupInput{ThingGroupName: aws.String("leaf"), ThingName: aws.String("dev1")}))
	rootARN := arnPrefix + "thinggroup/root"
	cognito := "us-east-1:0f1e2d3c-0000-1111-2222-333344445555"
	for _, target := range []string{rootARN, d.CertificateARN, cognito} {
		mustDo(api.AttachPolicy(ctx, &iot.AttachPolicyInput{PolicyName: aws.String("deny"), Target: aws.String(target)}))
	}

	targets, err := api.ListTargetsForPolicy(ctx, &iot.ListTargetsForPolicyInput{PolicyName: aws.String("deny")})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{d.CertificateARN, rootARN, cognito}; !sameSet(targets.Targets, want) {
		t.Errorf("ListTargetsForPolicy %v, want %v", targets.Targets, want)
	}
	principals, err := api.ListPolicyPrincipals(ctx, &iot.ListPolicyPrincipalsInput{PolicyName: aws.String("deny")}) //nolint:staticcheck // the deprecated operation, tested on purpose
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{d.CertificateARN, cognito}; !sameSet(principals.Principals, want) {
		t.Errorf("ListPolicyPrincipals %v, want %v (no thing groups)", principals.Principals, want)
	}
	page1, err := api.ListPolicyPrincipals(ctx, &iot.ListPolicyPrincipalsInput{PolicyName: aws.String("deny"), PageSize: aws.Int32(1)}) //nolint:staticcheck // the deprecated operation, tested on purpose
	if err != nil || len(page1.Principals) != 1 || page1.NextMarker == nil {
		t.Fatalf("page 1: %+v %v", page1, err)
	}
	page2, err := api.ListPolicyPrincipals(ctx, &iot.ListPolicyPrincipalsInput{PolicyName: aws.String("deny"), PageSize: aws.Int32(1), Marker: page1.NextMarker}) //nolint:staticcheck // the deprecated operation, tested on purpose
	if err != nil || len(page2.Principals) != 1 || page2.NextMarker != nil || page2.Principals[0] == page1.Principals[0] {
		t.Fatalf("page 2: %+v %v", page2, err)
	}

	eff, err := api.GetEffectivePolicies(ctx, &iot.GetEffectivePoliciesInput{Principal: aws.String(d.CertificateARN), ThingName: aws.String("dev1")})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range eff.EffectivePolicies {
		names = append(names, aws.ToString(p.PolicyName))
		if !strings.Contains(aws.ToString(p.PolicyDocument), "Statement") || aws.ToString(p.PolicyArn) != arnPrefix+"policy/"+aws.ToString(p.PolicyName) {
			t.Errorf("effective policy %+v", p)
		}
	}
	if !sameSet(names, []string{"dev1-policy", "deny"}) {
		t.Errorf("GetEffectivePolicies %v, want dev1-policy and deny (inherited from root)", names)
	}

	res, err := api.TestAuthorization(ctx, &iot.TestAuthorizationInput{
		Principal: aws.String(d.CertificateARN), ClientId: aws.String("dev1"), PolicyNamesToAdd: []string{"other"},
		AuthInfos: []types.AuthInfo{
			{ActionType: types.ActionTypePublish, Resources: []string{arnPrefix + "topic/no"}},
			{ActionType: types.ActionTypePublish, Resources: []string{arnPrefix + "topic/yes"}},
			{ActionType: types.ActionTypeSubscribe, Resources: []string{arnPrefix + "topicfilter/a"}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	refNames := func(ps []types.Policy) []string {
		var out []string
		for _, p := range ps {
			out = append(out, aws.ToString(p.PolicyName))
		}
		return out
	}
	r := res.AuthResults
	if len(r) != 3 || r[0].AuthDecision != types.AuthDecisionExplicitDeny || r[1].AuthDecision != types.AuthDecisionAllowed || r[2].AuthDecision != types.AuthDecisionAllowed {
		b, _ := json.Marshal(r)
		t.Fatalf("decisions %s", b)
	}
	if !sameSet(refNames(r[0].Denied.ExplicitDeny.Policies), []string{"deny"}) || !sameSet(refNames(r[0].Allowed.Policies), []string{"dev1-policy"}) ||
		!sameSet(refNames(r[0].Denied.ImplicitDeny.Policies), []string{"other"}) {
		b, _ := json.Marshal(r[0])
		t.Errorf("policy lists %s", b)
	}
	if r[0].AuthInfo.Resources[0] != arnPrefix+"topic/no" || r[0].AuthInfo.ActionType != types.ActionTypePublish {
		t.Errorf("authInfo %+v", r[0].AuthInfo)
	}
	skipped, err := api.TestAuthorization(ctx, &iot.TestAuthorizationInput{
		Principal: aws.String(d.CertificateARN), ClientId: aws.String("dev1"), PolicyNamesToSkip: []string{"deny"},
		AuthInfos: []types.AuthInfo{{ActionType: types.ActionTypePublish, Resources: []string{arnPrefix + "topic/no"}}},
	})
	if err != nil || skipped.AuthResults[0].AuthDecision != types.AuthDecisionAllowed {
		t.Errorf("policyNamesToSkip: %+v %v", skipped, err)
	}

	// Bad input: AWS's errors.
	_, err = api.ListPolicyPrincipals(ctx, &iot.ListPolicyPrincipalsInput{PolicyName: aws.String("missing")}) //nolint:staticcheck // the deprecated operation, tested on purpose
	wantAPIError(t, err, "ResourceNotFoundException", 404)
	_, err = api.ListTargetsForPolicy(ctx, &iot.ListTargetsForPolicyInput{PolicyName: aws.String("missing")})
	wantAPIError(t, err, "ResourceNotFoundException", 404)
	_, err = api.GetEffectivePolicies(ctx, &iot.GetEffectivePoliciesInput{ThingName: aws.String("nothing")})
	wantAPIError(t, err, "ResourceNotFoundException", 404)
	_, err = api.GetEffectivePolicies(ctx, &iot.GetEffectivePoliciesInput{Principal: aws.String(arnPrefix + "cert/" + strings.Repeat("ab", 32))})
	wantAPIError(t, err, "ResourceNotFoundException", 404)
	_, err = api.TestAuthorization(ctx, &iot.TestAuthorizationInput{Principal: aws.String(arnPrefix + "cert/" + strings.Repeat("ab", 32)),
		AuthInfos: []types.AuthInfo{{ActionType: types.ActionTypePublish, Resources: []string{arnPrefix + "topic/a"}}}})
	wantAPIError(t, err, "ResourceNotFoundException", 404)
	_, err = api.TestAuthorization(ctx, &iot.TestAuthorizationInput{Principal: aws.String(d.CertificateARN), PolicyNamesToAdd: []string{"missing"},
		AuthInfos: []types.AuthInfo{{ActionType: types.ActionTypePublish, Resources: []string{arnPrefix + "topic/a"}}}})
	wantAPIError(t, err, "ResourceNotFoundException", 404)
	_, err = api.TestAuthorization(ctx, &iot.TestAuthorizationInput{Principal: aws.String(d.CertificateARN),
		AuthInfos: []types.AuthInfo{{ActionType: "DELETE", Resources: []string{arnPrefix + "topic/a"}}}})
	wantAPIError(t, err, "InvalidRequestException", 400)
	eleven := make([]types.AuthInfo, 11)
	for i := range eleven {
		eleven[i] = types.AuthInfo{ActionType: types.ActionTypePublish, Resources: []string{arnPrefix + "topic/a"}}
	}
	_, err = api.TestAuthorization(ctx, &iot.TestAuthorizationInput{Principal: aws.String(d.CertificateARN), AuthInfos: eleven})
	wantAPIError(t, err, "InvalidRequestException", 400)
	if status, typ, _ := rawRequest(t, emu, "POST", "/test-authorization", `{"authInfos":`, nil); status != 400 || typ == "" {
		t.Errorf("malformed body: %d %s", status, typ)
	}
	if status, typ, _ := rawRequest(t, emu, "GET", "/policy-principals", "", nil); status != 400 || !strings.HasPrefix(typ, "InvalidRequestException") {
		t.Errorf("ListPolicyPrincipals without its header: %d %s", status, typ)
	}
}

// TestPolicyQueriesAWSCLI drives the four commands with the AWS CLI.
func TestPolicyQueriesAWSCLI(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	d := emu.CreateDevice(t, "clidev", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"arn:aws:iot:us-east-1:123456789012:client/${iot:Connection.Thing.ThingName}"}]}`)
	cli := func(args ...string) map[string]any { t.Helper(); return cliJSON(t, emu, args...) }
	if got := cli("iot", "list-policy-principals", "--policy-name", "clidev-policy"); !sameSet(anyStrings(got["principals"]), []string{d.CertificateARN}) {
		t.Errorf("list-policy-principals %v", got)
	}
	if got := cli("iot", "list-targets-for-policy", "--policy-name", "clidev-policy"); !sameSet(anyStrings(got["targets"]), []string{d.CertificateARN}) {
		t.Errorf("list-targets-for-policy %v", got)
	}
	got := cli("iot", "get-effective-policies", "--principal", d.CertificateARN, "--thing-name", "clidev")
	if ps, _ := got["effectivePolicies"].([]any); len(ps) != 1 {
		t.Errorf("get-effective-policies %v", got)
	}
	got = cli("iot", "test-authorization", "--principal", d.CertificateARN, "--client-id", "clidev",
		"--auth-infos", "actionType=CONNECT,resources="+arnPrefix+"client/clidev", "actionType=CONNECT,resources="+arnPrefix+"client/x")
	results, _ := got["authResults"].([]any)
	if len(results) != 2 || results[0].(map[string]any)["authDecision"] != "ALLOWED" || results[1].(map[string]any)["authDecision"] != "IMPLICIT_DENY" {
		t.Errorf("test-authorization %v", got)
	}
	if out, err := runAWS(t, emu, "iot", "test-authorization", "--principal", d.CertificateARN, "--auth-infos", "actionType=FLY,resources=x"); err == nil || !strings.Contains(out, "InvalidRequestException") {
		t.Errorf("bad actionType: %v %s", err, out)
	}
}

func anyStrings(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
