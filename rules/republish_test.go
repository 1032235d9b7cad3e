package rules_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iotemu/iotemu/rules"
)

func TestRepublishHeadersAndTemplates(t *testing.T) {
	pub := &capturePublisher{}
	e := newEngine(t, rules.Config{Publisher: pub})
	mustAdd(t, e, rules.Rule{
		Name: "rp",
		SQL:  "SET @unit = 'C' SELECT temp AS t FROM 'dev/+/data'",
		Actions: []rules.Action{&rules.Republish{
			Topic: "$$aws/things/${topic(2)}/out/${@unit}/${t}",
			QoS:   1,
			Headers: &rules.RepublishHeaders{
				PayloadFormatIndicator: "UTF8_DATA",
				ContentType:            "${get_mqtt_property('content_type')}",
				ResponseTopic:          "resp/${clientid()}",
				CorrelationData:        "${encode(topic(2), 'base64')}",
				MessageExpiry:          "${30 * 2}",
				UserProperties:         []rules.UserProperty{{Key: "unit", Value: "${@unit}"}, {Key: "dev", Value: "${topic(2)}"}},
			},
		}},
	})
	res, err := e.Handle(context.Background(), rules.Message{
		Topic: "dev/d1/data", Payload: []byte(`{"temp":21.5}`), ClientID: "c1", ContentType: "application/json",
	})
	if err != nil || len(res) != 1 || len(res[0].ActionErrors) != 0 {
		t.Fatalf("handle: %+v %v", res, err)
	}
	want := []rules.Outbound{{
		Topic: "$aws/things/d1/out/C/", Payload: []byte(`{"t":21.5}`), QoS: 1,
		ContentType: "application/json", ResponseTopic: "resp/c1", CorrelationData: []byte("d1"),
		PayloadFormat: rules.PayloadFormatUTF8, MessageExpiry: 60 * time.Second,
		UserProperties: [][2]string{{"unit", "C"}, {"dev", "d1"}},
	}}
	if diff := cmp.Diff(want, pub.all()); diff != "" {
		t.Errorf("republished (-want +got):\n%s", diff)
	}
}

func TestRepublishErrors(t *testing.T) {
	e := newEngine(t, rules.Config{})
	mustAdd(t, e, rules.Rule{Name: "nopub", SQL: "SELECT * FROM 'a'", Actions: []rules.Action{rules.Republish{Topic: "b"}}})
	mustAdd(t, e, rules.Rule{Name: "empty", SQL: "SELECT * FROM 'a'", Actions: []rules.Action{rules.Republish{Topic: "${x}", Publisher: &capturePublisher{}}}})
	mustAdd(t, e, rules.Rule{Name: "jobs", SQL: "SELECT * FROM 'a'", Actions: []rules.Action{rules.Republish{Topic: "$$aws/things/t/jobs/get", Publisher: &capturePublisher{}}}})
	res, err := e.Handle(context.Background(), rules.Message{Topic: "a", Payload: []byte(`{}`)})
	if err != nil || len(res) != 3 {
		t.Fatalf("handle: %+v %v", res, err)
	}
	for _, r := range res {
		if len(r.ActionErrors) != 1 {
			t.Errorf("%s: got %v, want one action error", r.Rule, r.ActionErrors)
		}
	}
	if !errors.Is(res[2].ActionErrors[0], rules.ErrNoPublisher) {
		t.Errorf("nopub: got %v, want ErrNoPublisher", res[2].ActionErrors[0])
	}
}

func TestTemplateStandalone(t *testing.T) {
	tpl, err := rules.CompileTemplate("${upper(name)}-{literal}-$$-${'}'}", "2016-03-23")
	if err != nil {
		t.Fatal(err)
	}
	var got string
	e := newEngine(t, rules.Config{})
	mustAdd(t, e, rules.Rule{Name: "t", SQL: "SELECT * FROM 'a'", Actions: []rules.Action{rules.ActionFunc(
		func(ctx context.Context, out rules.Output) error {
			got, err = tpl.Execute(ctx, out)
			return err
		})}})
	if _, err := e.Handle(context.Background(), rules.Message{Topic: "a", Payload: []byte(`{"name":"x"}`)}); err != nil {
		t.Fatal(err)
	}
	if want := "X-{literal}-$-}"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if _, err := rules.CompileTemplate("${a", ""); !errors.Is(err, rules.ErrSQLParse) {
		t.Errorf("unterminated: got %v, want SqlParseException", err)
	}
}

