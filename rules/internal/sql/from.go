package sql

import "strings"

// topicFrom parses the statement's FROM topic filter.
// AWS: iot-sql-from.html ("You must enclose the topic or topic filter in
// single quotes"). Double quotes are accepted like any string literal.
func (p *parser) topicFrom(st *Statement) error {
	t := p.peek()
	st.FromPos = t.Pos
	st.FromPresent = true
	switch {
	case t.Kind == TokString:
		p.next()
		st.From = t.Text
	case p.opts.AllowUnquotedFrom && t.Kind != TokEOF && !isKw(t, "where"):
		st.From = p.rawTopic()
	default:
		return errorf(t.Pos, "expected a topic filter enclosed in single quotes but found %s", t.describe())
	}
	if msg := ValidateTopicFilter(st.From); msg != "" {
		return errorf(t.Pos, "invalid topic filter '%s': %s", st.From, msg)
	}
	return nil
}

// rawTopic consumes tokens up to the next whitespace and returns the source
// text they cover (unquoted FROM, a Compat option).
func (p *parser) rawTopic() string {
	first := p.peek().Pos
	p.lex = &lexer{src: p.src, off: first.Offset, line: first.Line, col: first.Col}
	p.buf = nil
	for p.lex.off < len(p.src) && !strings.ContainsRune(" \t\r\n", rune(p.src[p.lex.off])) {
		p.lex.advance()
	}
	return p.src[first.Offset:p.lex.off]
}

// ValidateTopicFilter checks MQTT wildcard placement: '+' and '#' must fill a
// whole level and '#' must be last. It returns "" when the filter is valid.
// AWS: topics.html (topic filters).
func ValidateTopicFilter(f string) string {
	if f == "" {
		return "empty topic filter"
	}
	levels := strings.Split(f, "/")
	for i, l := range levels {
		if strings.Contains(l, "#") && (l != "#" || i != len(levels)-1) {
			return "'#' must be the whole last level"
		}
		if strings.Contains(l, "+") && l != "+" {
			return "'+' must be a whole level"
		}
	}
	return ""
}
