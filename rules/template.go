package rules

import (
	"context"
	"fmt"
	"strings"

	"github.com/iotemu/iotemu/rules/internal/eval"
	"github.com/iotemu/iotemu/rules/internal/sql"
)

// Template is a substitution template compiled once: text with `${expr}`
// parts. Expressions are evaluated against the original payload, the SQL
// functions and the rule's SET variables — not the SELECT output — and
// converted to String; Undefined becomes "". `$$` is a literal `$`.
// AWS: iot-substitution-templates.html; iot-sql-set.html;
// republish-rule-action.html ($$ for $ topics).
type Template struct {
	src     string
	literal string // when there is no expression
	prog    *eval.ExprProgram
	version sql.Version
}

// CompileTemplate parses and compiles a template for a SQL version ("" is
// the default 2015-10-08). A bad expression is a *SQLParseError.
func CompileTemplate(s, sqlVersion string) (*Template, error) {
	v, ok := sql.ParseVersion(sqlVersion)
	if !ok {
		return nil, fmt.Errorf("compile template: %w: unknown SQL version %q", ErrInvalidRule, sqlVersion)
	}
	return compileTemplate(s, v, Compat{})
}

func compileTemplate(s string, v sql.Version, c Compat) (*Template, error) {
	parts, err := splitTemplate(s, v)
	if err != nil {
		return nil, fmt.Errorf("compile template %q: %w", s, err)
	}
	t := &Template{src: s, version: v}
	if len(parts) <= 1 && (len(parts) == 0 || parts[0].Expr == nil) {
		if len(parts) == 1 {
			t.literal = parts[0].Text
		}
		return t, nil
	}
	if t.prog, err = eval.CompileTemplate(parts, v, eval.Compat{ShortCircuitLogic: c.ShortCircuitLogic}); err != nil {
		return nil, fmt.Errorf("compile template %q: %w", s, err)
	}
	return t, nil
}

// String returns the template source.
func (t *Template) String() string { return t.src }

// Execute evaluates the template for the message and SET variables behind
// out.
func (t *Template) Execute(ctx context.Context, out Output) (string, error) {
	if t.prog == nil {
		return t.literal, nil
	}
	if out.run == nil {
		return "", fmt.Errorf("execute template: %w: output has no evaluation context", ErrInvalidRule)
	}
	s, err := out.run.ev.RunTemplate(ctx, t.prog, out.run.env, out.run.vars)
	if err != nil {
		return "", fmt.Errorf("execute template %q: %w", t.src, err)
	}
	return s, nil
}

// splitTemplate cuts text into literal and `${...}` parts. The closing brace
// is found outside string literals and nested braces.
func splitTemplate(s string, v sql.Version) ([]eval.TemplatePart, error) {
	var parts []eval.TemplatePart
	var lit strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case strings.HasPrefix(s[i:], "$$"):
			lit.WriteByte('$')
			i++
		case strings.HasPrefix(s[i:], "${"):
			end := closingBrace(s, i+2)
			if end < 0 {
				return nil, &SQLParseError{Line: 1, Column: i + 1, Offset: i, Message: "unterminated ${ in substitution template"}
			}
			e, err := sql.ParseExpr(s[i+2:end], sql.Options{Version: v})
			if err != nil {
				return nil, wrapParseError(err)
			}
			if lit.Len() > 0 {
				parts = append(parts, eval.TemplatePart{Text: lit.String()})
				lit.Reset()
			}
			parts = append(parts, eval.TemplatePart{Expr: e})
			i = end
		default:
			lit.WriteByte(s[i])
		}
	}
	if lit.Len() > 0 {
		parts = append(parts, eval.TemplatePart{Text: lit.String()})
	}
	return parts, nil
}

func closingBrace(s string, from int) int {
	depth := 0
	var quote byte
	for i := from; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '{':
			depth++
		case c == '}':
			if depth == 0 {
				return i
			}
			depth--
		}
	}
	return -1
}
