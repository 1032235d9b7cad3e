package eval

import (
	"testing"

	"github.com/iotemu/iotemu/rules/internal/sql"
)

// TestFieldParameters: a statement reading only some members gets them as
// parameters, skipping the others, with the results of a full conversion.
func TestFieldParameters(t *testing.T) {
	tests := []struct{ sql, payload, want string }{
		{"SELECT a, c FROM 'x'", `{"a":1,"b":{"x":["]}",{"y":"}"}]},"c":"v"}`, `{"a":1,"c":"v"}`},
		{"SELECT a FROM 'x'", `{"a":1,"a":2}`, `{"a":2}`},
		{"SELECT a FROM 'x'", `{"\u0061":"esc"}`, `{"a":"esc"}`},
		{"SELECT a FROM 'x'", `[{"a":1}]`, `{}`},
		{"SELECT a FROM 'x'", `"a"`, `{}`},
		{"SELECT a FROM 'x'", `not json`, `{}`},
		{"SELECT a FROM 'x'", ` { } `, `{}`},
		{"SELECT a.b AS x, topic() AS t FROM 'x'", `{"a":{"b":[1,2.5,"s",null,true]},"z":1}`, `{"x":[1,2.5,"s",null,true],"t":"a/b/c"}`},
		{"SELECT a, * FROM 'x'", `{"a":1,"b":2}`, `{"a":1,"b":2}`},
		{"SELECT VALUE a FROM 'x' WHERE b > 1", `{"a":"ok","b":2}`, `"ok"`},
		{"SELECT (SELECT VALUE v FROM e) AS r FROM 'x'", `{"e":[{"v":1},{"v":2}],"v":9}`, `{"r":[1,2]}`},
		{"SELECT timestamp() AS ts FROM 'x'", `{"a":1}`, `{"ts":1700000000000}`},
		{"SELECT a AS k, b AS k FROM 'x'", `{"a":1}`, `{"k":1}`},
	}
	for _, tt := range tests {
		if got := evalSQL(t, tt.sql, sql.V20160323, testEnv(tt.payload)); got != tt.want {
			t.Errorf("%s on %s = %s, want %s", tt.sql, tt.payload, got, tt.want)
		}
	}
}
