package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/internal/certs"
	"github.com/iotemu/iotemu/internal/datadir"
	"github.com/iotemu/iotemu/shadow"
)

// The data directory's areas the root writes (the broker writes its own,
// internal/broker/store.go). A snapshot area holds one key, snapshotKey.
const (
	areaCA      = "ca"
	areaShadows = "shadows"
	snapshotKey = "snapshot"
)

// persistence is Config.DataDir at work: the open store, and the services
// kept as whole snapshots (the control plane's resources), each written
// again when it changed, before the request that changed it is answered.
// A nil *persistence (memory only) does nothing.
type persistence struct {
	store *datadir.Store
	fresh bool // the store held nothing when opened: fixtures apply

	mu    sync.Mutex // serialises flushes, so a newer snapshot is never overwritten by an older one
	areas []*snapshotArea
}

// snapshotArea is one service persisted as a whole: Snapshot encodes it,
// Restore replaces its content. Adding a kind of resource to a service
// adds it to that service's snapshot; adding a service is one add call.
type snapshotArea struct {
	name     string
	snapshot func() ([]byte, error)
	restore  func([]byte) error
	last     []byte // what the store holds
	// generation, when the service has one (a statedoc.RWMutex's), moves
	// with every change: while it stays at written, the area is not even
	// encoded (a large registry costs milliseconds to encode).
	generation func() uint64
	written    uint64
	known      bool // written is the generation of last
}

// openDataDir opens Config.DataDir, or returns nil (memory only).
func openDataDir(cfg Config) (*persistence, error) {
	if cfg.DataDir == "" {
		return nil, nil //nolint:nilnil // memory only is no error
	}
	st, err := datadir.Open(cfg.DataDir, datadir.Options{CreatedBy: cfg.Version, LockTimeout: cfg.DataDirLockTimeout})
	if err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	p := &persistence{store: st, fresh: true}
	for _, area := range []string{areaEmulator} {
		if err := st.ForEach(area, func(string, []byte) error { p.fresh = false; return nil }); err != nil {
			_ = st.Close()
			return nil, err
		}
	}
	return p, nil
}

// add registers a snapshot area (a no-op in memory).
func (p *persistence) add(name string, snapshot func() ([]byte, error), restore func([]byte) error) {
	if p == nil {
		return
	}
	p.areas = append(p.areas, &snapshotArea{name: name, snapshot: snapshot, restore: restore})
}

// addCounted registers a snapshot area whose service counts its changes
// (generation), so that flushes skip it while it has not changed.
func (p *persistence) addCounted(name string, generation func() uint64, snapshot func() ([]byte, error), restore func([]byte) error) {
	if p == nil {
		return
	}
	p.areas = append(p.areas, &snapshotArea{name: name, snapshot: snapshot, restore: restore, generation: generation})
}

// restore loads every snapshot area from the store.
func (p *persistence) restore() error {
	if p == nil {
		return nil
	}
	for _, a := range p.areas {
		raw, ok, err := p.store.Get(a.name, snapshotKey)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		if err := a.restore(raw); err != nil {
			return fmt.Errorf("data directory: restore %s: %w", a.name, err)
		}
		a.last = raw
	}
	return nil
}

// flush writes, in one transaction, every snapshot area whose content
// changed since it was last written; with names, only those areas are
// looked at (a caller that knows what it changed spares encoding the
// others: each area is encoded whole to be compared).
func (p *persistence) flush(only ...string) error {
	if p == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	var changes []datadir.Change
	var looked []*snapshotArea
	var next [][]byte
	var gens []uint64
	for _, a := range p.areas {
		if len(only) > 0 && !slices.Contains(only, a.name) {
			continue
		}
		var gen uint64
		if a.generation != nil {
			// Read before encoding: a change made meanwhile moves it
			// again, and the next flush encodes again.
			if gen = a.generation(); a.known && gen == a.written {
				continue
			}
		}
		raw, err := a.snapshot()
		if err != nil {
			return fmt.Errorf("data directory: snapshot %s: %w", a.name, err)
		}
		looked, next, gens = append(looked, a), append(next, raw), append(gens, gen)
		if !bytes.Equal(raw, a.last) {
			changes = append(changes, datadir.Change{Area: a.name, Key: snapshotKey, Value: raw})
		}
	}
	if err := p.store.Write(changes); err != nil {
		return err
	}
	for i, a := range looked {
		a.last = next[i]
		a.written, a.known = gens[i], a.generation != nil
	}
	return nil
}

// The areas the changes made without an HTTP request touch (commit).
var (
	jobsAreas         = []string{"jobs"}
	provisioningAreas = []string{"registry", "provisioning", "tags"}
)

// commit is the services' hook for a change made without an HTTP request
// (a device's MQTT request, a timer): the change, in the named areas, is
// written before the service publishes what it answers. In memory it does
// nothing.
func (s *Server) commit(areas []string) error { return s.persist.flush(areas...) }

