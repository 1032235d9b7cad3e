package rules_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/iotemu/iotemu/rules"
)

// TestTransformExample3 runs AWS's transform example 3 verbatim: nested
// SELECTs over the object data2 give the Object and the Array arguments.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-functions.html#iot-func-transform-example3
func TestTransformExample3(t *testing.T) {
	const payload = `{
  "data1": "example",
  "data2": {
    "a": "first attribute",
    "b": "second attribute",
    "c": [
      {
        "x": {
          "someInt": 5,
          "someString": "hello"
        },
        "y": true
      },
      {
        "x": {
          "someInt": 10,
          "someString": "world"
        },
        "y": false
      }
    ]
  }
}`
	const sql = `select value transform('enrichArray', (select a, b from data2), (select value c from data2)) from 'A/B'`
	const want = `[
  {
    "x": {
      "someInt": 5,
      "someString": "hello"
    },
    "y": true,
    "a": "first attribute",
    "b": "second attribute"
  },
  {
    "x": {
      "someInt": 10,
      "someString": "world"
    },
    "y": false,
    "a": "first attribute",
    "b": "second attribute"
  }
]`
	e := newEngine(t, rules.Config{})
	mustAdd(t, e, rules.Rule{Name: "transform3", SQL: sql})
	res, err := e.Handle(context.Background(), rules.Message{Topic: "A/B", Payload: []byte(payload)})
	if err != nil || len(res) != 1 || !res[0].Fired {
		t.Fatalf("handle: %+v %v", res, err)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, []byte(want)); err != nil {
		t.Fatal(err)
	}
	if got := string(res[0].Payload); got != compact.String() {
		t.Errorf("payload\n got %s\nwant %s", got, compact.String())
	}
}
