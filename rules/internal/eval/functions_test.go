package eval

import (
	"testing"

	"github.com/iotemu/iotemu/rules/internal/sql"
)

// TestFunctions checks each function's documented examples and edge cases.
// want is the JSON of {"x": result}; "{}" means Undefined.
func TestFunctions(t *testing.T) {
	tests := []struct{ expr, payload, want string }{
		// math. AWS: iot-sql-functions.html
		{"abs(-5)", `{}`, `{"x":5}`},
		{"abs(-5.5)", `{}`, `{"x":5.5}`},
		{"abs('-3')", `{}`, `{"x":3}`},
		{"abs('x')", `{}`, `{}`},
		{"abs(true)", `{}`, `{}`},
		{"abs()", `{}`, `{}`},
		{"acos(0)", `{}`, `{"x":1.5707963267948966}`},
		{"acos(2)", `{}`, `{}`},
		{"asin(0)", `{}`, `{"x":0}`},
		{"atan(0)", `{}`, `{"x":0}`},
		{"atan2(1, 0)", `{}`, `{"x":1.5707963267948966}`},
		{"cos(0)", `{}`, `{"x":1}`},
		{"exp(0)", `{}`, `{"x":1}`},
		{"ln(1)", `{}`, `{"x":0}`},
		{"ln(0)", `{}`, `{}`},
		{"log(100)", `{}`, `{"x":2}`},
		{"power(2, 5)", `{}`, `{"x":32}`},
		{"sqrt(9)", `{}`, `{"x":3}`},
		{"sqrt(-1)", `{}`, `{}`},
		{"ceil(1.2)", `{}`, `{"x":2}`},
		{"ceil(-1.2)", `{}`, `{"x":-1}`},
		{"floor(-1.2)", `{}`, `{"x":-2}`},
		{"floor('2.7')", `{}`, `{"x":2}`},
		{"round(1.5)", `{}`, `{"x":2}`},
		{"round(-1.5)", `{}`, `{"x":-2}`},
		{"round(-1.1)", `{}`, `{"x":-1}`},
		{"round(1.2)", `{}`, `{"x":1}`},
		{"sign(-7)", `{}`, `{"x":-1}`},
		{"sign(0.5)", `{}`, `{"x":1}`},
		{"trunc(2.3, 0)", `{}`, `{"x":2}`},
		{"trunc(2.3123, 2)", `{}`, `{"x":2.31}`},
		{"trunc(-2.888, 2)", `{}`, `{"x":-2.88}`},
		{"trunc(2.888, -1)", `{}`, `{"x":2}`},
		{"trunc(7, 2)", `{}`, `{"x":7}`},
		{"mod(8, 3)", `{}`, `{"x":2}`},
		{"mod(-8, 3)", `{}`, `{"x":-2}`},
		{"mod(8, 0)", `{}`, `{}`},
		{"remainder(8.5, 3)", `{}`, `{"x":2.5}`},
		{"nanvl(8, 3)", `{}`, `{"x":8}`},
		{"nanvl(missing, 3)", `{}`, `{"x":3}`},
		{"nanvl(NULL, 3)", `{}`, `{"x":3}`},
		{"bitand(13, 5)", `{}`, `{"x":5}`},
		{"bitor(8, 5)", `{}`, `{"x":13}`},
		{"bitxor(13, 5)", `{}`, `{"x":8}`},
		{"bitand(13.9, '5')", `{}`, `{"x":5}`},
		{"bitnot(13)", `{}`, `{"x":-14}`},
		{"bitand('a', 1)", `{}`, `{}`},
		{"rand()", `{}`, `{"x":0.5}`},
		// strings
		{"concat()", `{}`, `{}`},
		{"concat(1)", `{}`, `{"x":1}`},
		{"concat(1, 2)", `{}`, `{"x":"12"}`},
		{"concat('a', missing)", `{}`, `{}`},
		{"concat([1], [2], 3)", `{}`, `{"x":[1,2,3]}`},
		{"length('hi')", `{}`, `{"x":2}`},
		{"length(false)", `{}`, `{"x":5}`},
		{"numbytes('€')", `{}`, `{"x":3}`},
		{"lower(NULL)", `{}`, `{}`},
		{"upper(1.5)", `{}`, `{"x":"1.5"}`},
		{"lpad('a', -3)", `{}`, `{"x":"a"}`},
		{"lpad('a', 2.9)", `{}`, `{"x":"  a"}`},
		{"lpad('a', '1')", `{}`, `{"x":" a"}`},
		{"lpad('a', true)", `{}`, `{}`},
		{"substring('012345', 0)", `{}`, `{"x":"012345"}`},
		{"substring('012345', 2)", `{}`, `{"x":"2345"}`},
		{"substring('012345', 2.745)", `{}`, `{"x":"2345"}`},
		{"substring(123, 2)", `{}`, `{"x":"3"}`},
		{"substring('012345', -1)", `{}`, `{"x":"012345"}`},
		{"substring(true, 1.2)", `{}`, `{"x":"rue"}`},
		{"substring(false, -2.411E247)", `{}`, `{"x":"false"}`},
		{"substring('012345', 1, 3)", `{}`, `{"x":"12"}`},
		{"substring('012345', -50, 50)", `{}`, `{"x":"012345"}`},
		{"substring('012345', 3, 1)", `{}`, `{"x":""}`},
		{"indexof('abcd', 'bc')", `{}`, `{"x":1}`},
		{"indexof('abcd', 'z')", `{}`, `{"x":-1}`},
		{"startswith('ranger', 'ran')", `{}`, `{"x":true}`},
		{"startswith(NULL, 'ran')", `{}`, `{}`},
		{"endswith('cat', 'at')", `{}`, `{"x":true}`},
		{"replace('abcdabcd', 'b', 'x')", `{}`, `{"x":"axcdaxcd"}`},
		{"regexp_matches('aaaa', 'a{2,}')", `{}`, `{"x":true}`},
		{"regexp_matches('aaaa', 'b')", `{}`, `{"x":false}`},
		{"regexp_matches('aaaa', '(')", `{}`, `{}`},
		{"regexp_replace('abcd', 'bc', 'x')", `{}`, `{"x":"axd"}`},
		{"regexp_replace('abcd', 'b(.*)d', '$1')", `{}`, `{"x":"ac"}`},
		{"regexp_substr('hihihello', 'hi')", `{}`, `{"x":"hi"}`},
		{"regexp_substr('hihihello', '(hi)*')", `{}`, `{"x":"hihi"}`},
		{"chr(65)", `{}`, `{"x":"A"}`},
		{"chr('49.7')", `{}`, `{"x":"1"}`},
		{"chr(-1)", `{}`, `{}`},
		{"trim(' hi ')", `{}`, `{"x":"hi"}`},
		// hashes and encoding
		{"md5('iot123')", `{}`, `{"x":"e37f81fb397e595c4aeb5645b8cbbbd1"}`},
		{"sha1('hello')", `{}`, `{"x":"aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"}`},
		{"sha256('hello')", `{}`, `{"x":"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"}`},
		{"encode(*, 'base64')", `{"a":1}`, `{"x":"eyJhIjoxfQ=="}`},
		{"encode('hi', 'base64')", `{}`, `{"x":"aGk="}`},
		{"encode('hi', 'hex')", `{}`, `{}`},
		{"decode('eyAidGVtcGVyYXR1cmUiOiAzMyB9Cg==', 'base64').temperature", `{}`, `{"x":33}`},
		{"decode('aGk=', 'base64')", `{}`, `{"x":"hi"}`},
		{"decode('!!', 'base64')", `{}`, `{"x":null}`},
		// types and collections
		{"cast(true as Int)", `{}`, `{"x":1}`},
		{"cast(2.7 as Int)", `{}`, `{"x":2}`},
		{"cast(-2.7 as Int)", `{}`, `{"x":-3}`},
		{"cast('2.7' as Int)", `{}`, `{"x":2}`},
		{"cast(NULL as String)", `{}`, `{}`},
		{"cast(5 as String)", `{}`, `{"x":"5"}`},
		{"cast([1] as String)", `{}`, `{"x":"[1]"}`},
		{"cast(0 as Boolean)", `{}`, `{"x":false}`},
		{"cast('TRUE' as Bool)", `{}`, `{"x":true}`},
		{"cast('x' as Decimal)", `{}`, `{}`},
		{"cast(1 as Double) + 0.5", `{}`, `{"x":1.5}`},
		{"get(['a', 'b', 'c'], 1)", `{}`, `{"x":"b"}`},
		{"get(['a'], -1)", `{}`, `{}`},
		{"get('abc', 1)", `{}`, `{"x":"b"}`},
		{"get({'a': 'b'}, 'a')", `{}`, `{"x":"b"}`},
		{"get({'1': 'b'}, 1)", `{}`, `{}`},
		{"get_or_default(missing, 7)", `{}`, `{"x":7}`},
		{"get_or_default(NULL, 7)", `{}`, `{"x":null}`},
		{"transform('enrichArray', a, v)", `{"a":{"k":1},"v":[{"b":2},3]}`, `{"x":[{"b":2,"k":1},3]}`},
		{"transform('other', a, v)", `{"a":{"k":1},"v":[{"b":2}]}`, `{}`},
		{"transform('enrichArray', (SELECT k FROM a), v)", `{"a":{"k":1},"v":[{"b":2}]}`, `{"x":[{"b":2,"k":1}]}`},
		// time
		{"parse_time('yyyy-MM-dd HH:mm:ss.SSS Z', 1585903518123, 'UTC')", `{}`, `{"x":"2020-04-03 08:45:18.123 +0000"}`},
		{"parse_time('EEE, d MMM yyyy hh:mm a', 0)", `{}`, `{"x":"Thu, 1 Jan 1970 12:00 AM"}`},
		{"parse_time('yyyy', 0, 'No/Such')", `{}`, `{}`},
		{"time_to_epoch('2020-04-03 09:45:18 UTC+01:00', 'yyyy-MM-dd HH:mm:ss VV')", `{}`, `{"x":1585903518000}`},
		{"time_to_epoch('18 December 2015', 'dd MMMM yyyy')", `{}`, `{"x":1450396800000}`},
		{"time_to_epoch('2007-12-03 10:15:30.592 America/Los_Angeles', 'yyyy-MM-dd HH:mm:ss.SSS z')", `{}`, `{"x":1196705730592}`},
		{"time_to_epoch('garbage', 'yyyy')", `{}`, `{}`},
		{"timestamp()", `{}`, `{"x":1700000000000}`},
		{"newuuid()", `{}`, `{"x":"00000000-0000-0000-0000-000000000000"}`},
		// context
		{"topic()", `{}`, `{"x":"a/b/c"}`},
		{"topic(3)", `{}`, `{"x":"c"}`},
		{"topic(4)", `{}`, `{}`},
		{"topic(0)", `{}`, `{}`},
		{"clientid()", `{}`, `{"x":"dev1"}`},
		{"accountid()", `{}`, `{"x":"123456789012"}`},
		{"traceid()", `{}`, `{}`},
		{"principal()", `{}`, `{}`},
		{"sql_version()", `{}`, `{"x":"2016-03-23"}`},
		{"get_mqtt_property('content_type')", `{}`, `{}`},
		{"get_user_properties('k')", `{}`, `{}`},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			if got := sel(t, tt.expr, tt.payload); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestContextMQTT5(t *testing.T) {
	env := testEnv(`{}`)
	env.UserProperties = [][2]string{{"k", "v1"}, {"j", "x"}, {"k", "v2"}}
	env.ContentType, env.ResponseTopic, env.PayloadFormat = "application/json", "r/t", "UTF8_DATA"
	env.CorrelationData = []byte("id")
	env.TraceID, env.Principal, env.ClientID = "trace-1", "abc123", ""
	got := evalSQL(t, "SELECT get_user_properties('k') AS a, get_user_properties() AS b, "+
		"get_mqtt_property('content_type') AS c, get_mqtt_property('response_topic') AS d, "+
		"get_mqtt_property('format_indicator') AS e, get_mqtt_property('correlation_data') AS f, "+
		"traceid() AS g, principal() AS h, clientid() AS i FROM 'x'", "2016-03-23", env)
	want := `{"a":["v1","v2"],"b":[{"k":"v1"},{"j":"x"},{"k":"v2"}],"c":"application/json","d":"r/t",` +
		`"e":"UTF8_DATA","f":"aWQ=","g":"trace-1","h":"abc123","i":"n/a"}`
	if got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

// TestCatalogMatchesBuiltins keeps the parser's function list and the
// implementations in sync.
func TestCatalogMatchesBuiltins(t *testing.T) {
	impl := builtins()
	for name := range sql.Functions {
		if impl[name] == nil {
			t.Errorf("function %s is parsed but has no implementation", name)
		}
	}
	for name := range impl {
		if _, ok := sql.Functions[name]; !ok {
			t.Errorf("function %s is implemented but unknown to the parser", name)
		}
	}
}
