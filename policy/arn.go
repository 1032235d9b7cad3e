package policy

import (
	"github.com/iotemu/iotemu/internal/awsid"
)

// Partition returns the ARN partition of region: "aws-cn" for China,
// "aws-us-gov" for GovCloud, "aws" otherwise.
// AWS: general reference aws-arns-and-namespaces.html.
func Partition(region string) string { return awsid.Partition(region) }

// arn builds arn:<partition>:iot:<region>:<account>:<typ>/<name>.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-action-resources.html#iot-action-resources.
func arn(region, account, typ, name string) string {
	return "arn:" + Partition(region) + ":iot:" + region + ":" + account + ":" + typ + "/" + name
}

// TopicARN returns the resource of iot:Publish, iot:RetainPublish,
// iot:Receive and iot:GetRetainedMessage on topic.
func TopicARN(region, account, topic string) string { return arn(region, account, "topic", topic) }

// TopicFilterARN returns the resource of iot:Subscribe on filter, taken
// literally: `+` and `#` are plain characters in policies (https://docs.aws.amazon.com/iot/latest/developerguide/pub-sub-policy.html#pub-sub-policy).
func TopicFilterARN(region, account, filter string) string {
	return arn(region, account, "topicfilter", filter)
}

// ClientARN returns the resource of iot:Connect and iot:DeleteConnection.
func ClientARN(region, account, clientID string) string {
	return arn(region, account, "client", clientID)
}

// ThingARN returns the resource of the shadow actions: thing/<thing> for
// the classic shadow, thing/<thing>/<shadowName> for a named one.
func ThingARN(region, account, thing, shadowName string) string {
	if shadowName != "" {
		thing += "/" + shadowName
	}
	return arn(region, account, "thing", thing)
}
