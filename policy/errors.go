package policy

import "errors"

// ErrMalformedPolicy is matched (errors.Is) by every error of Parse: the
// document would be refused by CreatePolicy/CreatePolicyVersion with
// MalformedPolicyException. Use errors.As with *MalformedError for the
// message to put on the wire.
var ErrMalformedPolicy = errors.New("malformed policy")

// ErrPolicyTooLarge is matched (errors.Is) by the error of Parse for a
// document over the size limit; it also matches ErrMalformedPolicy.
var ErrPolicyTooLarge = errors.New("policy too large")

// MalformedError is a document refused by AWS's CreatePolicy validation.
// Its Error is the MalformedPolicyException message.
type MalformedError struct {
	// Reason is the text after "Policy document is Malformed: ".
	Reason  string
	tooLong bool
}

// Error returns the message AWS puts in MalformedPolicyException.
// AWS: OBSERVED "Policy document is Malformed: Invalid policy syntax." and
// "Policy document is Malformed: The following resources are invalid : x"
// (aws/aws-cdk#32414, aws-samples/simplerobotservice#1).
func (e *MalformedError) Error() string {
	return "Policy document is Malformed: " + e.Reason
}

// Is reports whether target is ErrMalformedPolicy, or ErrPolicyTooLarge
// for a document over the size limit.
func (e *MalformedError) Is(target error) bool {
	return target == ErrMalformedPolicy || (e.tooLong && target == ErrPolicyTooLarge)
}

func malformed(reason string) error { return &MalformedError{Reason: reason} }

// reasonSyntax is AWS's reason for JSON and grammar errors.
const reasonSyntax = "Invalid policy syntax."
