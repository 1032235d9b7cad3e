// Package tagging is the tag store of the IoT control plane: the tags of
// every taggable resource, keyed by the resource's ARN, with AWS's limits.
// It does not know which ARNs exist: the control plane resolves an ARN to
// its owner (registry, rules engine, authorizer store) before it calls
// the store, and drops a resource's tags when the resource is deleted,
// since "tags go away with the resource".
//
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/tagging-iot.html#tagging-iot-basics
package tagging
