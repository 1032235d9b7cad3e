// Package container runs iotemu in a Docker container through
// testcontainers-go, following the conventions of testcontainers modules:
// Run(ctx, image, opts...) returns a Container with a helper per endpoint.
// It lives apart from package testkit so that in-process users do not link
// the Docker client.
//
// No image is published; build one with `make image` (FROM scratch around a
// static binary) and pass its name.
package container

import (
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"
)

// The ports iotemu listens on inside its image.
const (
	MQTTPort    = "1883/tcp"
	MQTTTLSPort = "8883/tcp"
	HTTPPort    = "8080/tcp"
	HTTPSPort   = "8443/tcp"
	APIGWPort   = "3001/tcp" // API Gateway WebSocket APIs and @connections
)

// Container is a running iotemu container.
type Container struct {
	*testcontainers.DockerContainer
}

// Run starts the iotemu image img and waits until /health answers 200.
// Options are testcontainers customizers (WithEnv to set IOTEMU_* settings,
// WithCmdArgs for flags, ...).
func Run(ctx context.Context, img string, opts ...testcontainers.ContainerCustomizer) (*Container, error) {
	base := []testcontainers.ContainerCustomizer{
		testcontainers.WithExposedPorts(MQTTPort, MQTTTLSPort, HTTPPort, HTTPSPort, APIGWPort),
		// /health answers 200 only once every listener is bound. (Port
		// checks run a shell inside the container, which a scratch image lacks.)
		testcontainers.WithWaitStrategy(
			wait.ForHTTP("/health").WithPort(HTTPPort).WithStatusCodeMatcher(func(s int) bool { return s == http.StatusOK }),
		),
	}
	ctr, err := testcontainers.Run(ctx, img, append(base, opts...)...)
	var c *Container
	if ctr != nil {
		c = &Container{DockerContainer: ctr}
	}
	if err != nil {
		return c, fmt.Errorf("run iotemu: %w", err)
	}
	return c, nil
}

func (c *Container) endpoint(ctx context.Context, port, scheme, path string) (string, error) {
	ep, err := c.PortEndpoint(ctx, port, scheme)
	if err != nil {
		return "", fmt.Errorf("endpoint %s: %w", port, err)
	}
	return ep + path, nil
}

// MQTTURL returns mqtt://host:port of MQTT over TCP.
func (c *Container) MQTTURL(ctx context.Context) (string, error) {
	return c.endpoint(ctx, MQTTPort, "mqtt", "")
}

// MQTTTLSURL returns mqtts://host:port of MQTT over TLS.
func (c *Container) MQTTTLSURL(ctx context.Context) (string, error) {
	return c.endpoint(ctx, MQTTTLSPort, "mqtts", "")
}

// HTTPURL returns the HTTP base URL, for an AWS SDK's BaseEndpoint or the
// CLI's --endpoint-url. (Endpoint is testcontainers' own method.)
func (c *Container) HTTPURL(ctx context.Context) (string, error) {
	return c.endpoint(ctx, HTTPPort, "http", "")
}

// HTTPSURL returns the HTTPS base URL.
func (c *Container) HTTPSURL(ctx context.Context) (string, error) {
	return c.endpoint(ctx, HTTPSPort, "https", "")
}

// WebSocketURL returns ws://host:port/mqtt.
func (c *Container) WebSocketURL(ctx context.Context) (string, error) {
	return c.endpoint(ctx, HTTPPort, "ws", "/mqtt")
}

// WebSocketTLSURL returns wss://host:port/mqtt.
func (c *Container) WebSocketTLSURL(ctx context.Context) (string, error) {
	return c.endpoint(ctx, HTTPSPort, "wss", "/mqtt")
}

// WebSocketAPIURL returns ws://host:port/{stage} of an API Gateway
// WebSocket API.
func (c *Container) WebSocketAPIURL(ctx context.Context, stage string) (string, error) {
	return c.endpoint(ctx, APIGWPort, "ws", "/"+stage)
}

// ConnectionsEndpoint returns http://host:port/{stage}, the BaseEndpoint of
// an apigatewaymanagementapi client or the CLI's --endpoint-url.
func (c *Container) ConnectionsEndpoint(ctx context.Context, stage string) (string, error) {
	return c.endpoint(ctx, APIGWPort, "http", "/"+stage)
}

// CACertificatePEM fetches the CA certificate the container generated, to
// trust its TLS listeners.
func (c *Container) CACertificatePEM(ctx context.Context) ([]byte, error) {
	base, err := c.HTTPURL(ctx)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/ca.pem", nil)
	if err != nil {
		return nil, fmt.Errorf("get CA: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("get CA: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("get CA: status %s", resp.Status)
	}
	pem, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("get CA: %w", err)
	}
	return pem, nil
}
