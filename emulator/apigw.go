package emulator

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"

	"github.com/iotemu/iotemu/internal/apigwv2"

	"github.com/iotemu/iotemu/apigw"
	"github.com/iotemu/iotemu/fixtures"
)

// APIGatewayConfig configures the API Gateway WebSocket mimic and the
// in-process Lambda functions it (and later the rules engine) invokes.
type APIGatewayConfig struct {
	// APIs are served from the start, besides the fixtures' apis.
	APIs []apigw.API
	// Functions are in-process Lambda handlers (anything lambda.Start
	// accepts) by function name or ARN; apigw.Function integrations and
	// fixtures' "function" integrations find them here.
	Functions map[string]any
	Limits    apigw.Limits
	Compat    apigw.Compat
}

// newAPIGateway builds the apigw server, its functions run by the
// Server's one invoker.
func (s *Server) newAPIGateway() error {
	srv, err := apigw.New(apigw.Config{
		APIs:      s.cfg.APIGatewayAPIs.APIs,
		Functions: s.invoker,
		Region:    s.cfg.Region,
		AccountID: s.cfg.AccountID,
		Limits:    s.cfg.APIGatewayAPIs.Limits,
		Compat:    s.cfg.APIGatewayAPIs.Compat,
		Now:       s.cfg.Now,
		TLS:       s.apigwTLSConfig(),
		Clock:     s.cfg.Clock,
		Logger:    s.log.With("component", "apigw"),
		// The emulator's HTTP timeouts apply to the API port too.
		HTTPReadTimeout: s.cfg.HTTPTimeouts.Read, HTTPIdleTimeout: s.cfg.HTTPTimeouts.Idle,
		// The apigatewayv2 control plane, built next on this server.
		// Its changes pass the same data-directory flush as on the HTTP port.
		ControlPlane: s.withPersistence(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.apigwv2.Handler().ServeHTTP(w, r) })),
	})
	if err != nil {
		return fmt.Errorf("set up api gateway: %w", err)
	}
	s.apigw = srv
	s.apigwv2 = apigwv2.New(apigwv2.Config{
		Region: s.cfg.Region, AccountID: s.cfg.AccountID, Installer: srv, Now: s.cfg.Now,
		// apiEndpoint names the API port as clients reach it; evaluated
		// per call, so a port chosen at Start is right.
		Endpoint: func(string) string { return s.Endpoints().APIGateway },
		// An apigatewayv2 operation not served here answers 501 naming it;
		// any other unknown path AWS's 404 NotFoundException.
		Unemulated: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s.control.Unemulated(apiError(http.StatusNotFound, "NotFoundException", "Not Found")).ServeHTTP(w, r)
		}),
	})
	return nil
}

// apigwTLSConfig serves wss:// and https:// on the API port, sniffed per
// connection beside ws:// and http://: the emulator's server certificate
// (issued by its CA), no client certificate asked (browsers would prompt),
// HTTP/1.1 only (WebSocket upgrades), TLS 1.2 at least as API Gateway's
// minimum.
// AWS: https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-custom-domain-tls-version.html
func (s *Server) apigwTLSConfig() *tls.Config {
	return &tls.Config{Certificates: s.tls.Certificates, MinVersion: tls.VersionTLS12, NextProtos: []string{"http/1.1"}}
}

// serveAPIGateway serves the bound API Gateway listener, if enabled.
func (s *Server) serveAPIGateway() error {
	ln, ok := s.bound[listenerAPIGateway]
	if !ok {
		return nil
	}
	if err := s.apigw.StartOn(ln); err != nil {
		return fmt.Errorf("serve api gateway: %w", err)
	}
	return nil
}

// APIGateway returns the API Gateway WebSocket mimic, to post to
// connections or add APIs from Go.
func (s *Server) APIGateway() *apigw.Server { return s.apigw }

// APIGatewayURL returns ws://host:port of the API Gateway listener; an API
// is at APIGatewayURL()+"/"+stage, and its @connections endpoint (SDK
// BaseEndpoint, CLI --endpoint-url) is http://host:port/stage. The same
// port serves wss:// and https:// with the emulator's CA
// (Endpoints().APIGatewayTLS).
func (s *Server) APIGatewayURL() string { return s.Endpoints().APIGateway }

// applyAPIs declares the fixtures' WebSocket APIs through the apigatewayv2
// control plane (one more client of its store, as the AWS CLI is), which
// serves them on the API port; a route's or authorizer's lambdaEndpoint
// becomes its function's endpoint.
func (s *Server) applyAPIs(ctx context.Context, apis []fixtures.API) []error {
	var errs []error
	for i, fa := range apis {
		err := s.apiEndpoints(fa)
		if err == nil {
			var id string
			if id, err = s.apigwv2.ApplyFixture(ctx, fa); err == nil {
				s.log.Info("fixture api declared", "api", id, "name", fa.Name, "stage", fa.Stage)
			}
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("apis[%d] (%s): %w", i, fa.Name, err))
		}
	}
	return errs
}

// apiEndpoints gives the functions of fa's routes and authorizer their
// lambdaEndpoint.
func (s *Server) apiEndpoints(fa fixtures.API) error {
	var errs []error
	for _, r := range fa.Routes {
		if in := r.Integration; in.Function != "" && in.LambdaEndpoint != "" {
			errs = append(errs, s.invoker.SetEndpoint(in.Function, in.LambdaEndpoint))
		}
	}
	if a := fa.Authorizer; a != nil && a.LambdaEndpoint != "" {
		errs = append(errs, s.invoker.SetEndpoint(a.Function, a.LambdaEndpoint))
	}
	return errors.Join(errs...)
}

// closeAPIGateway closes the WebSocket connections (1001, running their
// $disconnect) and waits for them.
func (s *Server) closeAPIGateway(ctx context.Context) error {
	if err := s.apigw.Close(ctx); err != nil {
		return fmt.Errorf("close api gateway: %w", err)
	}
	return nil
}
