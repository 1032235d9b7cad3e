package awsid

import "github.com/google/uuid"

// NewUUID returns a random version 4 UUID in its canonical lowercase form,
// the shape of AWS's thing IDs, request IDs and clientTokens.
func NewUUID() string { return uuid.NewString() }
