package actions

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/iotemu/iotemu/rules"
)

// Timestream is AWS's TimestreamAction: WriteRecords with one record per
// top-level attribute of the output (measure_name the attribute, measure
// value typed BIGINT, DOUBLE, BOOLEAN or VARCHAR; objects and arrays as
// JSON text), all with the action's dimensions and time.
// AWS: timestream-rule-action.html; service-2.json TimestreamAction
// (roleArn, databaseName, tableName, dimensions 1–128 required; dimension
// values and the timestamp are templates; unit SECONDS, MILLISECONDS
// (default), MICROSECONDS or NANOSECONDS).
type Timestream struct {
	RoleArn      string                `json:"roleArn,omitempty"`
	DatabaseName string                `json:"databaseName"`
	TableName    string                `json:"tableName"`
	Dimensions   []TimestreamDimension `json:"dimensions"`
	Timestamp    *TimestreamTimestamp  `json:"timestamp,omitempty"`
}

// TimestreamDimension is one dimension.
type TimestreamDimension struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// TimestreamTimestamp is the records' time.
type TimestreamTimestamp struct {
	Value string `json:"value"`
	Unit  string `json:"unit"`
}

var timeUnits = []string{"SECONDS", "MILLISECONDS", "MICROSECONDS", "NANOSECONDS"}

// Type returns "timestream".
func (Timestream) Type() string { return "timestream" }

func (a *Timestream) check(at string) error {
	if err := required(at, "databaseName", a.DatabaseName, "tableName", a.TableName); err != nil {
		return err
	}
	if len(a.Dimensions) < 1 || len(a.Dimensions) > 128 {
		return &ValidationError{Message: fmt.Sprintf("Value at '%s.dimensions' failed to satisfy constraint: Member must have length between 1 and 128", at)}
	}
	if t := a.Timestamp; t != nil {
		if err := required(at+".timestamp", "value", t.Value, "unit", t.Unit); err != nil {
			return err
		}
		if !slices.Contains(timeUnits, t.Unit) {
			return &ValidationError{Message: fmt.Sprintf("Value '%s' at '%s.timestamp.unit' failed to satisfy constraint: Member must be one of %v", t.Unit, at, timeUnits)}
		}
	}
	return nil
}

func (a *Timestream) build(e *Env, c rules.ActionCompiler) (executor, error) {
	cc := &compiler{c: c}
	t := &tsAction{env: e, spec: *a, db: cc.t(a.DatabaseName), table: cc.t(a.TableName)}
	for _, d := range a.Dimensions {
		t.dimNames = append(t.dimNames, cc.t(d.Name))
		t.dimValues = append(t.dimValues, cc.t(d.Value))
	}
	if a.Timestamp != nil {
		t.ts = cc.t(a.Timestamp.Value)
	}
	return t, cc.err
}

type tsAction struct {
	env                 *Env
	spec                Timestream
	db, table, ts       *rules.Template
	dimNames, dimValues []*rules.Template
}

const tsVerb = "write records to Timestream table"

func (a *tsAction) Execute(ctx context.Context, out rules.Output) (rules.Report, error) {
	r := renderer{ctx: ctx, out: out}
	in := writeRecords{DatabaseName: r.s(a.db), TableName: r.s(a.table)}
	rep := rules.Report{Type: "timestream", Resource: in.DatabaseName + "/" + in.TableName}
	common := tsRecord{TimeUnit: "MILLISECONDS"}
	for i := range a.dimNames {
		common.Dimensions = append(common.Dimensions, tsDimension{Name: r.s(a.dimNames[i]), Value: r.s(a.dimValues[i])})
	}
	when := r.s(a.ts)
	if r.err != nil {
		return rep, fail(tsVerb, r.err)
	}
	if a.ts != nil {
		if _, err := strconv.ParseInt(when, 10, 64); err != nil {
			return rep, fail(tsVerb, fmt.Errorf("timestamp %q is not an integer", when))
		}
		common.TimeUnit = a.spec.Timestamp.Unit
	} else {
		when = strconv.FormatInt(messageTime(out, a.env).UnixMilli(), 10)
	}
	common.Time = when
	recs, err := measures(out.Payload)
	if err != nil {
		return rep, fail(tsVerb, err)
	}
	in.CommonAttributes, in.Records = &common, recs
	return rep, a.env.call(ctx, &rep, "timestream", "WriteRecords", tsVerb, in, a.env.jsonSend(a.env.services.ts, "WriteRecords", in))
}

// writeRecords is WriteRecords' input, recorded and sent.
// AWS: https://docs.aws.amazon.com/timestream/latest/developerguide/API_WriteRecords.html#API_WriteRecords_RequestSyntax
type writeRecords struct {
	DatabaseName     string     `json:"DatabaseName"`
	TableName        string     `json:"TableName"`
	CommonAttributes *tsRecord  `json:"CommonAttributes,omitempty"`
	Records          []tsRecord `json:"Records"`
}

type tsRecord struct {
	Dimensions       []tsDimension `json:"Dimensions,omitempty"`
	MeasureName      string        `json:"MeasureName,omitempty"`
	MeasureValue     string        `json:"MeasureValue,omitempty"`
	MeasureValueType string        `json:"MeasureValueType,omitempty"`
	Time             string        `json:"Time,omitempty"`
	TimeUnit         string        `json:"TimeUnit,omitempty"`
}

type tsDimension struct {
	Name  string `json:"Name"`
	Value string `json:"Value"`
}

// measures makes one record per attribute of an object output, sorted by
// name.
func measures(payload []byte) ([]tsRecord, error) {
	v, err := decodeJSON(payload)
	if err != nil {
		return nil, err
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("the rule output must be a JSON object")
	}
	names := make([]string, 0, len(obj))
	for k := range obj {
		names = append(names, k)
	}
	sort.Strings(names)
	recs := make([]tsRecord, 0, len(names))
	for _, k := range names {
		val, typ := measureOf(obj[k])
		if typ == "" {
			continue // null: no measure
		}
		recs = append(recs, tsRecord{MeasureName: k, MeasureValue: val, MeasureValueType: typ})
	}
	return recs, nil
}

// measureOf is a value as a measure and its MeasureValueType.
func measureOf(v any) (string, string) {
	switch v := v.(type) {
	case json.Number:
		if strings.ContainsAny(v.String(), ".eE") {
			return v.String(), "DOUBLE"
		}
		return v.String(), "BIGINT"
	case bool:
		return strconv.FormatBool(v), "BOOLEAN"
	case string:
		return v, "VARCHAR"
	case nil:
		return "", ""
	}
	b, _ := json.Marshal(v)
	return string(b), "VARCHAR"
}