type fakeShadows map[string]string

func (f fakeShadows) GetThingShadow(_ context.Context, thing, name string) ([]byte, error) {
	doc, ok := f[thing+"/"+name]
	if !ok {
		return nil, rules.ErrNotFound
	}
	return []byte(doc), nil
}

type fakeLambda struct{}

func (fakeLambda) InvokeLambda(_ context.Context, arn string, in []byte) ([]byte, error) {
	var v map[string]any
	if err := json.Unmarshal(in, &v); err != nil {
		return nil, err
	}
	return json.Marshal(map[string]any{"arn": arn, "got": v["a"]})
}

type fakeSecrets struct{}

func (fakeSecrets) GetSecret(_ context.Context, id string) (rules.Secret, error) {
	if id == "bin" {
		return rules.Secret{Binary: []byte("hi")}, nil
	}
	s := `{"API_KEY":"k1"}`
	return rules.Secret{String: &s}, nil
}

func TestExternals(t *testing.T) {
	e := newEngine(t, rules.Config{Externals: rules.Externals{
		Shadows: fakeShadows{"t1/": `{"state":{"reported":{"alarm":true}}}`, "t1/named": `{"state":{"reported":{"x":1}}}`},
		Lambda:  fakeLambda{}, Secrets: fakeSecrets{},
	}})
	rec := &rules.Recorder{}
	mustAdd(t, e, rules.Rule{Name: "ext", Actions: []rules.Action{rec}, SQL: "SELECT " +
		"get_thing_shadow('t1', 'arn:aws:iam::1:role/r').state.reported.alarm AS alarm, " +
		"get_thing_shadow('t1', 'named', 'arn:aws:iam::1:role/r').state.reported.x AS x, " +
		"isUndefined(get_thing_shadow('nope', 'arn:aws:iam::1:role/r')) AS missing, " +
		"aws_lambda('arn:aws:lambda:us-east-1:1:function:f', *) AS l, " +
		"get_secret('s', 'SecretString', 'API_KEY', 'arn:role') AS k, " +
		"get_secret('bin', 'SecretBinary', 'arn:role') AS b FROM 'a'"})
	res, err := e.Handle(context.Background(), rules.Message{Topic: "a", Payload: []byte(`{"a":7}`)})
	if err != nil || len(res) != 1 || res[0].Err != nil {
		t.Fatalf("handle: %+v %v", res, err)
	}
	want := `{"alarm":true,"x":1,"missing":true,"l":{"arn":"arn:aws:lambda:us-east-1:1:function:f","got":7},"k":"k1","b":"aGk="}`
	if got := string(rec.Outputs()[0].Payload); got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestGetDynamoDBOncePerStatement(t *testing.T) {
	e := newEngine(t, rules.Config{Externals: rules.Externals{DynamoDB: fakeDynamo{}}})
	mustAdd(t, e, rules.Rule{Name: "one", SQL: "SELECT get_dynamodb('t','k',id,'r').v AS a FROM 'a'"})
	mustAdd(t, e, rules.Rule{Name: "two", SQL: "SELECT get_dynamodb('t','k','v','r') AS a, get_dynamodb('t','k','v','r') AS b FROM 'a'"})
	res, _ := e.Handle(context.Background(), rules.Message{Topic: "a", Payload: []byte(`{"id":5}`)})
	if len(res) != 2 || res[0].Err != nil || string(res[0].Payload) != `{"a":"5"}` {
		t.Fatalf("one call: got %+v, want {\"a\":\"5\"}", res)
	}
	if !errors.Is(res[1].Err, rules.ErrCallLimit) || res[1].Fired {
		t.Fatalf("two calls: got %+v, want ErrCallLimit", res[1])
	}
}

type fakeDynamo struct{}

func (fakeDynamo) GetItem(_ context.Context, k rules.DynamoDBKey) ([]byte, error) {
	return json.Marshal(map[string]string{"v": k.PartitionKeyValue})
}
