package emulator

import (
	"net/http"

	"github.com/iotemu/iotemu/internal/awsrest"
)

// describeEndpointTypes are the endpoint types DescribeEndpoint answers.
// AWS: apireference/API_DescribeEndpoint.html (broker.md §5.3); the
// emulator serves all of them on one host.
var describeEndpointTypes = map[string]bool{
	"iot:Data":               true,
	"iot:Data-ATS":           true,
	"iot:CredentialProvider": true,
	"iot:Jobs":               true,
}

// handleDescribeEndpoint serves DescribeEndpoint: GET /endpoint?endpointType=
// → {"endpointAddress": host}. AWS returns a bare host name, and clients
// use the default ports (8883 MQTT, 443/8443 HTTPS); the emulator returns
// Config.AdvertisedHost as given, so a host:port there is returned too
// (docs/compatibility.md "Registry and identities").
func (s *Server) handleDescribeEndpoint(w http.ResponseWriter, r *http.Request) {
	typ := r.URL.Query().Get("endpointType")
	if typ != "" && !describeEndpointTypes[typ] {
		// Message UNCONFIRMED.
		writeError(w, invalid("Endpoint type %s is not valid.", typ))
		return
	}
	awsrest.WriteJSON(w, requestID(w), struct {
		EndpointAddress string `json:"endpointAddress"`
	}{s.cfg.AdvertisedHost})
}
