package emulator_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"

	"github.com/iotemu/iotemu/testkit"
)

// TestFleetIndexingSDK: a fresh account has indexing OFF and SearchIndex
// is a 404; once enabled, SearchIndex answers over the live registry and
// shadows with AWS's shapes and pagination, DescribeIndex and ListIndices
// report the index, the aggregations reproduce AWS's worked example, and
// bad queries and fields get AWS's errors.
func TestFleetIndexingSDK(t *testing.T) {
	emu := testkit.Start(t)
	c, ctx := iotClient(emu), context.Background()
	cfg := mustIoT(c.GetIndexingConfiguration(ctx, &iot.GetIndexingConfigurationInput{}))
	if cfg.ThingIndexingConfiguration.ThingIndexingMode != types.ThingIndexingModeOff {
		t.Fatalf("fresh config = %+v", cfg.ThingIndexingConfiguration)
	}
	_, err := c.SearchIndex(ctx, &iot.SearchIndexInput{QueryString: aws.String("*")})
	wantAPIError(t, err, "ResourceNotFoundException", 404)
	mustIoT(c.UpdateIndexingConfiguration(ctx, &iot.UpdateIndexingConfigurationInput{
		ThingIndexingConfiguration: &types.ThingIndexingConfiguration{ThingIndexingMode: types.ThingIndexingModeRegistryAndShadow,
			CustomFields: []types.Field{{Name: aws.String("attributes.t"), Type: types.FieldTypeNumber}}},
	}))
	for name, v := range map[string]string{"bulb1": "-125", "bulb2": "75", "bulb3": "150"} {
		mustIoT(c.CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String(name),
			AttributePayload: &types.AttributePayload{Attributes: map[string]string{"t": v}}}))
	}
	emu.UpdateShadow(t, "bulb2", "", `{"state":{"reported":{"power":"on"}}}`)
	var names []string
	var token *string
	for {
		page := mustIoT(c.SearchIndex(ctx, &iot.SearchIndexInput{QueryString: aws.String("thingName:bulb*"), MaxResults: aws.Int32(1), NextToken: token}))
		for _, d := range page.Things {
			names = append(names, *d.ThingName)
		}
		if token = page.NextToken; token == nil {
			break
		}
	}
	if len(names) != 3 {
		t.Fatalf("paged search = %v", names)
	}
	hit := mustIoT(c.SearchIndex(ctx, &iot.SearchIndexInput{QueryString: aws.String("shadow.reported.power:on AND attributes.t>60")}))
	if len(hit.Things) != 1 || *hit.Things[0].ThingName != "bulb2" {
		t.Fatalf("shadow query = %+v", hit.Things)
	}
	var shadowDoc map[string]any
	if err := json.Unmarshal([]byte(aws.ToString(hit.Things[0].Shadow)), &shadowDoc); err != nil || shadowDoc["reported"] == nil {
		t.Fatalf("shadow member %v is not the JSON document: %v", hit.Things[0].Shadow, err)
	}
	idx := mustIoT(c.DescribeIndex(ctx, &iot.DescribeIndexInput{IndexName: aws.String("AWS_Things")}))
	if idx.IndexStatus != types.IndexStatusActive || *idx.Schema != "REGISTRY_AND_SHADOW" {
		t.Fatalf("describe index = %s %v", idx.IndexStatus, idx.Schema)
	}
	if l := mustIoT(c.ListIndices(ctx, &iot.ListIndicesInput{})); len(l.IndexNames) != 1 {
		t.Fatalf("indices = %v", l.IndexNames)
	}
	st := mustIoT(c.GetStatistics(ctx, &iot.GetStatisticsInput{QueryString: aws.String("thingName:bulb*"), AggregationField: aws.String("attributes.t")}))
	if s := st.Statistics; s.Count != 3 || *s.Sum != 100 || *s.Minimum != -125 || *s.Variance != 13472.22222222222 {
		t.Fatalf("statistics = %+v", s)
	}
	card := mustIoT(c.GetCardinality(ctx, &iot.GetCardinalityInput{QueryString: aws.String("thingName:nothing")}))
	if card.Cardinality != 0 {
		t.Fatalf("cardinality = %d", card.Cardinality)
	}
	_, err = c.SearchIndex(ctx, &iot.SearchIndexInput{QueryString: aws.String("thingName:(")})
	wantAPIError(t, err, "InvalidQueryException", 400)
	_, err = c.GetStatistics(ctx, &iot.GetStatisticsInput{QueryString: aws.String("*"), AggregationField: aws.String("attributes.unknown")})
	wantAPIError(t, err, "InvalidAggregationException", 400)
	_, err = c.DescribeIndex(ctx, &iot.DescribeIndexInput{IndexName: aws.String("AWS_ThingGroups")})
	wantAPIError(t, err, "ResourceNotFoundException", 404)
}

// TestFleetIndexingAWSCLI: the CLI enables indexing and searches.
func TestFleetIndexingAWSCLI(t *testing.T) {
	emu := testkit.Start(t)
	cli := func(args ...string) map[string]any { t.Helper(); return cliJSON(t, emu, args...) }
	cli("iot", "update-indexing-configuration", "--thing-indexing-configuration", "thingIndexingMode=REGISTRY")
	cli("iot", "create-thing", "--thing-name", "cli-thing", "--attribute-payload", `{"attributes":{"room":"kitchen"}}`)
	got := cli("iot", "search-index", "--query-string", "attributes.room:kitchen")["things"].([]any)
	if len(got) != 1 || got[0].(map[string]any)["thingName"] != "cli-thing" {
		t.Fatalf("search-index = %v", got)
	}
	buckets := cli("iot", "get-buckets-aggregation", "--query-string", "*", "--aggregation-field", "thingName",
		"--buckets-aggregation-type", "termsAggregation={maxBuckets=10}")["buckets"].([]any)
	if len(buckets) != 1 || buckets[0].(map[string]any)["keyValue"] != "cli-thing" {
		t.Fatalf("buckets = %v", buckets)
	}
}

// TestFleetIndexingConnectivity: with connectivity indexing on, a client
// whose ID is a thing name makes connectivity.connected true while it is
// connected and false after it disconnects, as the presence events say.
func TestFleetIndexingConnectivity(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	c, ctx := iotClient(emu), context.Background()
	mustIoT(c.UpdateIndexingConfiguration(ctx, &iot.UpdateIndexingConfigurationInput{
		ThingIndexingConfiguration: &types.ThingIndexingConfiguration{ThingIndexingMode: types.ThingIndexingModeRegistry,
			ThingConnectivityIndexingMode: types.ThingConnectivityIndexingModeStatus},
	}))
	mustIoT(c.CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String("sensor1")}))
	search := func(q string) int {
		t.Helper()
		out := mustIoT(c.SearchIndex(ctx, &iot.SearchIndexInput{QueryString: aws.String(q)}))
		return len(out.Things)
	}
	events := emu.Subscribe(t, "$aws/events/presence/+/sensor1")
	dev := emu.Connect(t, "sensor1")
	events.Next(t, jobsWait) // connected
	testkit.Eventually(t, jobsWait, func() error {
		if search("connectivity.connected:true") != 1 {
			return errShort
		}
		return nil
	})
	dev.Disconnect()
	events.Next(t, jobsWait) // disconnected
	testkit.Eventually(t, jobsWait, func() error {
		if search("connectivity.connected:false") != 1 {
			return errShort
		}
		return nil
	})
}
