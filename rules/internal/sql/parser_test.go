package sql

import (
	"errors"
	"strings"
	"testing"
)

func mustParse(tb testing.TB, src string, v Version) *Statement {
	tb.Helper()
	st, err := Parse(src, Options{Version: v})
	if err != nil {
		tb.Fatalf("Parse(%q): %v", src, err)
	}
	return st
}

func TestParseValid(t *testing.T) {
	tests := []string{
		"SELECT * FROM 'a/b'",
		"select * from 'a/#'",
		"SELECT *, 15 as speed FROM 'topic/subtopic'",
		"SELECT * AS message FROM 'a'",
		"SELECT VALUE *.messages FROM 'test/test2'",
		"SELECT state.debug AS state.debug, version FROM 't' WHERE IsUndefined(state.debug) = False OR x <> 1",
		"SET @a = 1, @b = @a + 2 SELECT @a AS a, @b.x AS b FROM 'x'",
		"SELECT (SELECT VALUE n FROM e) as sensors FROM 'my/topic'",
		"SELECT (SELECT * FROM Pos WHERE L1 <> isNull(SELECT VALUE L1 FROM Pos) ) as r FROM 't'",
		"SELECT get((SELECT *, topic() as topic FROM *),0) as data FROM 'test/test1'",
		"SELECT {'a': 1, 'b': [1, 2, {'c': *}],} AS o FROM 'x'",
		"SELECT CASE color WHEN 'g' THEN 'go' ELSE 'x' END AS i FROM 'x'",
		"SELECT cast(light as double) AS l, cast(x AS Boolean) AS b FROM 'x'",
		"SELECT a[0].b AS c FROM 'x' WHERE a IN (1, 2, 3) AND b NOT IN [1] AND NOT c",
		"SELECT -5 AS a, 1E3 AS b, -2.411E247 AS c, 'it''s' AS d, \"x\\\"y\" AS e FROM 'x'",
		"SELECT value FROM 'x'",
		"SELECT value.x AS v, timestamp() AS timestamp FROM 'x'",
		"SELECT * FROM '$aws/things/MyRPi/shadow/update/accepted'",
		"SELECT * WHERE a = 1",
		"SELECT decode(encode(*, 'base64'), 'base64').temperature AS t FROM 'x'",
	}
	for _, src := range tests {
		t.Run(src, func(t *testing.T) { mustParse(t, src, V20160323) })
	}
}

