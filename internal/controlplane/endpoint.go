package controlplane

import (
	"context"
	"net/http"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/internal/route"
)

// describeEndpointTypes are the endpoint types DescribeEndpoint answers;
// the emulator serves all of them on one host.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_DescribeEndpoint.html#API_DescribeEndpoint_RequestSyntax
var describeEndpointTypes = map[string]bool{
	"iot:Data":               true,
	"iot:Data-ATS":           true,
	"iot:CredentialProvider": true,
	"iot:Jobs":               true,
}

func (c *ControlPlane) registerEndpoint(rt *route.Router) {
	rt.Handle("/endpoint", awsrest.Handle(nil, decodeDescribeEndpoint, c.describeEndpoint), http.MethodGet)
}

func decodeDescribeEndpoint(r *http.Request) (string, error) {
	typ := r.URL.Query().Get("endpointType")
	if typ != "" && !describeEndpointTypes[typ] {
		return "", awsrest.Invalid("Endpoint type %s is not valid.", typ) // message UNCONFIRMED
	}
	return typ, nil
}

type describeEndpointOutput struct {
	EndpointAddress string `json:"endpointAddress"`
}

// describeEndpoint serves DescribeEndpoint: GET /endpoint?endpointType=
// → {"endpointAddress": host}. AWS returns a bare host name, and clients
// use the default ports (8883 MQTT, 443/8443 HTTPS); what Endpoints
// returns is sent as is, so a host:port there is returned too
// (docs/compatibility.md "Registry and identities").
func (c *ControlPlane) describeEndpoint(_ context.Context, typ string) (describeEndpointOutput, error) {
	return describeEndpointOutput{c.cfg.Endpoints.EndpointAddress(typ)}, nil
}
