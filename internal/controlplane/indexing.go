package controlplane

import (
	"context"
	"net/http"

	"github.com/iotemu/iotemu/fleetindex"
	"github.com/iotemu/iotemu/internal/route"
)

// Fleet indexing: Update/GetIndexingConfiguration, SearchIndex,
// DescribeIndex, ListIndices, GetStatistics, GetCardinality,
// GetPercentiles, GetBucketsAggregation, on the fleetindex engine, whose
// request and response types carry AWS's member names and whose *Error
// values carry AWS's exceptions (mapped in registryError).
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_SearchIndex.html#API_SearchIndex_RequestSyntax
// and the pages of the other operations.

func (c *ControlPlane) registerIndexing(rt *route.Router) {
	ix := c.cfg.Index
	if ix == nil {
		return
	}
	rt.Handle("/indexing/config", handle(body[fleetindex.IndexingConfiguration], c.updateIndexing), http.MethodPost)
	rt.Handle("/indexing/config", handle(none, c.getIndexing), http.MethodGet)
	rt.Handle("/indices", handle(decodeListIndices, c.listIndices), http.MethodGet)
	rt.Handle("/indices/search", handle(body[fleetindex.SearchIndexInput], withCtx(ix.SearchIndex)), http.MethodPost)
	rt.Handle("/indices/statistics", handle(body[fleetindex.AggregationInput], withCtx(ix.GetStatistics)), http.MethodPost)
	rt.Handle("/indices/cardinality", handle(body[fleetindex.AggregationInput], withCtx(ix.GetCardinality)), http.MethodPost)
	rt.Handle("/indices/percentiles", handle(body[fleetindex.GetPercentilesInput], withCtx(ix.GetPercentiles)), http.MethodPost)
	rt.Handle("/indices/buckets", handle(body[fleetindex.GetBucketsAggregationInput], withCtx(ix.GetBucketsAggregation)), http.MethodPost)
	rt.Handle("/indices/{indexName}", handle(path("indexName"), withCtx(ix.DescribeIndex)), http.MethodGet)
}

// body decodes an operation whose input is exactly its JSON body.
func body[T any](r *http.Request) (T, error) {
	var in T
	err := readJSON(r, &in)
	return in, err
}

// withCtx adapts an engine method, which needs no context, to Handle.
func withCtx[In, Out any](f func(In) (Out, error)) func(context.Context, In) (Out, error) {
	return func(_ context.Context, in In) (Out, error) { return f(in) }
}

func (c *ControlPlane) updateIndexing(_ context.Context, in fleetindex.IndexingConfiguration) (empty, error) {
	return empty{}, c.cfg.Index.UpdateIndexingConfiguration(in)
}

func (c *ControlPlane) getIndexing(context.Context, struct{}) (fleetindex.IndexingConfiguration, error) {
	return c.cfg.Index.GetIndexingConfiguration(), nil
}

func decodeListIndices(r *http.Request) (page, error) {
	return pageParams(r, "maxResults", "nextToken")
}

func (c *ControlPlane) listIndices(_ context.Context, p page) (fleetindex.ListIndicesOutput, error) {
	return c.cfg.Index.ListIndices(p.size, p.token)
}
