// Package fleetindex emulates AWS IoT fleet indexing: the indexing
// configuration, the AWS_Things and AWS_ThingGroups indexes, the query
// language (in internal/query), SearchIndex, DescribeIndex, ListIndices
// and the aggregations GetStatistics, GetCardinality, GetPercentiles and
// GetBucketsAggregation, with AWS's request and response shapes (botocore
// member names) and AWS's exceptions as *Error values.
//
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-indexing.html#iot-indexing
//
// # How documents reach the index
//
// The composition root feeds the index with explicit calls: PutThing and
// DeleteThing from the registry, PutShadow and DeleteShadow from the
// Device Shadow service, PutConnectivity from the broker's connect and
// disconnect events, PutThingGroup and DeleteThingGroup from the group
// registry. Push, rather than a consumer-side interface the index would
// read at query time, because:
//   - the index keeps its own copy, as AWS's index is a separate store:
//     a query never calls back into the registry or shadow packages, so no
//     lock order spans packages, and the registry may call Match while
//     holding its own lock;
//   - each source sends only its part (a shadow update does not need the
//     registry's thing), and the index joins them by thing name, which is
//     how "shadows of unregistered things are not indexed" falls out;
//   - indexing is synchronous (read-your-writes), the emulator's choice
//     for AWS's eventual consistency (docs/compatibility.md "Fleet indexing").
//
// Options.OnChange tells the root which thing's indexed data changed, so
// dynamic thing groups can recompute membership with Match (one thing) or
// MatchingThings (all); MatchDocument evaluates a query against data the
// caller assembles, with no Index at all.
//
// # What is emulated
//
//   - Configuration: every mode, customFields with their types and the
//     prefix rules, filter.namedShadowNames, geoLocations and connectivity
//     validation, managedFields as AWS lists them, OFF defaults.
//   - Query syntax: terms, phrases, wildcards * and ? (leading wildcards
//     limited to one term and 100 characters), existence (`field:*`),
//     inclusive, exclusive and mixed ranges, open bounds, comparisons,
//     AND/OR/NOT/-/+ with implicit AND, grouping, field grouping, escaping,
//     the 12-term limit; case-sensitive field names and case-insensitive
//     values; numeric attributes; arrays of simple values; non-searchable
//     versions.
//   - Index status with an optional build delay (BUILDING refuses
//     queries with IndexNotReadyException, REBUILDING answers them).
//
// # What is not
//
//   - Geoqueries (`shadow.reported.location:geo_distance…`) and the
//     geoLocations filter's effect: the filter is validated and stored.
//   - Device Defender data is indexed only if the root feeds it with
//     PutDeviceDefender; nothing in iotemu produces it yet.
//   - Relevance, approximate counts and percentiles: results are exact,
//     ordered by name.
//   - Fleet metrics, GetThingConnectivityData and socket information.
//
// Every choice no AWS source confirms is listed in docs/compatibility.md, "Fleet indexing".
package fleetindex
