package emulator_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"
	paho "github.com/eclipse/paho.mqtt.golang"
	"github.com/google/go-cmp/cmp"

	"github.com/iotemu/iotemu/emulator"
	"github.com/iotemu/iotemu/testkit"
)

// fleetClaimPolicy is the claim certificate's policy of the guide's
// claim-based example, for template "fleet".
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/provision-wo-cert.html#claim-based
const fleetClaimPolicy = `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":["iot:Connect"],"Resource":"*"},
 {"Effect":"Allow","Action":["iot:Publish","iot:Receive"],"Resource":[
   "arn:aws:iot:us-east-1:123456789012:topic/$aws/certificates/create/*",
   "arn:aws:iot:us-east-1:123456789012:topic/$aws/provisioning-templates/fleet/provision/*"]},
 {"Effect":"Allow","Action":"iot:Subscribe","Resource":[
   "arn:aws:iot:us-east-1:123456789012:topicfilter/$aws/certificates/create/*",
   "arn:aws:iot:us-east-1:123456789012:topicfilter/$aws/provisioning-templates/fleet/provision/*"]}]}`

// fleetDeviceTemplate provisions a thing named from SerialNumber, with a
// policy letting it connect as itself and use things/<thing>/... only.
const fleetDeviceTemplate = `{
 "Parameters": {"SerialNumber": {"Type": "String"}, "AWS::IoT::Certificate::Id": {"Type": "String"}},
 "Resources": {
  "thing": {"Type": "AWS::IoT::Thing", "Properties": {"ThingName": {"Fn::Join": ["", ["sensor-", {"Ref": "SerialNumber"}]]},
    "AttributePayload": {"serial": {"Ref": "SerialNumber"}}}},
  "certificate": {"Type": "AWS::IoT::Certificate", "Properties": {"CertificateId": {"Ref": "AWS::IoT::Certificate::Id"}, "Status": "Active"}},
  "policy": {"Type": "AWS::IoT::Policy", "Properties": {"PolicyName": "SensorPolicy"}}
 },
 "DeviceConfiguration": {"Topic": {"Fn::Sub": "things/sensor-${SerialNumber}/telemetry"}}
}`

func createFleetTemplate(t *testing.T, c *iot.Client, name, body string) {
	t.Helper()
	_, err := c.CreateProvisioningTemplate(context.Background(), &iot.CreateProvisioningTemplateInput{
		TemplateName: aws.String(name), TemplateBody: aws.String(body), Enabled: aws.Bool(true),
		ProvisioningRoleArn: aws.String("arn:aws:iam::123456789012:role/Provisioning"),
	})
	if err != nil {
		t.Fatalf("create provisioning template: %v", err)
	}
}

