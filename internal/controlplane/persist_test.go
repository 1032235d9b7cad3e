package controlplane_test

import (
	"testing"
	"time"

	"github.com/iotemu/iotemu/internal/controlplane"
	"github.com/iotemu/iotemu/registry"
	"github.com/iotemu/iotemu/rules"
)

// newPersistPlane is a control plane on a fresh registry and rules
// engine, whose republish actions parse (other action types parse to nil).
func newPersistPlane(tb testing.TB) (*controlplane.ControlPlane, *rules.Engine) {
	tb.Helper()
	reg, err := registry.New(registry.Config{Region: "us-east-1", AccountID: "123456789012"})
	if err != nil {
		tb.Fatal(err)
	}
	engine, err := rules.NewEngine(rules.Config{AccountID: "123456789012", Region: "us-east-1"})
	if err != nil {
		tb.Fatal(err)
	}
	cp, err := controlplane.New(controlplane.Config{Registry: reg, Rules: engine, Actions: noActions{}, Endpoints: host("localhost"),
		Events: controlplane.NewEventConfigurations()})
	if err != nil {
		tb.Fatal(err)
	}
	return cp, engine
}

const savedRules = `{"version":1,"rules":[{"name":"r1","sql":"SELECT * FROM 'a/b'","sqlVersion":"2016-03-23",` +
	`"disabled":true,"createdAt":"2026-01-02T03:04:05Z","actions":[{"republish":{"topic":"out","qos":1}}]}]}`

// TestRulesSnapshotRestore: topic rules restored from a snapshot keep
// their SQL, actions, state and creation date; a rule added from Go has no
// JSON form and is not in the snapshot.
func TestRulesSnapshotRestore(t *testing.T) {
	cp, engine := newPersistPlane(t)
	if err := cp.RestoreRules([]byte(savedRules)); err != nil {
		t.Fatal(err)
	}
	info, err := engine.Get("r1")
	if err != nil || !info.Disabled || info.SQLVersion != "2016-03-23" || len(info.Actions) != 1 ||
		!info.CreatedAt.Equal(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) {
		t.Fatalf("restored rule: %+v %v", info, err)
	}
	if err := engine.Add(rules.Rule{Name: "fromGo", SQL: "SELECT * FROM 'x'"}); err != nil {
		t.Fatal(err)
	}
	raw, err := cp.SnapshotRules()
	if err != nil || string(raw) != savedRules {
		t.Fatalf("snapshot: %v\n%s\nwant\n%s", err, raw, savedRules)
	}
	if err := cp.RestoreRules([]byte(`{"version":1,"rules":[{"name":"bad","sql":"SELECT FROM","actions":[]}]}`)); err == nil {
		t.Fatal("a rule that does not parse was restored")
	}
}

// FuzzRestoreRules: any bytes are restored or refused without a panic; a
// refused document changes no rule.
func FuzzRestoreRules(f *testing.F) {
	f.Add([]byte(savedRules))
	f.Add([]byte(`{"version":1,"rules":[{"name":"a b","sql":"SELECT * FROM 'x'"}]}`))
	f.Add([]byte(`{"version":1,"rules":[{"name":"a","sql":"SELECT * FROM 'x'","actions":[{"nope":{}}]}]}`))
	f.Add([]byte(`{"version":1,"rules":[{"name":"a","sql":"SELECT * FROM 'x'"},{"name":"a","sql":"SELECT * FROM 'x'"}]}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		cp, engine := newPersistPlane(t)
		if err := engine.Add(rules.Rule{Name: "keep", SQL: "SELECT * FROM 'k'"}); err != nil {
			t.Fatal(err)
		}
		if err := cp.RestoreRules(doc); err != nil {
			if n := len(engine.List()); n != 1 {
				t.Fatalf("a refused restore changed the rules: %d", n)
			}
			return
		}
		if _, err := cp.SnapshotRules(); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzRestoreEvents: the event configurations' decoder refuses, never
// panics on, what it cannot read.
func FuzzRestoreEvents(f *testing.F) {
	f.Add([]byte(`{"version":1,"enabled":{"THING":true}}`))
	f.Add([]byte(`{"version":1,"enabled":{"NOPE":true}}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		e := controlplane.NewEventConfigurations()
		if err := e.Restore(doc); err != nil {
			if e.Enabled("THING") {
				t.Fatal("a refused restore changed the configurations")
			}
			return
		}
		if _, err := e.Snapshot(); err != nil {
			t.Fatal(err)
		}
	})
}

// TestSettingsSnapshotRestore: logging options and v2 log levels restored
// from a snapshot encode to the same document.
func TestSettingsSnapshotRestore(t *testing.T) {
	const doc = `{"version":1,"loggingOptions":{"roleArn":"r","logLevel":"INFO"},` +
		`"v2LoggingOptions":{"roleArn":"r","defaultLogLevel":"WARN","disableAllLogs":false},` +
		`"v2LogLevels":[{"logTarget":{"targetType":"THING_GROUP","targetName":"g"},"logLevel":"DEBUG"}]}`
	cp, _ := newPersistPlane(t)
	if err := cp.RestoreSettings([]byte(doc)); err != nil {
		t.Fatal(err)
	}
	raw, err := cp.SnapshotSettings()
	if err != nil || string(raw) != doc {
		t.Fatalf("snapshot: %v\n%s\nwant\n%s", err, raw, doc)
	}
}

// FuzzRestoreSettings: any bytes are restored or refused without a panic;
// a refused document leaves the settings as they were.
func FuzzRestoreSettings(f *testing.F) {
	f.Add([]byte(`{"version":1,"domainConfigurations":[{"domainConfigurationName":"d","serverCertificates":[]}]}`))
	f.Add([]byte(`{"version":1,"domainConfigurations":[{"domainConfigurationName":""}]}`))
	f.Add([]byte(`{"version":1,"v2LogLevels":[{"logTarget":{"targetType":"NOPE"},"logLevel":"DEBUG"}]}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		cp, _ := newPersistPlane(t)
		before, _ := cp.SnapshotSettings()
		if err := cp.RestoreSettings(doc); err != nil {
			if after, _ := cp.SnapshotSettings(); string(after) != string(before) {
				t.Fatal("a refused restore changed the settings")
			}
			return
		}
		if _, err := cp.SnapshotSettings(); err != nil {
			t.Fatal(err)
		}
	})
}
