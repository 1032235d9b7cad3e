package testkit

import "github.com/iotemu/iotemu/emulator"

// WithStrictAuth starts the emulator in strict mode: every operation is
// authorised as AWS does it. MQTT clients need a registered ACTIVE
// certificate (CreateDevice and AsDevice make one, with a policy) or a
// SigV4-signed WebSocket URL from one of creds; the iot-data API needs a
// certificate or a signature from creds; the control plane a signature
// from creds.
func WithStrictAuth(creds ...emulator.Credential) Option {
	return func(s *settings) {
		s.config.Auth.Mode = emulator.AuthStrict
		s.config.Auth.Credentials = append(s.config.Auth.Credentials, creds...)
	}
}

// AllowAllPolicy is an IoT policy allowing every action on every
// resource: strict mode's authentication without its authorisation.
const AllowAllPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*"}]}`

// ThingPolicy is the usual device policy: connect as the thing's own
// client ID, publish, subscribe and receive under things/<thing>/ only,
// through ${iot:Connection.Thing.ThingName}, when the certificate is
// attached to the thing.
const ThingPolicy = `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":"iot:Connect","Resource":"arn:aws:iot:*:*:client/${iot:Connection.Thing.ThingName}",
  "Condition":{"Bool":{"iot:Connection.Thing.IsAttached":"true"}}},
 {"Effect":"Allow","Action":["iot:Publish","iot:Receive"],"Resource":"arn:aws:iot:*:*:topic/things/${iot:Connection.Thing.ThingName}/*"},
 {"Effect":"Allow","Action":"iot:Subscribe","Resource":"arn:aws:iot:*:*:topicfilter/things/${iot:Connection.Thing.ThingName}/*"}]}`
