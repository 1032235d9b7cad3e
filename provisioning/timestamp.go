package provisioning

import "github.com/iotemu/iotemu/internal/awsrest"

// Timestamp is a control-plane time, restJson1's epoch seconds with a
// millisecond fraction. Use it with omitzero.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_DescribeProvisioningTemplate.html#API_DescribeProvisioningTemplate_ResponseSyntax
type Timestamp = awsrest.Timestamp
