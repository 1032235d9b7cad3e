package eval

import (
	"testing"

	"github.com/iotemu/iotemu/rules/internal/sql"
)

func TestSmoke(t *testing.T) {
	for _, tc := range []struct{ sql, payload, want string }{
		{"SELECT * FROM 'a/b/c'", `{"b":1,"0":2,"a":{"x":1.50}}`, `{"b":1,"0":2,"a":{"x":1.5}}`},
		{"SELECT *, 15 as speed FROM 'a/b/c'", `{"color":"red"}`, `{"color":"red","speed":15}`},
		{"SELECT (temperature - 32) * 5 / 9 AS celsius, upper(color) as c FROM 'a/b/c'", `{"temperature":50,"color":"red"}`, `{"celsius":10,"c":"RED"}`},
		{"SELECT VALUE *.messages FROM 'a'", `{"messages":[{"message":"a"}]}`, `[{"message":"a"}]`},
		{"SELECT state.debug AS state.debug, version FROM 'a' WHERE IsUndefined(state.debug) = False", `{"state":{"debug":"F"},"version":"3.1"}`, `{"state":{"debug":"F"},"version":"3.1"}`},
		{"SELECT (SELECT * FROM Pos WHERE L1 <> isNull(SELECT VALUE L1 FROM Pos) ) as r FROM 'a'", `{"Pos":[{"L1":36.9039996,"S":5},{"S":7}]}`, `{"r":[{"L1":36.9039996,"S":5}]}`},
		{"SELECT get((SELECT *, topic() as topic FROM *),0) as data FROM 'a'", `{"foo":"bar"}`, `{"data":{"foo":"bar","topic":"a/b/c"}}`},
		{"SELECT md2('hello') AS a, md5('hello') AS b FROM 'a'", `{}`, `{"a":"a9046c73e00331af68917d3804f70655","b":"5d41402abc4b2a76b9719d911017c592"}`},
		{"SELECT parse_time(\"yyyy.MM.dd G 'at' HH:mm:ss z\", 100000000, 'America/Belize' ) as ts FROM 'A/B'", `{}`, `{"ts":"1970.01.01 AD at 21:46:40 CST"}`},
	} {
		if got := evalSQL(t, tc.sql, sql.V20160323, testEnv(tc.payload)); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.sql, got, tc.want)
		}
	}
}
