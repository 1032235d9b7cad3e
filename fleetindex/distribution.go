package fleetindex

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/iotemu/iotemu/fleetindex/internal/query"
)

// GetCardinalityOutput is the GetCardinality response; cardinality is
// "always returned ... even if there are no matching fields".
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/index-aggregate.html#get-cardinality
type GetCardinalityOutput struct {
	Cardinality int `json:"cardinality"`
}

// GetCardinality counts the distinct values of a field over the matching
// documents (exactly; AWS's count is approximate).
func (ix *Index) GetCardinality(in AggregationInput) (GetCardinalityOutput, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	_, perDoc, _, err := ix.aggregate(in)
	if err != nil {
		return GetCardinalityOutput{}, err
	}
	seen := map[string]bool{}
	for _, vals := range perDoc {
		for _, v := range vals {
			seen[strings.ToLower(v.Text)] = true
		}
	}
	return GetCardinalityOutput{Cardinality: len(seen)}, nil
}

// DefaultPercents are GetPercentiles' groupings when none are given.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/index-aggregate.html#get-percentiles
var DefaultPercents = []float64{1, 5, 25, 50, 75, 95, 99}

// MaxPercents is the most percentiles one request may ask for.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/managing-index.html#index-limitations
const MaxPercents = 100

// GetPercentilesInput is the GetPercentiles request body.
type GetPercentilesInput struct {
	AggregationInput
	Percents []float64 `json:"percents,omitempty"`
}

// PercentPair is one percentile.
type PercentPair struct {
	Percent float64 `json:"percent"`
	Value   float64 `json:"value"`
}

// GetPercentilesOutput is the GetPercentiles response.
type GetPercentilesOutput struct {
	Percentiles []PercentPair `json:"percentiles"`
}

// GetPercentiles computes percentiles of a Number field, interpolating
// linearly between the closest ranks; no match gives `[]`.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/index-aggregate.html#get-percentiles
func (ix *Index) GetPercentiles(in GetPercentilesInput) (GetPercentilesOutput, error) {
	percents := in.Percents
	if len(percents) == 0 {
		percents = DefaultPercents
	}
	if len(percents) > MaxPercents {
		return GetPercentilesOutput{}, errorf(InvalidRequest, "At most %d percents may be requested", MaxPercents)
	}
	for _, p := range percents {
		if p < 0 || p > 100 || math.IsNaN(p) {
			return GetPercentilesOutput{}, errorf(InvalidRequest, "Percent %v is not between 0 and 100", p)
		}
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	typ, perDoc, _, err := ix.aggregate(in.AggregationInput)
	if err != nil {
		return GetPercentilesOutput{}, err
	}
	if typ != TypeNumber {
		return GetPercentilesOutput{}, errorf(InvalidAggregation, "Field %s is of type %s; percentiles need a Number field", fieldOrDefault(in.AggregationField), typ)
	}
	var xs []float64
	for _, vals := range perDoc {
		for _, v := range vals {
			xs = append(xs, v.Num)
		}
	}
	out := GetPercentilesOutput{Percentiles: []PercentPair{}}
	if len(xs) == 0 {
		return out, nil
	}
	sort.Float64s(xs)
	for _, p := range percents {
		out.Percentiles = append(out.Percentiles, PercentPair{Percent: p, Value: percentile(xs, p)})
	}
	return out, nil
}

func percentile(sorted []float64, p float64) float64 {
	rank := p / 100 * float64(len(sorted)-1)
	lo := int(math.Floor(rank))
	hi := int(math.Ceil(rank))
	return sorted[lo] + (sorted[hi]-sorted[lo])*(rank-float64(lo))
}

func fieldOrDefault(f string) string {
	if f == "" {
		return DefaultAggregationField
	}
	return f
}

// DefaultMaxBuckets is the bucket count when termsAggregation gives none
// (UNCONFIRMED); MaxMaxBuckets is the model's upper bound.
const (
	DefaultMaxBuckets = 10
	MaxMaxBuckets     = 10000
)

// GetBucketsAggregationInput is the GetBucketsAggregation request body.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_GetBucketsAggregation.html#API_GetBucketsAggregation_RequestSyntax
type GetBucketsAggregationInput struct {
	AggregationInput
	BucketsAggregationType *BucketsAggregationType `json:"bucketsAggregationType"`
}

// BucketsAggregationType selects the bucketing; only terms exist.
type BucketsAggregationType struct {
	TermsAggregation *TermsAggregation `json:"termsAggregation,omitempty"`
}

// TermsAggregation is bucketing by field value.
type TermsAggregation struct {
	MaxBuckets *int `json:"maxBuckets,omitempty"`
}

// Bucket is one value and how many documents hold it.
type Bucket struct {
	KeyValue string `json:"keyValue"`
	Count    int    `json:"count"`
}

// GetBucketsAggregationOutput is the GetBucketsAggregation response.
type GetBucketsAggregationOutput struct {
	TotalCount int      `json:"totalCount"`
	Buckets    []Bucket `json:"buckets"`
}

// GetBucketsAggregation groups the matching documents by the field's
// values, largest bucket first; keyValue is always a string.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/index-aggregate.html#get-buckets
func (ix *Index) GetBucketsAggregation(in GetBucketsAggregationInput) (GetBucketsAggregationOutput, error) {
	if in.AggregationField == "" {
		return GetBucketsAggregationOutput{}, notNull("aggregationField")
	}
	if in.BucketsAggregationType == nil {
		return GetBucketsAggregationOutput{}, notNull("bucketsAggregationType")
	}
	maxBuckets := DefaultMaxBuckets
	if t := in.BucketsAggregationType.TermsAggregation; t != nil && t.MaxBuckets != nil {
		if *t.MaxBuckets < 1 || *t.MaxBuckets > MaxMaxBuckets {
			return GetBucketsAggregationOutput{}, validation(fmt.Sprint(*t.MaxBuckets), "bucketsAggregationType.termsAggregation.maxBuckets", "Member must have value between 1 and 10000")
		}
		maxBuckets = *t.MaxBuckets
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	_, perDoc, matched, err := ix.aggregate(in.AggregationInput)
	if err != nil {
		return GetBucketsAggregationOutput{}, err
	}
	return GetBucketsAggregationOutput{TotalCount: matched, Buckets: buckets(perDoc, maxBuckets)}, nil
}

func buckets(perDoc [][]query.Value, max int) []Bucket {
	counts := map[string]int{}
	for _, vals := range perDoc {
		seen := map[string]bool{}
		for _, v := range vals {
			if !seen[v.Text] {
				seen[v.Text] = true
				counts[v.Text]++
			}
		}
	}
	out := make([]Bucket, 0, len(counts))
	for k, c := range counts {
		out = append(out, Bucket{KeyValue: k, Count: c})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].KeyValue < out[j].KeyValue
	})
	if len(out) > max {
		out = out[:max]
	}
	return out
}
