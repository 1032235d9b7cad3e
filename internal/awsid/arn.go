package awsid

import "strings"

// Partition returns the ARN partition of region: "aws-cn" for China,
// "aws-us-gov" for GovCloud, "aws" otherwise.
// AWS: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html#arns-syntax
func Partition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

// ARN builds arn:{partition}:{service}:{region}:{account}:{resource}, the
// partition following the region.
// AWS: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html#arns-syntax
func ARN(service, region, account, resource string) string {
	return "arn:" + Partition(region) + ":" + service + ":" + region + ":" + account + ":" + resource
}

// Resource returns the resource part of an ARN (everything after the fifth
// colon), or "" when s is not an ARN.
func Resource(s string) string {
	if !strings.HasPrefix(s, "arn:") {
		return ""
	}
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 {
		return ""
	}
	return parts[5]
}
