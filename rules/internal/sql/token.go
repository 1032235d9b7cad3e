package sql

import "fmt"

// TokenKind classifies a lexical token.
type TokenKind int

// Token kinds produced by the lexer.
const (
	TokEOF TokenKind = iota
	TokIdent
	TokString
	TokNumber
	TokVar // @name
	TokLParen
	TokRParen
	TokLBracket
	TokRBracket
	TokLBrace
	TokRBrace
	TokComma
	TokDot
	TokColon
	TokStar
	TokPlus
	TokMinus
	TokSlash
	TokPercent
	TokEq
	TokNeq
	TokLt
	TokLte
	TokGt
	TokGte
)

var tokenNames = map[TokenKind]string{
	TokEOF: "end of statement", TokIdent: "identifier", TokString: "string literal",
	TokNumber: "number", TokVar: "variable", TokLParen: "'('", TokRParen: "')'",
	TokLBracket: "'['", TokRBracket: "']'", TokLBrace: "'{'", TokRBrace: "'}'",
	TokComma: "','", TokDot: "'.'", TokColon: "':'", TokStar: "'*'", TokPlus: "'+'",
	TokMinus: "'-'", TokSlash: "'/'", TokPercent: "'%'", TokEq: "'='", TokNeq: "'<>'",
	TokLt: "'<'", TokLte: "'<='", TokGt: "'>'", TokGte: "'>='",
}

func (k TokenKind) String() string {
	if s, ok := tokenNames[k]; ok {
		return s
	}
	return fmt.Sprintf("token(%d)", int(k))
}

// Pos is a position in the SQL text: byte offset plus 1-based line and column
// (column counted in runes).
type Pos struct {
	Offset int
	Line   int
	Col    int
}

func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// Token is one lexical token. Text is the raw text for identifiers and
// numbers and the decoded value for string literals.
type Token struct {
	Kind  TokenKind
	Text  string
	Pos   Pos
	Quote byte // quote character of a string literal
}

func (t Token) describe() string {
	switch t.Kind {
	case TokEOF:
		return "end of statement"
	case TokString:
		return fmt.Sprintf("%c%s%c", t.Quote, t.Text, t.Quote)
	case TokVar:
		return "@" + t.Text
	case TokIdent, TokNumber:
		return "'" + t.Text + "'"
	}
	return t.Kind.String()
}
