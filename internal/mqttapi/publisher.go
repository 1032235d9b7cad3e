package mqttapi

import "context"

// publisherKey is the context key of the publishing client's ID.
type publisherKey struct{}

// WithPublisher returns ctx carrying the ID of the client whose publish a
// service is handling, so that it can answer that client alone (the Jobs
// API's accepted and rejected replies).
func WithPublisher(ctx context.Context, clientID string) context.Context {
	return context.WithValue(ctx, publisherKey{}, clientID)
}

// PublisherOf returns the client ID WithPublisher stored, or "" for a
// message published through the HTTP API or from Go.
func PublisherOf(ctx context.Context) string {
	id, _ := ctx.Value(publisherKey{}).(string)
	return id
}
