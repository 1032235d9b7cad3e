package main

import (
	"bytes"
	"encoding/json"
	"github.com/iotemu/iotemu/clock"
	"io"
	"log/slog"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLoadOptions(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want func(o *options) any
		exp  any
	}{
		{"defaults", nil, nil, func(o *options) any {
			return []string{o.emulator.MQTT.Addr, o.emulator.MQTTTLS.Addr, o.emulator.HTTP.Addr, o.emulator.HTTPS.Addr}
		}, []string{defaultMQTTAddr, defaultMQTTTLSAddr, defaultHTTPAddr, defaultHTTPSAddr}},
		{"env", nil, map[string]string{"IOTEMU_MQTT_ADDR": ":1884", "IOTEMU_LOG_LEVEL": "debug"}, func(o *options) any {
			return []any{o.emulator.MQTT.Addr, o.logLevel}
		}, []any{":1884", slog.LevelDebug}},
		{"flag beats env", []string{"-mqtt-addr", ":1885"}, map[string]string{"IOTEMU_MQTT_ADDR": ":1884"}, func(o *options) any {
			return o.emulator.MQTT.Addr
		}, ":1885"},
		{"off", []string{"-https-addr", "off"}, nil, func(o *options) any {
			return o.emulator.HTTPS.Disabled
		}, true},
		{"tls hosts", []string{"-tls-hosts", "iot.local,10.0.0.5"}, nil, func(o *options) any {
			return o.emulator.TLS.Hosts
		}, []string{"iot.local", "10.0.0.5"}},
		{"require client cert from env", nil, map[string]string{"IOTEMU_TLS_REQUIRE_CLIENT_CERT": "true"}, func(o *options) any {
			return o.emulator.Compat.RequireClientCertificate
		}, true},
		{"apigw default", nil, nil, func(o *options) any { return o.emulator.APIGateway.Addr }, defaultAPIGWAddr},
		{"apigw from env", nil, map[string]string{"IOTEMU_APIGW_ADDR": "0.0.0.0:13001"}, func(o *options) any {
			return o.emulator.APIGateway.Addr
		}, "0.0.0.0:13001"},
		{"apigw off", []string{"-apigw-addr", "off"}, nil, func(o *options) any { return o.emulator.APIGateway.Disabled }, true},
		{"advertised host default", nil, nil, func(o *options) any { return o.emulator.AdvertisedHost }, "localhost"},
		{"advertised host and certs dir", []string{"-certs-dir", "/certs"}, map[string]string{"IOTEMU_ADVERTISED_HOST": "iot.local"}, func(o *options) any {
			return []string{o.emulator.AdvertisedHost, o.emulator.CertsDir}
		}, []string{"iot.local", "/certs"}},
		{"version", []string{"-version"}, nil, func(o *options) any { return o.version }, true},
		{"fixtures from env", nil, map[string]string{"IOTEMU_FIXTURES": "a.yaml,b.yaml"}, func(o *options) any {
			return o.fixtures
		}, []string{"a.yaml", "b.yaml"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := loadOptions(tt.args, func(k string) string { return tt.env[k] }, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.exp, tt.want(&o)); diff != "" {
				t.Errorf("got, want (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadOptionsErrors(t *testing.T) {
	for name, args := range map[string][]string{
		"bad log level":  {"-log-level", "loud"},
		"bad log format": {"-log-format", "xml"},
		"bad clock":      {"-clock", "slow"},
		"unknown flag":   {"-nope"},
		"extra argument": {"serve"},
	} {
		if _, err := loadOptions(args, func(string) string { return "" }, io.Discard); err == nil {
			t.Errorf("%s: got nil, want an error", name)
		}
	}
}

func TestLoadFixtures(t *testing.T) {
	set, err := loadFixtures([]string{"../../fixtures/examples/smart-home.yaml"})
	if err != nil || len(set.Shadows) != 2 {
		t.Fatalf("got %v, %v; want the example's 2 shadows", set, err)
	}
	if _, err := loadFixtures([]string{"missing.yaml"}); err == nil {
		t.Fatal("missing file: got nil, want an error")
	}
}

// TestLogFormatJSON: -log-format json writes one JSON object a line.
func TestLogFormatJSON(t *testing.T) {
	o, err := loadOptions([]string{"-log-format", "json"}, noEnv, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	newLogger(&buf, o.logLevel, o.logFormat).Info("iot.CreateThing => 200", "op", "iot.CreateThing")
	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil || line["msg"] != "iot.CreateThing => 200" || line["op"] != "iot.CreateThing" {
		t.Fatalf("json log line %q: %v", buf.String(), err)
	}
}

// TestClockFlag: -clock manual (or IOTEMU_CLOCK=manual) gives the emulator
// a fake clock standing at the start time; real keeps the wall clock.
func TestClockFlag(t *testing.T) {
	o, err := loadOptions([]string{"-clock", "manual"}, noEnv, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := o.emulator.Clock.(*clock.Fake); !ok {
		t.Fatalf("-clock manual: clock %T, want *clock.Fake", o.emulator.Clock)
	}
	o, err = loadOptions(nil, func(k string) string {
		if k == "IOTEMU_CLOCK" {
			return "manual"
		}
		return ""
	}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := o.emulator.Clock.(*clock.Fake); !ok {
		t.Fatal("IOTEMU_CLOCK=manual: not a fake clock")
	}
	if o, _ = loadOptions(nil, noEnv, io.Discard); o.emulator.Clock != nil {
		t.Fatalf("default: clock %T, want nil (the wall clock)", o.emulator.Clock)
	}
}
