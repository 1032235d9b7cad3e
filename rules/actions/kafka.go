package actions

import (
	"context"
	"fmt"

	"github.com/iotemu/iotemu/rules"
)

// Kafka is AWS's KafkaAction: the rule output is the value of one Kafka
// record sent to topic through the VPC destination destinationArn. topic,
// key, partition and the header keys and values are templates, and so
// are the clientProperties values (AWS documents get_secret(...) templates
// for the ssl.* and sasl.* properties). iotemu does not send it.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/apache-kafka-rule-action.html#apache-kafka-rule-action-parameters;
// service-2.json KafkaAction (destinationArn, topic and clientProperties
// required), KafkaActionHeader (key and value required).
type Kafka struct {
	DestinationArn   string            `json:"destinationArn"`
	Topic            string            `json:"topic"`
	Key              string            `json:"key,omitempty"`
	Partition        string            `json:"partition,omitempty"`
	ClientProperties map[string]string `json:"clientProperties"`
	Headers          []KafkaHeader     `json:"headers,omitempty"`
}

// KafkaHeader is a KafkaActionHeader.
type KafkaHeader struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Type returns "kafka".
func (Kafka) Type() string { return "kafka" }

func (a *Kafka) check(at string) error {
	if err := required(at, "destinationArn", a.DestinationArn, "topic", a.Topic); err != nil {
		return err
	}
	if a.ClientProperties == nil {
		return &ValidationError{Message: fmt.Sprintf("Value null at '%s.clientProperties' failed to satisfy constraint: Member must not be null", at)}
	}
	return nil
}

func (a *Kafka) build(e *Env, c rules.ActionCompiler) (executor, error) {
	cc := &compiler{c: c}
	k := &kafkaAction{dest: a.DestinationArn, topic: cc.t(a.Topic), key: cc.t(a.Key), partition: cc.t(a.Partition),
		props: map[string]*rules.Template{}}
	for name, v := range a.ClientProperties {
		k.props[name] = cc.t(v)
	}
	for _, h := range a.Headers {
		k.headers = append(k.headers, [2]*rules.Template{cc.t(h.Key), cc.t(h.Value)})
	}
	return k, cc.err
}

type kafkaAction struct {
	dest                  string
	topic, key, partition *rules.Template
	props                 map[string]*rules.Template
	headers               [][2]*rules.Template
}

// kafkaRecord is the producer record with the producer's configuration.
type kafkaRecord struct {
	DestinationArn   string            `json:"destinationArn"`
	Topic            string            `json:"topic"`
	Key              string            `json:"key,omitempty"`
	Partition        string            `json:"partition,omitempty"`
	Headers          []KafkaHeader     `json:"headers,omitempty"`
	Value            []byte            `json:"value"`
	ClientProperties map[string]string `json:"clientProperties"`
}

func (a *kafkaAction) Execute(ctx context.Context, out rules.Output) (rules.Report, error) {
	r := renderer{ctx: ctx, out: out}
	rec := kafkaRecord{DestinationArn: a.dest, Topic: r.s(a.topic), Key: r.s(a.key), Partition: r.s(a.partition),
		Value: out.Payload, ClientProperties: map[string]string{}}
	for name, t := range a.props {
		rec.ClientProperties[name] = r.s(t)
	}
	for _, h := range a.headers {
		rec.Headers = append(rec.Headers, KafkaHeader{Key: r.s(h[0]), Value: r.s(h[1])})
	}
	rep := rules.Report{Type: "kafka", Resource: rec.Topic}
	if r.err != nil {
		return rep, fail("send message to Kafka", r.err)
	}
	recordOnly(&rep, "kafka", "kafka", "ProducerRecord", rec)
	return rep, nil
}