func TestParseShape(t *testing.T) {
	st := mustParse(t, "SELECT state.debug AS state.debug, * FROM 'a/+' WHERE a > 1", V20160323)
	if got, want := st.From, "a/+"; got != want {
		t.Errorf("From: got %q, want %q", got, want)
	}
	if got := st.Select.Items[0].Alias; len(got) != 2 || got[0] != "state" || got[1] != "debug" {
		t.Errorf("alias: got %v, want [state debug]", got)
	}
	if !st.Select.Items[1].Star {
		t.Errorf("item 1: got Star=false, want true")
	}
	if _, ok := st.Where.(*Binary); !ok {
		t.Errorf("where: got %T, want *Binary", st.Where)
	}
	st = mustParse(t, "SELECT VALUE * FROM 'a'", V20160323)
	if _, ok := st.Select.Value.(*Star); !ok {
		t.Errorf("SELECT VALUE *: got %T, want *Star", st.Select.Value)
	}
	st = mustParse(t, "SELECT 1 + 2 * 3 AS x FROM 'a'", V20160323)
	b := st.Select.Items[0].Expr.(*Binary)
	if b.Op != "+" {
		t.Errorf("precedence: got top op %q, want +", b.Op)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		src     string
		version Version
		line    int
		col     int
		msg     string
	}{
		{"SELECT * FORM 'a'", V20160323, 1, 10, "unexpected 'FORM'"},
		{"SELECT * FROM a/b", V20160323, 1, 15, "single quotes"},
		{"SELECT * FROM 'a/#/b'", V20160323, 1, 15, "'#'"},
		{"SELECT * FROM 'a/b+'", V20160323, 1, 15, "'+'"},
		{"SELECT a FROM 'x' WHERE", V20160323, 1, 24, "expected an expression"},
		{"SELECT 'abc FROM 'x'", V20160323, 1, 19, "unexpected"},
		{"SELECT a FROM 'x' WHERE b = 'abc", V20160323, 1, 29, "unterminated"},
		{"SELECT nosuch(1) FROM 'x'", V20160323, 1, 8, "unknown function"},
		{"SELECT {'a':1} AS o FROM 'x'", V20151008, 1, 8, "2016-03-23"},
		{"SELECT [1] AS o FROM 'x'", V20151008, 1, 8, "2016-03-23"},
		{"SELECT (SELECT a FROM b) AS o FROM 'x'", V20151008, 1, 8, "nested"},
		{"SELECT encode(*, 'base64') AS o FROM 'x'", V20151008, 1, 8, "2016-03-23"},
		{"SELECT cast(a AS Decimal) AS o FROM 'x'", V20151008, 1, 18, "2016-03-23"},
		{"SELECT CASE WHEN a THEN 1 END AS o FROM 'x'", V20160323, 1, 13, "searched CASE"},
		{"SELECT a FROM 'x'\n  WHERE a != 1", V20160323, 2, 11, "unexpected character"},
		{"SELECT a AS FROM 'x'", V20160323, 1, 18, ""},
		{"", V20160323, 1, 1, "expected SELECT"},
		{"SELECT a FROM 'x' 'y'", V20160323, 1, 19, "unexpected"},
		{"SELECT @ FROM 'x'", V20160323, 1, 8, "variable name"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			_, err := Parse(tt.src, Options{Version: tt.version})
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("got error %v, want *Error", err)
			}
			if pe.Pos.Line != tt.line || pe.Pos.Col != tt.col {
				t.Errorf("position: got %d:%d, want %d:%d (%v)", pe.Pos.Line, pe.Pos.Col, tt.line, tt.col, err)
			}
			if !strings.Contains(err.Error(), tt.msg) || !strings.HasPrefix(err.Error(), "SqlParseException: ") {
				t.Errorf("message: got %q, want it to contain %q", err.Error(), tt.msg)
			}
		})
	}
}

func TestUnquotedFromOption(t *testing.T) {
	st, err := Parse("SELECT * FROM topic/# WHERE a = 1", Options{Version: V20160323, AllowUnquotedFrom: true})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := st.From, "topic/#"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if st.Where == nil {
		t.Errorf("got nil WHERE, want parsed")
	}
}

func TestDepthLimit(t *testing.T) {
	src := "SELECT " + strings.Repeat("(", 1000) + "1" + strings.Repeat(")", 1000) + " AS a FROM 'x'"
	if _, err := Parse(src, Options{Version: V20160323}); err == nil {
		t.Fatalf("got nil error, want nesting error")
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"SELECT * FROM 'a/b'", "SELECT VALUE *.m FROM 'x' WHERE a IN (1,2)",
		"SET @a = {'k': [1,2]} SELECT CASE a WHEN 1 THEN 'x' END AS b FROM 'c'",
		"SELECT (SELECT v FROM e WHERE n = 'temperature') as t FROM 'my/topic'",
		"SELECT cast(a as Int) AS b, 'it''s' AS c, -1.5E3 AS d FROM 'x'",
	} {
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, src string, modern bool) {
		v := V20151008
		if modern {
			v = V20160323
		}
		_, err := Parse(src, Options{Version: v, AllowUnquotedFrom: !modern})
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || pe.Pos.Line < 1 || pe.Pos.Col < 1 {
				t.Fatalf("error without position: %v", err)
			}
		}
		_, _ = ParseExpr(src, Options{Version: v})
	})
}
