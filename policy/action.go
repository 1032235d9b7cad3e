package policy

// The IoT policy actions the data plane checks, with the resource each
// takes. AWS: iot-policy-actions.html, iot-action-resources.html
// (https://docs.aws.amazon.com/iot/latest/developerguide/iot-action-resources.html#iot-action-resources).
const (
	ActionConnect                  = "iot:Connect"                  // ClientARN; every CONNECT
	ActionPublish                  = "iot:Publish"                  // TopicARN; every PUBLISH, the Will topic at CONNECT, HTTP Publish
	ActionRetainPublish            = "iot:RetainPublish"            // TopicARN; a PUBLISH with RETAIN, in addition to ActionPublish
	ActionSubscribe                = "iot:Subscribe"                // TopicFilterARN; each filter of a SUBSCRIBE
	ActionReceive                  = "iot:Receive"                  // TopicARN; every delivery to the client
	ActionGetRetainedMessage       = "iot:GetRetainedMessage"       // TopicARN
	ActionListRetainedMessages     = "iot:ListRetainedMessages"     // "*"
	ActionGetThingShadow           = "iot:GetThingShadow"           // ThingARN
	ActionUpdateThingShadow        = "iot:UpdateThingShadow"        // ThingARN
	ActionDeleteThingShadow        = "iot:DeleteThingShadow"        // ThingARN
	ActionListNamedShadowsForThing = "iot:ListNamedShadowsForThing" // "*"
	ActionDeleteConnection         = "iot:DeleteConnection"         // ClientARN
)
