package actions

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/iotemu/iotemu/rules"
)

// CloudwatchMetric is AWS's CloudwatchMetricAction: PutMetricData of one
// value. AWS: cloudwatch-metrics-rule-action.html; service-2.json
// CloudwatchMetricAction (metricNamespace, metricName, metricValue,
// metricUnit and roleArn required; all but roleArn templates;
// metricTimestamp in epoch seconds, default the time of the action).
type CloudwatchMetric struct {
	RoleArn         string `json:"roleArn,omitempty"`
	MetricNamespace string `json:"metricNamespace"`
	MetricName      string `json:"metricName"`
	MetricValue     string `json:"metricValue"`
	MetricUnit      string `json:"metricUnit"`
	MetricTimestamp string `json:"metricTimestamp,omitempty"`
}

// Type returns "cloudwatchMetric".
func (CloudwatchMetric) Type() string { return "cloudwatchMetric" }

func (a *CloudwatchMetric) check(at string) error {
	return required(at, "metricNamespace", a.MetricNamespace, "metricName", a.MetricName,
		"metricValue", a.MetricValue, "metricUnit", a.MetricUnit)
}

func (a *CloudwatchMetric) build(e *Env, c rules.ActionCompiler) (executor, error) {
	cc := &compiler{c: c}
	m := &metricAction{env: e, ns: cc.t(a.MetricNamespace), name: cc.t(a.MetricName), value: cc.t(a.MetricValue),
		unit: cc.t(a.MetricUnit), ts: cc.t(a.MetricTimestamp)}
	return m, cc.err
}

type metricAction struct {
	env                       *Env
	ns, name, value, unit, ts *rules.Template
}

const metricVerb = "put CloudWatch metric data"

func (a *metricAction) Execute(ctx context.Context, out rules.Output) (rules.Report, error) {
	r := renderer{ctx: ctx, out: out}
	ns, name, value, unit, ts := r.s(a.ns), r.s(a.name), r.s(a.value), r.s(a.unit), r.s(a.ts)
	rep := rules.Report{Type: "cloudwatchMetric", Resource: ns}
	if r.err != nil {
		return rep, fail(metricVerb, r.err)
	}
	v, err := strconv.ParseFloat(value, 64)
	if err != nil {
		return rep, fail(metricVerb, fmt.Errorf("metricValue %q is not a number", value))
	}
	when := a.env.cfg.Now().UTC()
	if ts != "" {
		sec, err := strconv.ParseInt(ts, 10, 64)
		if err != nil {
			return rep, fail(metricVerb, fmt.Errorf("metricTimestamp %q is not epoch seconds", ts))
		}
		when = time.Unix(sec, 0).UTC()
	}
	in := putMetricData{Namespace: ns, MetricData: []metricDatum{{MetricName: name, Value: v, Unit: unit, Timestamp: when}}}
	return rep, a.env.call(ctx, &rep, "monitoring", "PutMetricData", metricVerb, in, a.env.cborSend(a.env.services.cw, "PutMetricData", in))
}

// putMetricData is PutMetricData's input, recorded (JSON, the time in
// RFC 3339) and sent (CBOR, the time as a tag-1 epoch).
// AWS: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html#API_PutMetricData_RequestParameters
type putMetricData struct {
	Namespace  string        `json:"Namespace"`
	MetricData []metricDatum `json:"MetricData"`
}

type metricDatum struct {
	MetricName string    `json:"MetricName"`
	Timestamp  time.Time `json:"Timestamp"`
	Unit       string    `json:"Unit,omitempty"`
	Value      float64   `json:"Value"`
}
