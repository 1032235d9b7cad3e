package sql

import "fmt"

// ExceptionName is the AWS exception name of every parse error.
// AWS: iot/2015-05-28/service-2.json CreateTopicRule errors (SqlParseException).
const ExceptionName = "SqlParseException"

// Error is a parse error with its position in the SQL text.
type Error struct {
	Pos Pos
	Msg string
}

// Error formats the error the way AWS reports SqlParseException messages:
// the exception name, the position and the reason.
func (e *Error) Error() string {
	return fmt.Sprintf("%s: line %d:%d: %s", ExceptionName, e.Pos.Line, e.Pos.Col, e.Msg)
}

func errorf(p Pos, format string, args ...any) *Error {
	return &Error{Pos: p, Msg: fmt.Sprintf(format, args...)}
}
