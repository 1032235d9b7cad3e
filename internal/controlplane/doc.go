// Package controlplane serves the AWS IoT control plane (the "iot"
// service of the AWS SDKs and the `aws iot` CLI) over HTTP, on the
// registry (package registry) and the rules engine (package rules).
//
// Emulated, with AWS's paths, query and header names, JSON members and
// error shapes:
//   - things, thing types and static thing groups (things.go,
//     thingtypes.go, thinggroups.go);
//   - certificates: CreateKeysAndCertificate, CreateCertificateFromCsr,
//     RegisterCertificate(WithoutCA), Describe/List/Update/Delete
//     (certificates.go);
//   - CA certificates: Get/DeleteRegistrationCode, RegisterCACertificate,
//     Describe/List/Update/DeleteCACertificate, ListCertificatesByCA
//     (cacertificates.go);
//   - IoT policies and their versions (policies.go), and the attachments
//     of policies to targets and of principals to things (attachments.go);
//   - DescribeEndpoint (endpoint.go);
//   - topic rules: Create/Replace/Get/List/Delete/Enable/Disable
//     (topicrules.go), with AWS's TopicRulePayload parsed into a
//     rules.Rule (rulepayload.go);
//   - group changes and listings: UpdateThingType, UpdateThingGroup,
//     UpdateThingGroupsForThing, ListThingsInThingGroup,
//     ListThingGroupsForThing (groupops.go); billing groups
//     (billinggroups.go); dynamic thing groups (dynamicgroups.go);
//   - tags on every resource served here (tags.go, package tagging);
//   - fleet indexing on package fleetindex (indexing.go) and
//     GetThingConnectivityData (connectivity.go);
//   - policy introspection: ListPolicyPrincipals, GetEffectivePolicies and
//     TestAuthorization, the last answered by strict mode's engine through
//     the Simulator interface (policyquery.go);
//   - domain configurations (domainconfigs.go) and the logging options
//     (logging.go), stored and returned; role aliases (rolealiases.go;
//     the credentials provider is internal/credprovider); topic rule
//     destinations on the rules' actions' store (destinations.go);
//   - custom authorizers (authorizers.go, authorizertest.go);
//   - fleet provisioning: provisioning templates and their versions,
//     CreateProvisioningClaim and RegisterThing on package provisioning
//     (provisioning.go);
//   - the fixtures' registry entries and rules (fixtures.go).
//
// Every operation is one awsrest.Handle: a decoder of its input, a call
// with the request's context, and one error mapping per resource family
// (registryError, ruleError).
//
// Not emulated: every other operation of the model — certificate
// transfer, Device Defender and more. Each answers 501
// NotImplementedException naming it (unemulated.go, from the botocore
// model in operations_*.go),
// so that it cannot be mistaken for a missing resource. IAM is not
// emulated: strict mode checks only the control plane's SigV4 signature.
// See docs/compatibility.md "Registry and identities" and "Control plane".
package controlplane