// pahoTLS connects a paho 3.1.1 client over mTLS with cert; it returns
// the connect error instead of failing.
func pahoTLS(t *testing.T, emu *testkit.Emulator, clientID string, cert tls.Certificate) (paho.Client, error) {
	t.Helper()
	o := paho.NewClientOptions().AddBroker(emu.MQTTTLSURL()).SetClientID(clientID).SetCleanSession(true).
		SetAutoReconnect(false).SetConnectTimeout(wait).SetWriteTimeout(wait).
		SetTLSConfig(&tls.Config{RootCAs: emu.CAPool(), Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	c := paho.NewClient(o)
	tok := c.Connect()
	if !tok.WaitTimeout(wait) {
		return nil, context.DeadlineExceeded
	}
	if err := tok.Error(); err != nil {
		return nil, err
	}
	t.Cleanup(func() { c.Disconnect(0) })
	return c, nil
}

// subscribeInbox subscribes a paho client and collects what arrives.
func subscribeInbox(t *testing.T, c paho.Client, filter string) (<-chan paho.Message, byte) {
	t.Helper()
	ch := make(chan paho.Message, 16)
	tok := c.Subscribe(filter, 1, func(_ paho.Client, m paho.Message) { ch <- m })
	if !tok.WaitTimeout(wait) || tok.Error() != nil {
		t.Fatalf("subscribe %s: %v", filter, tok.Error())
	}
	st, _ := tok.(*paho.SubscribeToken)
	return ch, st.Result()[filter]
}

func publishWait(t *testing.T, c paho.Client, topic string, payload []byte) {
	t.Helper()
	if tok := c.Publish(topic, 1, false, payload); !tok.WaitTimeout(wait) || tok.Error() != nil {
		t.Fatalf("publish %s: %v", topic, tok.Error())
	}
}

func nextJSON(t *testing.T, ch <-chan paho.Message) (string, map[string]any) {
	t.Helper()
	select {
	case m := <-ch:
		var doc map[string]any
		if err := json.Unmarshal(m.Payload(), &doc); err != nil {
			t.Fatalf("%s: %s: %v", m.Topic(), m.Payload(), err)
		}
		return m.Topic(), doc
	case <-time.After(wait):
		t.Fatal("no reply")
	}
	return "", nil
}

// TestFleetProvisioningStrict: a device with a claim certificate, over
// mTLS in strict mode, creates its keys and certificate, provisions itself
// with the template, then connects with its new certificate and is
// refused what its new policy forbids.
func TestFleetProvisioningStrict(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t, testkit.WithStrictAuth(cliCredential),
		testkit.WithConfig(func(c *emulator.Config) { c.Compat.ECDSAKeysAndCertificate = true }))
	ctx := context.Background()
	cp := iotClient(emu)
	if _, err := cp.CreatePolicy(ctx, &iot.CreatePolicyInput{PolicyName: aws.String("SensorPolicy"), PolicyDocument: aws.String(testkit.ThingPolicy)}); err != nil {
		t.Fatal(err)
	}
	createFleetTemplate(t, cp, "fleet", fleetDeviceTemplate)
	claim := emu.CreateDevice(t, "claim", fleetClaimPolicy)

	dev, err := pahoTLS(t, emu, "factory-42", claim.Certificate)
	if err != nil {
		t.Fatalf("connect with the claim: %v", err)
	}
	created, _ := subscribeInbox(t, dev, "$aws/certificates/create/json/+")
	publishWait(t, dev, "$aws/certificates/create/json", []byte("{}"))
	topic, keys := nextJSON(t, created)
	if topic != "$aws/certificates/create/json/accepted" {
		t.Fatalf("%s: %v", topic, keys)
	}
	certID, _ := keys["certificateId"].(string)
	d, err := cp.DescribeCertificate(ctx, &iot.DescribeCertificateInput{CertificateId: aws.String(certID)})
	if err != nil || string(d.CertificateDescription.Status) != "PENDING_ACTIVATION" {
		t.Fatalf("new certificate: %v %v", d, err)
	}
	newCert, err := tls.X509KeyPair([]byte(keys["certificatePem"].(string)), []byte(keys["privateKey"].(string)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pahoTLS(t, emu, "sensor-42", newCert); err == nil {
		t.Fatal("a PENDING_ACTIVATION certificate connected")
	}

	provisioned, _ := subscribeInbox(t, dev, "$aws/provisioning-templates/fleet/provision/json/+")
	req, _ := json.Marshal(map[string]any{"certificateOwnershipToken": keys["certificateOwnershipToken"], "parameters": map[string]string{"SerialNumber": "42"}})
	publishWait(t, dev, "$aws/provisioning-templates/fleet/provision/json", req)
	topic, doc := nextJSON(t, provisioned)
	want := map[string]any{"deviceConfiguration": map[string]any{"Topic": "things/sensor-42/telemetry"}, "thingName": "sensor-42"}
	if topic != "$aws/provisioning-templates/fleet/provision/json/accepted" || !cmp.Equal(want, doc) {
		t.Fatalf("%s: %v", topic, doc)
	}
	// A bad token, in strict mode, on the same connection.
	publishWait(t, dev, "$aws/provisioning-templates/fleet/provision/json", []byte(`{"certificateOwnershipToken":"nope"}`))
	topic, doc = nextJSON(t, provisioned)
	want = map[string]any{"statusCode": 400.0, "errorCode": "InvalidCertificateOwnershipToken", "errorMessage": "Certificate ownership token is invalid."}
	if topic != "$aws/provisioning-templates/fleet/provision/json/rejected" || !cmp.Equal(want, doc) {
		t.Fatalf("%s: %v", topic, doc)
	}
	dev.Disconnect(0)

	// The new certificate: ACTIVE, attached to sensor-42 with SensorPolicy.
	d, _ = cp.DescribeCertificate(ctx, &iot.DescribeCertificateInput{CertificateId: aws.String(certID)})
	things, _ := cp.ListPrincipalThings(ctx, &iot.ListPrincipalThingsInput{Principal: d.CertificateDescription.CertificateArn})
	if string(d.CertificateDescription.Status) != "ACTIVE" || len(things.Things) != 1 || things.Things[0] != "sensor-42" {
		t.Fatalf("certificate %s things %v", d.CertificateDescription.Status, things.Things)
	}
	if _, err := pahoTLS(t, emu, "someone-else", newCert); err == nil {
		t.Fatal("the new policy let the device connect under another client ID")
	}
	sensor, err := pahoTLS(t, emu, "sensor-42", newCert)
	if err != nil {
		t.Fatalf("connect with the new certificate: %v", err)
	}
	own, qos := subscribeInbox(t, sensor, "things/sensor-42/#")
	if qos != 1 {
		t.Fatalf("SUBACK for its own topics: %#x", qos)
	}
	publishWait(t, sensor, "things/sensor-42/telemetry", []byte(`{"t":1}`))
	select {
	case m := <-own:
		if m.Topic() != "things/sensor-42/telemetry" {
			t.Fatalf("got %s", m.Topic())
		}
	case <-time.After(wait):
		t.Fatal("the device did not receive its own telemetry")
	}
	// A filter its policy does not allow: MQTT 3.1.1 has no refusal code,
	// the connection ends (docs/compatibility.md "Strict mode").
	if tok := sensor.Subscribe("other/#", 1, nil); tok.WaitTimeout(wait) && tok.Error() == nil {
		t.Fatal("a forbidden subscription was granted")
	}
	testkit.Eventually(t, wait, func() error {
		if sensor.IsConnectionOpen() {
			return context.DeadlineExceeded
		}
		return nil
	})

	// The claim's policy governs the fleet provisioning topics: another
	// template's provision topic is not allowed, the connection ends.
	dev, err = pahoTLS(t, emu, "factory-43", claim.Certificate)
	if err != nil {
		t.Fatalf("reconnect with the claim: %v", err)
	}
	dev.Publish("$aws/provisioning-templates/other/provision/json", 1, false, req).WaitTimeout(wait)
	testkit.Eventually(t, wait, func() error {
		if dev.IsConnectionOpen() {
			return context.DeadlineExceeded
		}
		return nil
	})
}

// TestFleetProvisioningReplies: replies go to the requester only when it
// subscribed; CSR, CBOR-free rejections with their exact JSON.
func TestFleetProvisioningReplies(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t, testkit.WithConfig(func(c *emulator.Config) { c.Compat.ECDSAKeysAndCertificate = true }))
	createFleetTemplate(t, iotClient(emu), "fleet", fleetDeviceTemplate)
	other := emu.Connect(t, "bystander")
	overheard := other.Subscribe(t, "$aws/#", 1)
	c := emu.Connect(t, "dev")
	// Not subscribed: no reply; the sentinel after it proves it.
	c.Publish(t, "$aws/certificates/create/json", 1, false, nil)
	replies := c.Subscribe(t, "$aws/certificates/create-from-csr/json/+", 1)
	c.Publish(t, "$aws/certificates/create-from-csr/json", 1, false, []byte(`{"certificateSigningRequest":"not a CSR"}`))
	m := replies.Next(t, wait)
	var doc map[string]any
	_ = json.Unmarshal(m.Payload, &doc)
	if m.Topic != "$aws/certificates/create-from-csr/json/rejected" || doc["statusCode"] != 400.0 || doc["errorCode"] != "InvalidCSR" ||
		!strings.Contains(doc["errorMessage"].(string), "not a valid PEM-encoded CSR") {
		t.Fatalf("%s: %s", m.Topic, m.Payload)
	}
	if replies.Len() != 0 {
		t.Fatalf("extra replies: %d", replies.Len())
	}
	provision := c.Subscribe(t, "$aws/provisioning-templates/+/provision/json/+", 1)
	c.Publish(t, "$aws/provisioning-templates/missing/provision/json", 1, false, []byte(`{"certificateOwnershipToken":"t"}`))
	m = provision.Next(t, wait)
	if m.Topic != "$aws/provisioning-templates/missing/provision/json/rejected" ||
		string(m.Payload) != `{"statusCode":404,"errorCode":"ResourceNotFound","errorMessage":"The specified template does not exist: missing"}` {
		t.Fatalf("%s: %s", m.Topic, m.Payload)
	}
	c.Publish(t, "$aws/provisioning-templates/fleet/provision/json", 1, false, []byte(`{"parameters":{}}`))
	m = provision.Next(t, wait)
	if string(m.Payload) != `{"statusCode":400,"errorCode":"InvalidCertificateOwnershipToken","errorMessage":"Certificate ownership token cannot be empty."}` {
		t.Fatalf("%s: %s", m.Topic, m.Payload)
	}
	// Only the requests reached the bystander, never a reply.
	other.Publish(t, "$aws/things/x/shadow/get", 1, false, nil) // sentinel
	for {
		got := overheard.Next(t, wait)
		if strings.HasSuffix(got.Topic, "/accepted") || strings.HasSuffix(got.Topic, "/rejected") {
			if strings.Contains(got.Topic, "shadow") {
				break
			}
			t.Fatalf("a reply reached another client: %s", got.Topic)
		}
	}
	stillServing(t, emu)
}

// TestProvisioningClaimExpires: on the Server's clock, a claim certificate
// is INACTIVE five minutes after CreateProvisioningClaim, and a device
// holding it can no longer connect in strict mode.
func TestProvisioningClaimExpires(t *testing.T) {
	t.Parallel()
	clk := testkit.NewFakeClock()
	emu := testkit.Start(t, testkit.WithClock(clk), testkit.WithStrictAuth(cliCredential),
		testkit.WithConfig(func(c *emulator.Config) { c.Compat.ECDSAKeysAndCertificate = true }))
	ctx := context.Background()
	cp := iotClient(emu)
	createFleetTemplate(t, cp, "fleet", fleetDeviceTemplate)
	claim, err := cp.CreateProvisioningClaim(ctx, &iot.CreateProvisioningClaimInput{TemplateName: aws.String("fleet")})
	if err != nil {
		t.Fatal(err)
	}
	if !claim.Expiration.Equal(clk.Now().Add(5 * time.Minute).Truncate(time.Millisecond)) {
		t.Fatalf("expiration %v, want now + 5 min", claim.Expiration)
	}
	cert, err := tls.X509KeyPair([]byte(aws.ToString(claim.CertificatePem)), []byte(aws.ToString(claim.KeyPair.PrivateKey)))
	if err != nil {
		t.Fatal(err)
	}
	dev, err := pahoTLS(t, emu, "factory-1", cert)
	if err != nil {
		t.Fatalf("the fresh claim did not connect: %v", err)
	}
	dev.Disconnect(0)
	clk.Advance(5*time.Minute + 10*time.Second)
	testkit.Eventually(t, wait, func() error {
		// Through Go: the SDK's signatures, on the wall clock, are now
		// older than strict mode's five minutes of skew.
		d, err := emu.Registry().DescribeCertificate(aws.ToString(claim.CertificateId))
		if err != nil || d.Status != "INACTIVE" {
			return context.DeadlineExceeded
		}
		return nil
	})
	if _, err := pahoTLS(t, emu, "factory-1", cert); err == nil {
		t.Fatal("an expired claim connected")
	}
}

// hookEvent is the pre-provisioning hook's input as a Go Lambda sees it.
type hookEvent struct {
	CertificateID string            `json:"certificateId"`
	TemplateArn   string            `json:"templateArn"`
	ClientID      string            `json:"clientId"`
	Parameters    map[string]string `json:"parameters"`
}

// TestPreProvisioningHook: the hook is an in-process Lambda function run
// by the emulator's one invoker; it refuses serial 13 and overrides the
// serial of the others.
func TestPreProvisioningHook(t *testing.T) {
	t.Parallel()
	got := make(chan hookEvent, 4)
	hook := func(_ context.Context, ev hookEvent) (map[string]any, error) {
		got <- ev
		if ev.Parameters["SerialNumber"] == "13" {
			return map[string]any{"allowProvisioning": false}, nil
		}
		return map[string]any{"allowProvisioning": true, "parameterOverrides": map[string]string{"SerialNumber": "hooked-" + ev.Parameters["SerialNumber"]}}, nil
	}
	emu := testkit.Start(t, testkit.WithLambda("fleet-hook", hook),
		testkit.WithConfig(func(c *emulator.Config) { c.Compat.ECDSAKeysAndCertificate = true }))
	ctx := context.Background()
	cp := iotClient(emu)
	if _, err := cp.CreatePolicy(ctx, &iot.CreatePolicyInput{PolicyName: aws.String("SensorPolicy"), PolicyDocument: aws.String(testkit.ThingPolicy)}); err != nil {
		t.Fatal(err)
	}
	_, err := cp.CreateProvisioningTemplate(ctx, &iot.CreateProvisioningTemplateInput{
		TemplateName: aws.String("hooked"), TemplateBody: aws.String(fleetDeviceTemplate), Enabled: aws.Bool(true),
		ProvisioningRoleArn: aws.String("arn:aws:iam::123456789012:role/Provisioning"),
		PreProvisioningHook: &types.ProvisioningHook{TargetArn: aws.String("arn:aws:lambda:us-east-1:123456789012:function:fleet-hook")},
	})
	if err != nil {
		t.Fatal(err)
	}
	c := emu.Connect(t, "factory")
	keys := c.Subscribe(t, "$aws/certificates/create/json/accepted", 1)
	replies := c.Subscribe(t, "$aws/provisioning-templates/hooked/provision/json/+", 1)
	provision := func(serial string) testkit.Message {
		c.Publish(t, "$aws/certificates/create/json", 1, false, nil)
		var k map[string]string
		_ = json.Unmarshal(keys.Next(t, wait).Payload, &k)
		req, _ := json.Marshal(map[string]any{"certificateOwnershipToken": k["certificateOwnershipToken"], "parameters": map[string]string{"SerialNumber": serial}})
		c.Publish(t, "$aws/provisioning-templates/hooked/provision/json", 1, false, req)
		return replies.Next(t, wait)
	}
	m := provision("7")
	if m.Topic != "$aws/provisioning-templates/hooked/provision/json/accepted" || !strings.Contains(string(m.Payload), `"thingName":"sensor-hooked-7"`) {
		t.Fatalf("%s: %s", m.Topic, m.Payload)
	}
	if ev := <-got; ev.TemplateArn != "arn:aws:iot:us-east-1:123456789012:provisioningtemplate/hooked" || ev.ClientID != "factory" || len(ev.CertificateID) != 64 {
		t.Fatalf("hook input %+v", ev)
	}
	m = provision("13")
	if m.Topic != "$aws/provisioning-templates/hooked/provision/json/rejected" ||
		string(m.Payload) != `{"statusCode":403,"errorCode":"AccessDenied","errorMessage":"Provisioning was denied by the pre-provisioning hook"}` {
		t.Fatalf("%s: %s", m.Topic, m.Payload)
	}
}
