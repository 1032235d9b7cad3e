package emulator

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
	bolt "go.etcd.io/bbolt"

	"github.com/iotemu/iotemu/internal/datadir"
)

// FuzzDataDir: a data directory whose records were changed behind
// iotemu's back (any stored area and key: the format record, the CA, the
// snapshots, shadows, MQTT sessions, subscriptions, queued and retained
// messages) either refuses to open with an error or opens and runs: New and
// Start return, the state API answers 200, Close returns, and the directory
// the emulator leaves opens again. A changed format record that does not
// decode is always refused. The template directory is written once by a
// running emulator (fuzzDataDirTemplate); each exec copies it, changes one
// record (or adds one under a fuzzed key) and opens an emulator on it, so
// new areas are fuzzed as soon as an emulator writes them.
func FuzzDataDir(f *testing.F) {
	tmpl := fuzzDataDirTemplate(f)
	records := storedRecords(f, tmpl)
	checkTemplateAreas(f, records)
	for i, r := range records {
		f.Add(uint8(i), false, "", r.value)
		f.Add(uint8(i), false, "", []byte(`{}`))
		f.Add(uint8(i), false, "", r.value[:len(r.value)/2])
		f.Add(uint8(i), true, r.key+"x", r.value)
	}
	f.Fuzz(func(t *testing.T, pick uint8, add bool, key string, value []byte) {
		r := records[int(pick)%len(records)]
		if add {
			r.key = key
		}
		dir := t.TempDir()
		copyFile(t, filepath.Join(tmpl, datadir.FileName), filepath.Join(dir, datadir.FileName))
		putRecord(t, dir, r.area, r.key, value)
		countExec("FuzzDataDir")
		err := openRunClose(dir)
		if err != nil && errors.Is(err, errFuzzFailed) {
			t.Fatalf("%s/%q = %q: %v", r.area, r.key, value, err)
		}
		if r.area == "meta" && !add {
			if _, derr := datadir.DecodeMeta(value); derr != nil && err == nil {
				t.Fatalf("format record %q (%v) was not refused", value, derr)
			}
		}
		if err != nil {
			return
		}
		if err := openRunClose(dir); err != nil {
			t.Fatalf("%s/%q = %q: opened once, then: %v", r.area, r.key, value, err)
		}
	})
}

// errFuzzFailed marks a failure of an emulator that opened (not a refusal).
var errFuzzFailed = errors.New("opened, then failed")

