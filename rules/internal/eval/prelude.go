package eval

// preludeJS defines the JavaScript helpers the generated code relies on. It
// runs once per pooled runtime. Go helpers live on the global object `__rt`
// (bound to `$` in every program).
const preludeJS = `
var G = function(o, k) { return (o === null || o === undefined) ? undefined : o[k]; };
// LB converts to Boolean for AND/OR/NOT: Booleans and "true"/"false" in any case.
// AWS: iot-sql-operators.html (AND, OR, NOT).
var LB = function(v) {
  if (v === true || v === false) return v;
  if (typeof v === "string") {
    var l = v.toLowerCase();
    if (l === "true") return true;
    if (l === "false") return false;
  }
  return undefined;
};
var AND = function(a, b) { a = LB(a); b = LB(b); return (a === undefined || b === undefined) ? undefined : (a && b); };
var OR = function(a, b) { a = LB(a); b = LB(b); return (a === undefined || b === undefined) ? undefined : (a || b); };
var NOT = function(a) { a = LB(a); return a === undefined ? undefined : !a; };
var SAND = function(a, f) { a = LB(a); if (a === false) return false; return AND(a, f()); };
var SOR = function(a, f) { a = LB(a); if (a === true) return true; return OR(a, f()); };
var isObj = function(v) { return v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof ArrayBuffer); };
// O builds an object literal, dropping Undefined members.
var O = function() {
  var o = {};
  for (var i = 0; i + 1 < arguments.length; i += 2) { if (arguments[i+1] !== undefined) o[arguments[i]] = arguments[i+1]; }
  return o;
};
// ST merges the members of the scope object (SELECT *, ...).
var ST = function(o, s) { if (isObj(s)) { for (var k in s) { if (s[k] !== undefined) o[k] = s[k]; } } };
// PN puts a value at a (possibly dotted) alias path, skipping Undefined.
var PN = function(o, ks, v) {
  if (v === undefined) return;
  for (var i = 0; i < ks.length - 1; i++) {
    // Copy on write: an object merged by * is shared with the payload.
    var n = o[ks[i]], c = {};
    if (isObj(n)) { for (var k in n) c[k] = n[k]; }
    o[ks[i]] = c;
    o = c;
  }
  o[ks[ks.length - 1]] = v;
};
`
