package eval

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/iotemu/iotemu/rules/internal/sql"
)

// TestOperatorTypeTable covers each operator over the type pairs of AWS's
// tables. Operands: i Int 5, d Decimal 2.5, s numeric String "10", t text
// String "b", b Boolean true, a Array [1], o Object {"k":1}, n Null, u
// Undefined (missing). AWS: iot-sql-operators.html, iot-sql-data-types.html.
func TestOperatorTypeTable(t *testing.T) {
	const payload = `{"i":5,"d":2.5,"s":"10","t":"b","b":true,"a":[1],"o":{"k":1},"n":null}`
	tests := []struct{ expr, want string }{
		// + : strings concatenate, numbers add, others Undefined
		{"i + i", `10`}, {"i + d", `7.5`}, {"i + s", `"510"`}, {"t + i", `"b5"`}, {"t + b", `"btrue"`},
		{"t + a", `"b[1]"`}, {"t + o", `"b{\"k\":1}"`}, {"t + n", `U`}, {"t + u", `U`},
		{"i + b", `U`}, {"i + n", `U`}, {"a + a", `U`}, {"d + d", `5`},
		// - * / % : numeric strings convert to Decimal
		{"i - s", `-5`}, {"s * i", `50`}, {"s / i", `2`}, {"i / 2", `2`}, {"-7 / 2", `-3`},
		{"i / d", `2`}, {"i % 3", `2`}, {"-7 % 3", `-1`}, {"d % 1", `0.5`}, {"i / 0", `U`},
		{"t - i", `U`}, {"b * i", `U`}, {"u - i", `U`}, {"n * i", `U`},
		// comparisons: Decimal conversion, else Undefined
		{"i > d", `true`}, {"s > 9", `true`}, {"i >= 5.0", `true`}, {"i < s", `true`}, {"d <= 2.5", `true`},
		{"t > 'a'", `U`}, {"b > i", `U`}, {"n < i", `U`}, {"u > i", `U`}, {"a > i", `U`},
		// = and <>: numeric across Int/Decimal; mismatched types false; Undefined Undefined
		{"i = 5.0", `true`}, {"s = 10", `false`}, {"s <> 10", `true`}, {"t = 'b'", `true`},
		{"a = [1]", `true`}, {"a = [1.0]", `true`}, {"o = {'k': 1}", `true`}, {"o <> {'k': 2}", `true`},
		{"n = NULL", `true`}, {"n <> NULL", `false`}, {"b = true", `true`}, {"b = 'true'", `false`},
		{"u = 1", `U`}, {"u <> 1", `U`}, {"i <> b", `true`},
		// AND OR NOT: Booleans and "true"/"false" strings, else Undefined
		{"b AND 'TRUE'", `true`}, {"b AND 'false'", `false`}, {"NOT 'False'", `true`},
		{"b AND i", `U`}, {"b OR u", `U`}, {"false AND u", `U`}, {"NOT i", `U`},
		// IN
		{"i IN (1, 5)", `true`}, {"i IN (1, 2)", `false`}, {"t IN ('a', 'b')", `true`},
		{"i NOT IN (1, 2)", `true`}, {"u IN (1)", `U`}, {"i IN a", `false`}, {"1 IN a", `true`},
		// unary minus
		{"-i", `-5`}, {"-d", `-2.5`}, {"-s", `-10`}, {"-t", `U`}, {"-b", `U`},
		// precedence
		{"1 + 2 * 3", `7`}, {"(1 + 2) * 3", `9`}, {"NOT false AND false", `false`}, {"true OR false AND false", `true`},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			want := `{"x":` + tt.want + `}`
			if tt.want == "U" {
				want = `{}`
			}
			if got := sel(t, tt.expr, payload); got != want {
				t.Errorf("got %s, want %s", got, want)
			}
		})
	}
}

