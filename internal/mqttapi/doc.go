// Package mqttapi is the vocabulary between the broker (internal/broker)
// and the packages that use it without importing it (internal/iotdata,
// the composition root): an MQTT message as the emulator publishes it,
// a retained message, and the record of a connection that the iot-data
// connection APIs report. It is a leaf: it imports only the standard
// library, and holds no behaviour.
package mqttapi
