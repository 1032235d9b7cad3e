package main

import (
	"io"
	"reflect"
	"testing"

	"github.com/iotemu/iotemu/emulator"
)

func TestAuthFlags(t *testing.T) {
	env := map[string]string{"IOTEMU_AUTH": "strict", "IOTEMU_ACCESS_KEY_ID": "AKID", "IOTEMU_SECRET_ACCESS_KEY": "secret"}
	o, err := loadOptions(nil, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := emulator.AuthConfig{Mode: emulator.AuthStrict, Credentials: []emulator.Credential{
		{AccessKeyID: "AKID", SecretAccessKey: "secret", AllowAll: true}}}
	if !reflect.DeepEqual(o.emulator.Auth, want) {
		t.Fatalf("auth = %+v, want %+v", o.emulator.Auth, want)
	}
	o, err = loadOptions([]string{"-auth", "strict", "-access-key-id", "K", "-secret-access-key", "S", "-credential-policies", "a,b"},
		func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c := o.emulator.Auth.Credentials[0]; c.AllowAll || !reflect.DeepEqual(c.Policies, []string{"a", "b"}) {
		t.Fatalf("credential = %+v", c)
	}
	if _, err := loadOptions([]string{"-access-key-id", "K"}, func(string) string { return "" }, io.Discard); err == nil {
		t.Fatal("a key without secret was accepted")
	}
}
