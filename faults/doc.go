// Package faults is iotemu's fault injection engine: the faults a test
// asks for (drop or delay deliveries, fail a rule action, fail or time out
// a Lambda invocation, throttle a client) and the checks the broker, the
// rules engine and the Lambda invoker make against them. Disconnecting a
// client is an immediate act of the emulator, not a stored fault.
//
// Faults are an iotemu extension (AWS has no such API), served over
// /iotemu/faults and from testkit, which removes them at the end of the
// test that added them.
package faults