func TestShortCircuitCompat(t *testing.T) {
	st, err := sql.Parse("SELECT true OR missing AS a, false AND missing AS b FROM 'x'", sql.Options{Version: sql.V20160323})
	if err != nil {
		t.Fatal(err)
	}
	p, err := Compile(st, Compat{ShortCircuitLogic: true})
	if err != nil {
		t.Fatal(err)
	}
	ev, _ := NewEvaluator(time.Second)
	o, err := ev.Run(context.Background(), p, testEnv(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(o.Payload), `{"a":true,"b":false}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestWhereOnlyBooleanTrue(t *testing.T) {
	for _, where := range []string{"'true'", "1", "NULL", "missing", "{'a':1}", "false"} {
		got := evalSQL(t, "SELECT * FROM 'x' WHERE "+where, sql.V20160323, testEnv(`{"a":1}`))
		if got != "<no match>" {
			t.Errorf("WHERE %s: got %s, want no match", where, got)
		}
	}
}

func TestVersionDifferences(t *testing.T) {
	payload := `{"light":5.0,"t":23.07}`
	tests := []struct {
		sql   string
		v     sql.Version
		want  string
		isErr bool
	}{
		{"SELECT light, cast(light as double) AS d, t FROM 'x'", sql.V20151008, `{"light":5.0,"d":5.0,"t":23.07}`, false},
		{"SELECT light, cast(light as double) AS d, t FROM 'x'", sql.V20160323, `{"light":5,"d":5,"t":23.07}`, false},
		{"SELECT light, 10.0 AS l FROM 'x'", sql.VBeta, `{"light":5,"l":10}`, false},
		{"SELECT 'a' + light AS s FROM 'x'", sql.V20151008, `{"s":"a5.0"}`, false},
		{"SELECT 1.0E7 AS big, 0.0001 AS small FROM 'x'", sql.V20151008, `{"big":1.0E7,"small":1.0E-4}`, false},
		{"SELECT VALUE light FROM 'x'", sql.V20151008, `5.0`, false},
		{"SELECT VALUE topic() FROM 'x'", sql.V20160323, `"a/b/c"`, false},
		{"SELECT sql_version() AS v FROM 'x'", sql.V20151008, `{"v":"2015-10-08"}`, false},
		{"SELECT VALUE arr FROM 'x'", sql.V20151008, ``, true},
	}
	for _, tt := range tests {
		t.Run(string(tt.v)+" "+tt.sql, func(t *testing.T) {
			env := testEnv(payload)
			if tt.isErr {
				env = testEnv(`{"arr":[1]}`)
			}
			got, err := tryEval(t, tt.sql, tt.v, env)
			if (err != nil) != tt.isErr {
				t.Fatalf("got error %v, want error=%v", err, tt.isErr)
			}
			if !tt.isErr && got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestUndefinedPropagation(t *testing.T) {
	tests := []struct{ sql, want string }{
		{"SELECT foo, bar FROM 'x'", `{"foo":null}`},
		{"SELECT VALUE bar FROM 'x'", ``},
		{"SELECT [foo, bar, 1] AS a FROM 'x'", `{"a":[null,1]}`},
		{"SELECT {'a': bar, 'b': foo} AS o FROM 'x'", `{"o":{"b":null}}`},
		{"SELECT bar.baz AS a, upper(bar) AS b, bar + 1 AS c, CASE bar WHEN 1 THEN 2 END AS d FROM 'x'", `{}`},
		{"SELECT bar AS a.b FROM 'x'", `{}`},
		{"SELECT (SELECT VALUE v FROM e) AS r FROM 'x'", `{}`},
		{"SELECT (SELECT VALUE v FROM arr) AS r FROM 'x'", `{"r":[1]}`},
	}
	for _, tt := range tests {
		t.Run(tt.sql, func(t *testing.T) {
			got := evalSQL(t, tt.sql, sql.V20160323, testEnv(`{"foo":null,"arr":[{"v":1},{"w":2}]}`))
			if got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestOutputFidelity(t *testing.T) {
	tests := []struct{ sql, payload, want string }{
		{"SELECT * FROM 'x'", `{"z":1,"10":2,"a":"<&>","u":"é\u0001"}`, `{"z":1,"10":2,"a":"<&>","u":"é\u0001"}`},
		{"SELECT * FROM 'x'", `{"big":123456789012345678901234567890,"neg":-0.000001}`, `{"big":123456789012345678901234567890,"neg":-0.000001}`},
		{"SELECT big + 1 AS b FROM 'x'", `{"big":123456789012345678901234567890}`, `{"b":123456789012345678901234567891}`},
		{"SELECT * FROM 'x'", `not json`, `not json`},
		{"SELECT *, 1 AS one FROM 'x'", `not json`, `{"one":1}`},
		{"SELECT constructor, __proto__ AS p FROM 'x'", `{}`, `{}`},
		{"SELECT *, 2 AS state.x FROM 'x' ", `{"state":{"y":1}}`, `{"state":{"y":1,"x":2}}`},
		{"SELECT * AS whole FROM 'x'", `{"a":1}`, `{"whole":{"a":1}}`},
		{"SELECT a.b.c, topic(), 1 + 1 FROM 'x'", `{"a":{"b":{"c":3}}}`, `{"c":3,"topic":"a/b/c","_3":2}`},
	}
	for _, tt := range tests {
		t.Run(tt.sql+tt.payload, func(t *testing.T) {
			if got := evalSQL(t, tt.sql, sql.V20160323, testEnv(tt.payload)); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestSetVariables(t *testing.T) {
	st, err := sql.Parse("SET @a = x * 2, @b = @a + 1, @o = {'k': @a} SELECT @b AS b, @o.k AS k FROM 'x' WHERE @a > 1",
		sql.Options{Version: sql.V20160323})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := Compile(st, Compat{})
	ev, _ := NewEvaluator(time.Second)
	o, err := ev.Run(context.Background(), p, testEnv(`{"x":2}`))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(o.Payload), `{"b":5,"k":4}`; got != want {
		t.Errorf("payload: got %s, want %s", got, want)
	}
	if got, want := string(o.Vars), `{"a":4,"b":5,"o":{"k":4}}`; got != want {
		t.Errorf("vars: got %s, want %s", got, want)
	}
}

// TestTimeout interrupts a runaway expression (a cubic nested query).
func TestTimeout(t *testing.T) {
	arr := "[" + strings.Repeat("1,", 3000) + "1]"
	st, err := sql.Parse("SET @a = a SELECT (SELECT VALUE (SELECT VALUE (SELECT VALUE 1 FROM @a) FROM @a) FROM @a) AS x FROM 'x'",
		sql.Options{Version: sql.V20160323})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := Compile(st, Compat{})
	ev, _ := NewEvaluator(50 * time.Millisecond)
	env := testEnv(`{"a":` + arr + `}`)
	start := time.Now()
	_, err = ev.Run(context.Background(), p, env)
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("got %v, want ErrTimeout", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v, want about 50ms", d)
	}
	// The pooled runtime is usable again.
	ok, _ := sql.Parse("SELECT 1 AS one FROM 'x'", sql.Options{Version: sql.V20160323})
	p2, _ := Compile(ok, Compat{})
	o, err := ev.Run(context.Background(), p2, env)
	if err != nil || string(o.Payload) != `{"one":1}` {
		t.Fatalf("after timeout: got %s %v, want {\"one\":1}", o.Payload, err)
	}
}

func TestContextCancel(t *testing.T) {
	st, _ := sql.Parse("SET @a = a SELECT (SELECT VALUE (SELECT VALUE 1 FROM @a) FROM @a) AS x FROM 'x'", sql.Options{Version: sql.V20160323})
	p, _ := Compile(st, Compat{})
	ev, _ := NewEvaluator(0)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := ev.Run(ctx, p, testEnv(`{"a":[1,2]}`))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}
