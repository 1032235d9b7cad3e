package apigwv2

import (
	"regexp"
	"strings"
)

// lambdaInvokeURI is the integration URI of a Lambda (proxy) integration
// and of a REQUEST authorizer:
// arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{functionArn}/invocations.
// AWS: docs/compatibility.md "apigatewayv2 control plane" "Integrations" (botocore CreateAuthorizerRequest.AuthorizerUri).
var lambdaInvokeURI = regexp.MustCompile(`^arn:aws(?:-cn|-us-gov)?:apigateway:[a-z0-9-]+:lambda:path/2015-03-31/functions/(.+)/invocations$`)

// functionARN is a Lambda function's ARN, with an optional alias or version.
var functionARN = regexp.MustCompile(`^arn:aws(?:-cn|-us-gov)?:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]{1,64}(?::[A-Za-z0-9$_-]+)?$`)

// functionOf returns the function ARN inside a Lambda invoke URI, which
// may still hold ${stageVariables.…} references, or false when uri is not
// a Lambda invoke URI.
func functionOf(uri string) (string, bool) {
	m := lambdaInvokeURI.FindStringSubmatch(uri)
	if m == nil {
		return "", false
	}
	fn := m[1]
	if strings.Contains(fn, "${stageVariables.") {
		return fn, true // resolved per stage when deployed
	}
	return fn, functionARN.MatchString(fn)
}

// stageVariableRef is a ${stageVariables.name} reference.
// AWS: https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-api-stages.html#websocket-api-stages.stage-variables
var stageVariableRef = regexp.MustCompile(`\$\{stageVariables\.([A-Za-z0-9_]+)\}`)

// expand replaces the stage-variable references in s; an undefined
// variable becomes "".
func expand(s string, vars map[string]string) string {
	return stageVariableRef.ReplaceAllStringFunc(s, func(ref string) string {
		return vars[stageVariableRef.FindStringSubmatch(ref)[1]]
	})
}