func (p *persistence) close() error {
	if p == nil {
		return nil
	}
	return p.store.Close()
}

// storedCA is the generated CA kept in the data directory, so that the
// certificates it issued (devices', CreateKeysAndCertificate's) are still
// trusted after a restart.
type storedCA struct {
	CertPEM []byte `json:"certPem"`
	KeyPEM  []byte `json:"keyPem"`
}

// authority returns the stored CA, or makes one with newCA and stores it.
func (p *persistence) authority(newCA func() (*certs.Authority, error)) (*certs.Authority, error) {
	if p == nil {
		return newCA()
	}
	raw, ok, err := p.store.Get(areaCA, "authority")
	if err != nil {
		return nil, err
	}
	if ok {
		var st storedCA
		if err := json.Unmarshal(raw, &st); err != nil {
			return nil, fmt.Errorf("data directory: stored CA: %w", err)
		}
		return certs.ParseAuthority(st.CertPEM, st.KeyPEM)
	}
	ca, err := newCA()
	if err != nil {
		return nil, err
	}
	key, err := ca.KeyPEM()
	if err != nil {
		return nil, err
	}
	raw, err = json.Marshal(storedCA{CertPEM: ca.CertPEM, KeyPEM: key})
	if err != nil {
		return nil, fmt.Errorf("data directory: encode CA: %w", err)
	}
	if err := p.store.Put(areaCA, "authority", raw); err != nil {
		return nil, err
	}
	return ca, nil
}

// withPersistence answers a changing control-plane request only after the
// change is in the data directory: the response is held, the changed
// snapshots written, then the response sent (or, if the write failed, a
// 500 InternalFailure: the change is in memory but would not survive).
// Reads, the data plane's Publish and shadows (which write through their
// own stores) pass straight through.
func (s *Server) withPersistence(h http.Handler) http.Handler {
	if s.persist == nil {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !changesSnapshots(r) {
			h.ServeHTTP(w, r)
			return
		}
		held := &heldResponse{header: w.Header(), status: http.StatusOK}
		h.ServeHTTP(held, r)
		if err := s.persist.flush(); err != nil {
			s.log.Error("data directory write failed", "method", r.Method, "path", r.URL.Path, "error", err)
			writeError(w, &awsrest.Error{Status: http.StatusInternalServerError, Type: awsrest.InternalFailure,
				Message: "the change could not be written to the data directory"})
			return
		}
		w.WriteHeader(held.status)
		_, _ = w.Write(held.body.Bytes()) // the client went away; nothing to report it to
	})
}

// changesSnapshots says whether a request may change a snapshot area:
// any non-read request but the data plane's publishes, retained messages
// and shadows (persisted by the broker and the shadow store).
func changesSnapshots(r *http.Request) bool {
	p := r.URL.Path
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		// ConfirmTopicRuleDestination is a GET (the enableUrl a person
		// opens) that changes a destination.
		return strings.HasPrefix(p, "/confirmdestination/")
	}
	return !strings.HasPrefix(p, "/topics/") && !strings.HasSuffix(p, "/shadow") && p != "/mqtt"
}

// heldResponse holds a handler's response until the data directory has
// the change. Headers go to the real writer's map (nothing is sent before
// WriteHeader).
type heldResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
	wrote  bool
}

func (h *heldResponse) Header() http.Header { return h.header }

func (h *heldResponse) WriteHeader(status int) {
	if !h.wrote {
		h.status, h.wrote = status, true
	}
}

func (h *heldResponse) Write(b []byte) (int, error) {
	h.wrote = true
	n, err := h.body.Write(b)
	if err != nil {
		return n, fmt.Errorf("hold response: %w", err)
	}
	return n, nil
}

// shadowStore is the shadow service's Store with a data directory: every
// Save is committed to the store before the memory copy changes (and so
// before the accepted reply or the HTTP 200); reads are served from memory.
type shadowStore struct {
	*shadow.MemoryStore
	store *datadir.Store
}

// shadowKey is "{thing}\x00{name}" (names cannot hold NUL).
func shadowKey(k shadow.Key) string { return k.Thing + "\x00" + k.Name }

