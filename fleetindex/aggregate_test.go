package fleetindex

import (
	"encoding/json"
	"testing"
)

// TestStatisticsWorkedExample reproduces AWS's example exactly: numeric
// attribute values -125, 75 and 150.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/index-aggregate.html#numerical-aggregation
func TestStatisticsWorkedExample(t *testing.T) {
	ix := newIndex(t, fullConfig())
	for i, v := range []string{"-125", "75", "150"} {
		ix.PutThing(Thing{ThingName: string(rune('a' + i)), Attributes: map[string]string{"numericAttribute2": v}})
	}
	ix.PutThing(Thing{ThingName: "none"})
	out, err := ix.GetStatistics(AggregationInput{QueryString: "*", AggregationField: "attributes.numericAttribute2"})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(out)
	want := `{"statistics":{"count":3,"average":33.333333333333336,"sum":100,"minimum":-125,"maximum":150,"sumOfSquares":43750,"variance":13472.22222222222,"stdDeviation":116.06990230986766}}`
	if string(b) != want {
		t.Errorf("GetStatistics =\n %s\nwant\n %s", b, want)
	}
}

// TestStatisticsByType: String fields count, Boolean fields average the
// share of true; no field means registry.version.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/index-aggregate.html#boolean-aggregation
func TestStatisticsByType(t *testing.T) {
	ix := newIndex(t, fullConfig())
	ix.PutThing(Thing{ThingName: "a", Version: 1, Attributes: map[string]string{"color": "red"}})
	ix.PutThing(Thing{ThingName: "b", Version: 3, Attributes: map[string]string{"color": "blue"}})
	ix.PutThing(Thing{ThingName: "c", Version: 5})
	mustPutShadow(t, ix, "a", "", map[string]any{"reported": map[string]any{"on": true}})
	mustPutShadow(t, ix, "b", "", map[string]any{"reported": map[string]any{"on": false}})
	mustPutShadow(t, ix, "c", "", map[string]any{"reported": map[string]any{"on": true}})

	s, err := ix.GetStatistics(AggregationInput{QueryString: "*", AggregationField: "attributes.color"})
	if err != nil || s.Statistics.Count != 2 || s.Statistics.Average != nil {
		t.Errorf("String statistics = %+v, %v; want count 2 only", s, err)
	}
	s, err = ix.GetStatistics(AggregationInput{QueryString: "*", AggregationField: "shadow.reported.on"})
	st := s.Statistics
	if err != nil || st.Count != 3 || *st.Sum != 2 || *st.Minimum != 0 || *st.Maximum != 1 || *st.Average != 2.0/3 {
		t.Errorf("Boolean statistics = %+v, %v", st, err)
	}
	s, err = ix.GetStatistics(AggregationInput{QueryString: "*"})
	if err != nil || s.Statistics.Count != 3 || *s.Statistics.Sum != 9 {
		t.Errorf("default field statistics = %+v, %v; want registry.version sum 9", s, err)
	}
	s, err = ix.GetStatistics(AggregationInput{QueryString: "thingName:zzz"})
	if b, _ := json.Marshal(s); err != nil || string(b) != `{"statistics":{"count":0}}` {
		t.Errorf("no match = %s, %v", b, err)
	}
}

// TestCardinalityPercentilesBuckets covers the other three aggregations,
// with their documented empty answers.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/index-aggregate.html#get-cardinality
func TestCardinalityPercentilesBuckets(t *testing.T) {
	ix := newIndex(t, fullConfig())
	for i, c := range []string{"red", "red", "blue", "green", "red"} {
		ix.PutThing(Thing{ThingName: string(rune('a' + i)), Attributes: map[string]string{"color": c, "version": string(rune('1' + i))}})
	}
	card, err := ix.GetCardinality(AggregationInput{QueryString: "*", AggregationField: "attributes.color"})
	if err != nil || card.Cardinality != 3 {
		t.Errorf("cardinality = %+v, %v; want 3", card, err)
	}
	card, err = ix.GetCardinality(AggregationInput{QueryString: "thingName:Non-existent*", AggregationField: "attributes.color"})
	if b, _ := json.Marshal(card); err != nil || string(b) != `{"cardinality":0}` {
		t.Errorf("cardinality without match = %s, %v", b, err)
	}

	p, err := ix.GetPercentiles(GetPercentilesInput{AggregationInput: AggregationInput{QueryString: "*", AggregationField: "attributes.version"}, Percents: []float64{0, 50, 100}})
	if err != nil || len(p.Percentiles) != 3 || p.Percentiles[0].Value != 1 || p.Percentiles[1].Value != 3 || p.Percentiles[2].Value != 5 {
		t.Errorf("percentiles = %+v, %v", p, err)
	}
	p, err = ix.GetPercentiles(GetPercentilesInput{AggregationInput: AggregationInput{QueryString: "*", AggregationField: "attributes.version"}})
	if err != nil || len(p.Percentiles) != len(DefaultPercents) {
		t.Errorf("default percents = %+v, %v", p, err)
	}
	p, err = ix.GetPercentiles(GetPercentilesInput{AggregationInput: AggregationInput{QueryString: "thingName:Non-existent*", AggregationField: "attributes.version"}})
	if b, _ := json.Marshal(p); err != nil || string(b) != `{"percentiles":[]}` {
		t.Errorf("percentiles without match = %s, %v", b, err)
	}
	_, err = ix.GetPercentiles(GetPercentilesInput{AggregationInput: AggregationInput{QueryString: "*", AggregationField: "attributes.color"}})
	wantCode(t, "percentiles of a String field", err, InvalidAggregation)

	two := 2
	bk, err := ix.GetBucketsAggregation(GetBucketsAggregationInput{
		AggregationInput:       AggregationInput{QueryString: "*", AggregationField: "attributes.color"},
		BucketsAggregationType: &BucketsAggregationType{TermsAggregation: &TermsAggregation{MaxBuckets: &two}},
	})
	if b, _ := json.Marshal(bk); err != nil || string(b) != `{"totalCount":5,"buckets":[{"keyValue":"red","count":3},{"keyValue":"blue","count":1}]}` {
		t.Errorf("buckets = %s, %v", b, err)
	}
}

// TestAggregationErrors: fields that are neither managed nor custom, and
// malformed requests.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/fleet-indexing-troubleshooting.html#aggregation-troubleshooting
func TestAggregationErrors(t *testing.T) {
	ix := newIndex(t, fullConfig())
	_, err := ix.GetStatistics(AggregationInput{QueryString: "*", AggregationField: "attributes.undeclared"})
	wantCode(t, "statistics of an undeclared field", err, InvalidAggregation)
	_, err = ix.GetStatistics(AggregationInput{QueryString: "(", AggregationField: "thingName"})
	wantCode(t, "statistics with a bad query", err, InvalidQuery)
	_, err = ix.GetBucketsAggregation(GetBucketsAggregationInput{AggregationInput: AggregationInput{QueryString: "*", AggregationField: "thingName"}})
	wantCode(t, "buckets without a type", err, InvalidRequest)
	_, err = ix.GetPercentiles(GetPercentilesInput{AggregationInput: AggregationInput{QueryString: "*"}, Percents: []float64{101}})
	wantCode(t, "percent 101", err, InvalidRequest)
	if _, err := ix.GetStatistics(AggregationInput{QueryString: "*", AggregationField: "shadow.name.cfg.version"}); err != nil {
		t.Errorf("managed named-shadow field refused: %v", err)
	}
	off := New(Options{})
	_, err = off.GetCardinality(AggregationInput{QueryString: "*"})
	wantCode(t, "cardinality with indexing off", err, ResourceNotFound)
}
