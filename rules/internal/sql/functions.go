package sql

// FuncInfo describes a SQL function known to the parser.
type FuncInfo struct {
	// Modern is true for functions documented as "SQL version 2016-03-23 and
	// later"; the parser rejects them under 2015-10-08.
	Modern bool
	// External marks functions that call another AWS service (§5.3).
	External bool
}

// Functions lists every function the engine implements, by lower-case name.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-functions.html#iot-sql-functions (version
// notes per function).
var Functions = map[string]FuncInfo{
	// math
	"abs": {}, "acos": {}, "asin": {}, "atan": {}, "atan2": {}, "cos": {}, "sin": {}, "tan": {},
	"cosh": {}, "sinh": {}, "tanh": {}, "exp": {}, "ln": {}, "log": {}, "power": {}, "sqrt": {},
	"ceil": {}, "floor": {}, "round": {}, "sign": {}, "trunc": {}, "mod": {}, "remainder": {},
	"nanvl": {}, "bitand": {}, "bitor": {}, "bitxor": {}, "bitnot": {}, "rand": {},
	// strings
	"concat": {}, "length": {Modern: true}, "numbytes": {Modern: true}, "lower": {}, "upper": {},
	"lpad": {}, "rpad": {}, "ltrim": {}, "rtrim": {}, "trim": {}, "substring": {},
	"indexof": {Modern: true}, "startswith": {}, "endswith": {}, "replace": {},
	"regexp_matches": {}, "regexp_replace": {}, "regexp_substr": {}, "chr": {},
	// hashing and encoding
	"md2": {}, "md5": {}, "sha1": {}, "sha224": {}, "sha256": {}, "sha384": {}, "sha512": {},
	"encode": {Modern: true}, "decode": {Modern: true},
	// types and collections
	"isnull": {}, "isundefined": {Modern: true}, "get": {}, "transform": {Modern: true},
	"get_or_default": {Modern: true},
	// time and ids
	"parse_time": {Modern: true}, "time_to_epoch": {Modern: true}, "timestamp": {}, "newuuid": {},
	// context
	"topic": {}, "clientid": {}, "principal": {}, "accountid": {}, "sql_version": {},
	"traceid": {}, "sourceip": {}, "get_mqtt_property": {Modern: true},
	"get_user_properties": {Modern: true},
	// external
	"aws_lambda": {External: true}, "get_dynamodb": {Modern: true, External: true},
	"get_secret": {External: true}, "get_thing_shadow": {Modern: true, External: true},
	"get_registry_data":       {Modern: true, External: true},
	"machinelearning_predict": {External: true},
}

// castTypes maps cast target names to canonical types and whether they need
// 2016-03-23. AWS: iot-sql-functions.html#iot-sql-function-cast.
var castTypes = map[string]struct {
	Canon  string
	Modern bool
}{
	"string": {"String", false}, "nvarchar": {"String", false}, "text": {"String", false},
	"ntext": {"String", false}, "varchar": {"String", false},
	"int": {"Int", false}, "integer": {"Int", false}, "double": {"Double", false},
	"decimal": {"Decimal", true}, "bool": {"Boolean", true}, "boolean": {"Boolean", true},
}
