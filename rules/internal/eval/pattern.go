package eval

import (
	"errors"
	"strings"
)

// patToken is one piece of a Joda-Time / java.time pattern: a run of the same
// pattern letter, or literal text.
type patToken struct {
	letter byte // 0 for literal
	count  int
	text   string
}

var errPattern = errors.New("invalid date-time pattern")

// splitPattern tokenizes a date-time pattern: letters are fields, text inside
// single quotes is literal (” is a quote), other characters are literal.
func splitPattern(p string) ([]patToken, error) {
	var toks []patToken
	for i := 0; i < len(p); {
		c := p[i]
		switch {
		case c == '\'':
			lit, n, err := quoted(p[i:])
			if err != nil {
				return nil, err
			}
			toks = append(toks, patToken{text: lit})
			i += n
		case (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'):
			j := i
			for j < len(p) && p[j] == c {
				j++
			}
			toks = append(toks, patToken{letter: c, count: j - i})
			i = j
		default:
			toks = append(toks, patToken{text: string(c)})
			i++
		}
	}
	return toks, nil
}

func quoted(p string) (string, int, error) {
	if strings.HasPrefix(p, "''") {
		return "'", 2, nil
	}
	var b strings.Builder
	for i := 1; i < len(p); i++ {
		if p[i] != '\'' {
			b.WriteByte(p[i])
			continue
		}
		if i+1 < len(p) && p[i+1] == '\'' {
			b.WriteByte('\'')
			i++
			continue
		}
		return b.String(), i + 1, nil
	}
	return "", 0, errPattern
}
