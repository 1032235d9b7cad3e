package broker

import (
	"fmt"

	"github.com/iotemu/iotemu/internal/awsid"
	"github.com/iotemu/iotemu/internal/mqttapi"
	"github.com/iotemu/iotemu/internal/topic"
)

// SendToSubscriber delivers m to the connected client id alone, as an
// ordinary delivery would reach it: only if one of its subscriptions
// matches m.Topic and, in strict mode, its policy allows iot:Receive on
// it. It reports whether m was delivered. Fleet provisioning replies go
// this way: AWS requires the device to subscribe before it publishes,
// and the reply (which carries a private key) reaches the requester only.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/fleet-provision-api.html#fleet-provision-api
func (s *Broker) SendToSubscriber(id string, m Message) (bool, error) {
	c, ok := s.conns.connected(id)
	if !ok {
		return false, fmt.Errorf("send to %s: %w", id, mqttapi.ErrNotConnected)
	}
	subscribed := false
	for f := range c.cl.State.Subscriptions.GetAll() {
		if topic.Match(topic.Unshare(f), m.Topic) {
			subscribed = true
			break
		}
	}
	if !subscribed || !c.mayReceive(m.Topic) || (s.auth != nil && s.auth.receiveDenied(c.cl, m.Topic)) {
		return false, nil
	}
	if err := s.sendDirect(c, m, false, 0); err != nil {
		return false, fmt.Errorf("send to %s: %w", id, err)
	}
	return true, nil
}

// PeerCertificateID returns the certificate ID of the TLS client
// certificate the connected client id presented, "" if none.
func (s *Broker) PeerCertificateID(id string) string {
	c, ok := s.conns.connected(id)
	if !ok {
		return ""
	}
	if bc, isBC := c.cl.Net.Conn.(*brokerConn); isBC {
		if cert := bc.peerCertificate(); cert != nil {
			return awsid.CertificateID(cert.Raw)
		}
	}
	return ""
}
