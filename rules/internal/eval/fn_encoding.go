package eval

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"hash"
	"strings"

	"github.com/dop251/goja"
)

// ErrProtoUnsupported is the failure of decode(*, 'proto', ...): the
// descriptor lives in S3, which iotemu does not emulate.
var ErrProtoUnsupported = errors.New("decode proto: protobuf descriptors from S3 are not emulated")

// encodingFuncs: AWS: iot-sql-functions.html (encode, decode, md2 ... sha512).
func encodingFuncs() map[string]sqlFunc {
	return map[string]sqlFunc{
		"encode": fnEncode,
		"decode": fnDecode,
		"md2":    hashFunc(newMD2),
		"md5":    hashFunc(md5.New),
		"sha1":   hashFunc(sha1.New),
		"sha224": hashFunc(sha256.New224),
		"sha256": hashFunc(sha256.New),
		"sha384": hashFunc(sha512.New384),
		"sha512": hashFunc(sha512.New),
	}
}

// hashFunc hashes the UTF-8 bytes of the String conversion; lower-case hex.
func hashFunc(h func() hash.Hash) sqlFunc {
	return str1(func(r *rt, s string) goja.Value {
		d := h()
		d.Write([]byte(s))
		return r.vStr(hex.EncodeToString(d.Sum(nil)))
	})
}

// fnEncode converts the value to String and base64-encodes it; only the
// 'base64' scheme exists. AWS: iot-sql-functions.html#iot-sql-encode-payload.
func fnEncode(r *rt, a []goja.Value) goja.Value {
	if !argsN(a, 2) || kindOf(a[1]) != kStr || a[1].String() != "base64" {
		return undef
	}
	if kindOf(a[0]) == kBytes {
		return r.vStr(base64.StdEncoding.EncodeToString(bytesOf(a[0])))
	}
	s, ok := r.toStr(a[0])
	if !ok {
		return undef
	}
	if base64.StdEncoding.EncodedLen(len(s)) > MaxValueBytes {
		r.fail(ErrTooLarge)
	}
	return r.vStr(base64.StdEncoding.EncodeToString([]byte(s)))
}

// encodeRaw is encode(*, scheme) at the top level: the raw payload bytes.
func (r *rt) encodeRaw(scheme goja.Value) goja.Value {
	if kindOf(scheme) != kStr || scheme.String() != "base64" {
		return undef
	}
	return r.vStr(base64.StdEncoding.EncodeToString(r.env.Payload))
}

// fnDecode decodes base64: a JSON document becomes an addressable value,
// other text a String; undecodable input is Null.
// AWS: iot-sql-functions.html#iot-sql-decode-base64.
func fnDecode(r *rt, a []goja.Value) goja.Value {
	if len(a) >= 2 && kindOf(a[1]) == kStr && a[1].String() == "proto" {
		return r.fail(ErrProtoUnsupported)
	}
	if !argsN(a, 2) || kindOf(a[1]) != kStr || a[1].String() != "base64" {
		return undef
	}
	s, ok := r.toStr(a[0])
	if !ok {
		return undef
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil {
		if raw, err = base64.RawStdEncoding.DecodeString(strings.TrimSpace(s)); err != nil {
			return null
		}
	}
	if v, err := r.parseJSON(raw); err == nil {
		return v
	}
	return r.vStr(string(raw))
}
