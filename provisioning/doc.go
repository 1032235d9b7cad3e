// Package provisioning is AWS IoT fleet provisioning: provisioning
// templates and their versions, the template language (Parameters,
// Mappings, Conditions, Resources of type AWS::IoT::Thing,
// AWS::IoT::Certificate and AWS::IoT::Policy, DeviceConfiguration and the
// intrinsic functions), pre-provisioning hooks, provisioning claims, the
// MQTT API of fleet provisioning ($aws/certificates/create,
// create-from-csr and $aws/provisioning-templates/{name}/provision, in
// JSON and CBOR, with certificate ownership tokens), RegisterThing, and
// just-in-time provisioning from a CA's registration configuration.
//
// It is an engine: the registry (things, certificates, policies) and the
// Lambda invoker are consumer-side interfaces (Registry, Invoker) the
// composition root satisfies, so this package imports neither.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/provision-wo-cert.html#provision-wo-cert
package provisioning