// newShadowStore loads every stored shadow into memory.
func (p *persistence) newShadowStore() (shadow.Store, error) {
	if p == nil {
		return nil, nil //nolint:nilnil // nil: the shadow service's own memory store
	}
	records := map[shadow.Key]shadow.Record{}
	err := p.store.ForEach(areaShadows, func(key string, v []byte) error {
		k, err := decodeShadowRecord(key, v)
		if err != nil {
			return err
		}
		records[k.key] = k.rec
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("data directory: load shadows: %w", err)
	}
	return &shadowStore{MemoryStore: shadow.NewMemoryStoreOf(records), store: p.store}, nil
}

type keyedRecord struct {
	key shadow.Key
	rec shadow.Record
}

// decodeShadowRecord reads one stored shadow; it refuses, never panics
// on, a key or record it cannot read (FuzzDecodeShadowRecord).
func decodeShadowRecord(key string, v []byte) (keyedRecord, error) {
	thing, name, ok := strings.Cut(key, "\x00")
	if !ok || thing == "" {
		return keyedRecord{}, fmt.Errorf("shadow key %q is not thing\\x00name", key)
	}
	var rec shadow.Record
	if err := json.Unmarshal(v, &rec); err != nil {
		return keyedRecord{}, fmt.Errorf("shadow %s/%s: %w", thing, name, err)
	}
	if rec.Version < 1 {
		return keyedRecord{}, fmt.Errorf("shadow %s/%s: version %d", thing, name, rec.Version)
	}
	if !rec.Deleted && (!json.Valid(rec.State) || !json.Valid(rec.Metadata)) {
		return keyedRecord{}, fmt.Errorf("shadow %s/%s: state or metadata is not JSON", thing, name)
	}
	return keyedRecord{key: shadow.Key{Thing: thing, Name: name}, rec: rec}, nil
}

// Clear forgets every shadow in the data directory, then in memory (the
// reset API).
func (s *shadowStore) Clear(ctx context.Context) error {
	if err := s.store.DeletePrefix(areaShadows, ""); err != nil {
		return err
	}
	if err := s.MemoryStore.Clear(ctx); err != nil {
		return fmt.Errorf("clear shadows: %w", err)
	}
	return nil
}

// Save writes the record through to the data directory, then to memory.
func (s *shadowStore) Save(ctx context.Context, k shadow.Key, r shadow.Record) error {
	raw, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode shadow: %w", err)
	}
	if err := s.store.Put(areaShadows, shadowKey(k), raw); err != nil {
		return err
	}
	if err := s.MemoryStore.Save(ctx, k, r); err != nil {
		return fmt.Errorf("save shadow: %w", err)
	}
	return nil
}

// areaEmulator's "initialized" key marks a data directory New finished
// preparing once: later starts restore it and skip the fixtures.
const areaEmulator = "emulator"

// initialized writes what New changed (the fixtures) and the mark.
func (p *persistence) initialized() error {
	if p == nil {
		return nil
	}
	if err := p.flush(); err != nil {
		return err
	}
	if !p.fresh {
		return nil
	}
	return p.store.Put(areaEmulator, "initialized", []byte(`true`))
}

// restoreDataDir registers the snapshot areas of the services and loads
// them; a new service with state adds its line here.
func (s *Server) restoreDataDir(ctx context.Context) error {
	p := s.persist
	if p == nil {
		return nil
	}
	p.addCounted("registry", s.iotreg.Generation, s.iotreg.Snapshot, s.iotreg.Restore)
	p.add("tags", s.tags.Snapshot, s.tags.Restore)
	p.add("rules", s.control.SnapshotRules, s.control.RestoreRules)
	p.add("destinations", s.actions.Destinations().Snapshot, s.actions.Destinations().Restore)
	p.add("authorizers", s.authorizers.Snapshot, s.authorizers.Restore)
	p.add("events", s.events.Snapshot, s.events.Restore)
	p.add("jobs", s.jobs.Snapshot, s.jobs.Restore)
	p.add("provisioning", s.provisioning.Snapshot, s.provisioning.Restore)
	p.add("apigatewayv2", s.apigwv2.Snapshot, s.apigwv2.Restore)
	p.add("controlplane", s.control.SnapshotSettings, s.control.RestoreSettings)
	p.add("indexing", s.fleet.ix.SnapshotConfig, s.fleet.ix.RestoreConfig)
	if err := p.restore(); err != nil {
		return err
	}
	return s.indexRestoredShadows(ctx)
}

// indexRestoredShadows gives the fleet index the shadows loaded from the
// data directory (it learns later ones from the shadows' documents
// messages, which a restore does not publish).
func (s *Server) indexRestoredShadows(ctx context.Context) error {
	all, err := s.shadows.All(ctx)
	if err != nil {
		return fmt.Errorf("data directory: index restored shadows: %w", err)
	}
	for _, e := range all {
		doc, err := s.shadows.Get(ctx, e.Thing, e.Name)
		if errors.Is(err, shadow.ErrShadowNotFound) || errors.Is(err, shadow.ErrThingNotFound) {
			continue // a deleted shadow's tombstone
		}
		if err != nil {
			return fmt.Errorf("data directory: index restored shadow %s %q: %w", e.Thing, e.Name, err)
		}
		if err := s.fleet.ix.PutShadow(e.Thing, e.Name, doc); err != nil {
			return fmt.Errorf("data directory: index restored shadow %s %q: %w", e.Thing, e.Name, err)
		}
	}
	return nil
}
