package actions

import (
	"encoding/json"
	"fmt"

	"github.com/iotemu/iotemu/rules"
)

// recordOnly reports a request that iotemu never sends (a service the
// wire layer does not speak: IoT Analytics, IoT Events, SiteWise…; or not
// an AWS API at all: Kafka, Salesforce):
// the action succeeds and its record holds the rendered request, so that a
// test can assert on what AWS would have sent.
func recordOnly(rep *rules.Report, kind, service, op string, input any) {
	rep.Request = Request{Service: service, Operation: op, Input: inputJSON(input)}
	rep.Result = NotSent{NotSent: fmt.Sprintf("iotemu does not send %s requests; the rendered request is recorded", kind)}
}

// batchPayloads splits the rule output for actions with batchMode: an
// output array is one message per element, anything else one message.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iotevents-rule-action.html#iotevents-rule-action-parameters
// (batchMode); the same for iotAnalytics.
func batchPayloads(payload []byte, batch bool) [][]byte {
	if batch {
		var items []json.RawMessage
		if err := json.Unmarshal(payload, &items); err == nil {
			out := make([][]byte, len(items))
			for i, it := range items {
				out[i] = it
			}
			return out
		}
	}
	return [][]byte{payload}
}
