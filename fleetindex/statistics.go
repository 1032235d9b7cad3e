package fleetindex

import "math"

// Statistics is the statistics member of GetStatistics.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_Statistics.html#API_Statistics_Contents
type Statistics struct {
	Count        int      `json:"count"`
	Average      *float64 `json:"average,omitempty"`
	Sum          *float64 `json:"sum,omitempty"`
	Minimum      *float64 `json:"minimum,omitempty"`
	Maximum      *float64 `json:"maximum,omitempty"`
	SumOfSquares *float64 `json:"sumOfSquares,omitempty"`
	Variance     *float64 `json:"variance,omitempty"`
	StdDeviation *float64 `json:"stdDeviation,omitempty"`
}

// GetStatisticsOutput is the GetStatistics response.
type GetStatisticsOutput struct {
	Statistics Statistics `json:"statistics"`
}

// GetStatistics aggregates a field over the matching documents. A String
// field gives only the count of documents having it; a Boolean field is
// aggregated as 0 and 1 (average = share of true, sum = count of true).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/index-aggregate.html#get-statistics
func (ix *Index) GetStatistics(in AggregationInput) (GetStatisticsOutput, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	typ, perDoc, _, err := ix.aggregate(in)
	if err != nil {
		return GetStatisticsOutput{}, err
	}
	if typ == TypeString {
		return GetStatisticsOutput{Statistics: Statistics{Count: len(perDoc)}}, nil
	}
	var xs []float64
	for _, vals := range perDoc {
		for _, v := range vals {
			switch {
			case typ == TypeBoolean && v.Text == "true":
				xs = append(xs, 1)
			case typ == TypeBoolean:
				xs = append(xs, 0)
			default:
				xs = append(xs, v.Num)
			}
		}
	}
	return GetStatisticsOutput{Statistics: numericStatistics(xs)}, nil
}

// numericStatistics computes AWS's eight statistics; variance is the
// population variance (the worked example: -125, 75, 150 give
// 13472.22222222222). Values past the double range leave them empty.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/index-aggregate.html#numerical-aggregation
func numericStatistics(xs []float64) Statistics {
	s := Statistics{Count: len(xs)}
	if len(xs) == 0 {
		return s
	}
	var sum, sq float64
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range xs {
		sum += x
		sq += x * x
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	n := float64(len(xs))
	avg := sum / n
	// (Σx² − (Σx)²/n)/n reproduces AWS's digits exactly; the two-pass
	// mean of squared deviations is one ulp off on the worked example.
	variance := math.Max(0, (sq-sum*sum/n)/n)
	if math.IsInf(sq, 0) || math.IsNaN(variance) || math.IsInf(sum, 0) {
		return s
	}
	std := math.Sqrt(variance)
	s.Average, s.Sum, s.Minimum, s.Maximum = &avg, &sum, &lo, &hi
	s.SumOfSquares, s.Variance, s.StdDeviation = &sq, &variance, &std
	return s
}