// openRunClose opens an emulator on dir: a refusal is returned as is; a
// failure after New accepted the directory wraps errFuzzFailed.
func openRunClose(dir string) error {
	srv, err := New(Config{DataDir: dir, DataDirLockTimeout: time.Second, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Start(ctx); err != nil {
		_ = srv.Close(ctx)
		return err // a refusal at Start (the broker's stored sessions) is a refusal too
	}
	rec := httptest.NewRecorder()
	srv.http.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/iotemu/state", nil))
	if rec.Code != http.StatusOK {
		_ = srv.Close(ctx)
		return fmt.Errorf("%w: state = %d %s", errFuzzFailed, rec.Code, rec.Body.Bytes())
	}
	if err := srv.Close(ctx); err != nil {
		return fmt.Errorf("%w: close: %w", errFuzzFailed, err)
	}
	return nil
}

// fuzzDataDirTemplate runs an emulator on a new data directory and writes
// through every persisted kind it has: things, certificates, policies,
// rules, a shadow, a retained message, a persistent session with its
// subscription and a queued QoS 1 message.
func fuzzDataDirTemplate(tb testing.TB) string {
	tb.Helper()
	dir := tb.TempDir()
	srv, err := New(Config{DataDir: dir, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	if err := srv.Start(ctx); err != nil {
		tb.Fatal(err)
	}
	for _, s := range fuzzHTTPSeeds {
		if s.port != 0 || s.method == "DELETE" || strings.HasPrefix(s.target, "/iotemu/") {
			continue
		}
		req, ok := fuzzRequest(s.method, s.target, s.headers, []byte(s.body))
		if !ok {
			tb.Fatalf("seed %s %s does not parse", s.method, s.target)
		}
		srv.http.ServeHTTP(httptest.NewRecorder(), req)
	}
	sleeper := paho.NewClient(paho.NewClientOptions().AddBroker("tcp://" + srv.MQTTAddr()).SetClientID("sleeper").
		SetCleanSession(false).SetAutoReconnect(false))
	mustToken(tb, sleeper.Connect())
	mustToken(tb, sleeper.Subscribe("queued/+", 1, nil))
	sleeper.Disconnect(0)
	pub := paho.NewClient(paho.NewClientOptions().AddBroker("tcp://" + srv.MQTTAddr()).SetClientID("pub").SetAutoReconnect(false))
	mustToken(tb, pub.Connect())
	mustToken(tb, pub.Publish("queued/1", 1, false, "for the sleeper"))
	mustToken(tb, pub.Publish("kept/1", 1, true, "retained"))
	pub.Disconnect(0)
	if err := srv.Close(ctx); err != nil {
		tb.Fatal(err)
	}
	// A QoS 1 PUBLISH acknowledged but not yet queued when the emulator
	// stopped: the record Serve publishes again. Closing leaves none, so
	// the template gets the queued message's copy.
	for _, r := range storedRecords(tb, dir) {
		if r.area == "mqtt-inflight" {
			putRecord(tb, dir, "mqtt-accepted", r.key, r.value)
		}
	}
	return dir
}

func mustToken(tb testing.TB, tok paho.Token) {
	tb.Helper()
	if !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		tb.Fatalf("mqtt: %v", tok.Error())
	}
}

type storedRecord struct {
	area, key string
	value     []byte
}

// storedRecords lists every record of the data directory, by area and key.
func storedRecords(tb testing.TB, dir string) []storedRecord {
	tb.Helper()
	db, err := bolt.Open(filepath.Join(dir, datadir.FileName), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		tb.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	var out []storedRecord
	err = db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(area []byte, b *bolt.Bucket) error {
			return b.ForEach(func(k, v []byte) error {
				out = append(out, storedRecord{area: string(area), key: string(k), value: slices.Clone(v)})
				return nil
			})
		})
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// checkTemplateAreas fails unless the template has every area iotemu
// wrote when this target was written.
func checkTemplateAreas(tb testing.TB, records []storedRecord) {
	tb.Helper()
	var areas []string
	for _, r := range records {
		areas = append(areas, r.area)
	}
	areas = slices.Compact(areas)
	for _, want := range []string{"meta", "ca", "emulator", "registry", "shadows", "mqtt-sessions", "mqtt-subscriptions",
		"mqtt-inflight", "mqtt-retained", "mqtt-accepted", "tags", "rules", "destinations", "authorizers", "events", "jobs",
		"provisioning", "apigatewayv2", "controlplane", "indexing"} {
		if !slices.Contains(areas, want) {
			tb.Fatalf("the template directory has no %s area (it has %v)", want, areas)
		}
	}
}

func copyFile(tb testing.TB, from, to string) {
	tb.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		tb.Fatal(err)
	}
}

// putRecord writes one record into the (closed) data directory.
func putRecord(tb testing.TB, dir, area, key string, value []byte) {
	tb.Helper()
	db, err := bolt.Open(filepath.Join(dir, datadir.FileName), 0o600, &bolt.Options{Timeout: time.Second, NoSync: true})
	if err != nil {
		tb.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte(area))
		if err != nil {
			return err
		}
		switch { // bbolt refuses an empty key and one over 32 KB
		case key == "":
			key = "\x00"
		case len(key) > bolt.MaxKeySize:
			key = key[:bolt.MaxKeySize]
		}
		return b.Put([]byte(key), value)
	})
	if err != nil {
		tb.Fatal(err)
	}
}
