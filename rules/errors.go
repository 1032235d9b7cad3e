package rules

import (
	"errors"
	"fmt"

	"github.com/iotemu/iotemu/rules/internal/eval"
	"github.com/iotemu/iotemu/rules/internal/sql"
)

// AWS exception names returned by ErrorCode.
// AWS: iot/2015-05-28/service-2.json (CreateTopicRule and related errors).
const (
	CodeSQLParse        = "SqlParseException"
	CodeInvalidRequest  = "InvalidRequestException"
	CodeAlreadyExists   = "ResourceAlreadyExistsException"
	CodeNotFound        = "ResourceNotFoundException"
	CodeInternalFailure = "InternalException"
)

var (
	// ErrSQLParse matches every *SQLParseError (errors.Is).
	ErrSQLParse = errors.New(CodeSQLParse)
	// ErrInvalidRule reports an invalid rule field (name, SQL version, action).
	ErrInvalidRule = errors.New(CodeInvalidRequest)
	// ErrRuleExists reports Add of a name already in use.
	ErrRuleExists = errors.New("rule already exists")
	// ErrRuleNotFound reports an unknown rule name (also a Basic Ingest message
	// for a missing or disabled rule, AWS: iot-basic-ingest.html).
	ErrRuleNotFound = errors.New("rule not found")
	// ErrEvalTimeout reports an evaluation interrupted by Config.EvalTimeout.
	ErrEvalTimeout = eval.ErrTimeout
	// ErrNoExternal reports an external function (aws_lambda, get_thing_shadow,
	// ...) called without a backend in Config.Externals.
	ErrNoExternal = eval.ErrNoExternal
	// ErrCallLimit reports a second get_dynamodb or get_registry_data call in
	// one statement; the rule runs no action.
	ErrCallLimit = eval.ErrCallLimit
	// ErrNotFound, returned by an Externals backend, makes the external
	// function's result Undefined instead of failing the rule.
	ErrNotFound = errors.New("external resource not found")
	// ErrNoPublisher reports a Republish action without a Publisher.
	ErrNoPublisher = errors.New("no publisher configured")
)

// SQLParseError is a rule statement that does not parse. It formats like
// AWS's SqlParseException message and matches ErrSQLParse.
type SQLParseError struct {
	Line, Column, Offset int
	Message              string
}

// Error returns "SqlParseException: line L:C: message".
func (e *SQLParseError) Error() string {
	return fmt.Sprintf("%s: line %d:%d: %s", CodeSQLParse, e.Line, e.Column, e.Message)
}

// Is reports whether target is ErrSQLParse.
func (e *SQLParseError) Is(target error) bool { return target == ErrSQLParse }

// Code returns the AWS exception name.
func (e *SQLParseError) Code() string { return CodeSQLParse }

func wrapParseError(err error) error {
	var pe *sql.Error
	if errors.As(err, &pe) {
		return &SQLParseError{Line: pe.Pos.Line, Column: pe.Pos.Col, Offset: pe.Pos.Offset, Message: pe.Msg}
	}
	return err
}

// ErrorCode maps an error of this package to the AWS exception name the
// control-plane API returns for it ("" when none applies).
func ErrorCode(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrSQLParse):
		return CodeSQLParse
	case errors.Is(err, ErrInvalidRule):
		return CodeInvalidRequest
	case errors.Is(err, ErrRuleExists):
		return CodeAlreadyExists
	case errors.Is(err, ErrRuleNotFound):
		return CodeNotFound
	}
	return CodeInternalFailure
}
