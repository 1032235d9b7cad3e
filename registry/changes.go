package registry

// Kind says what changed in a Change.
type Kind int

// The kinds of change the registry reports.
const (
	ThingChanged Kind = iota + 1
	ThingGroupChanged
)

// Change names a thing or thing group whose data changed (or which was
// deleted); the observer reads the current state back with DescribeThing
// or DescribeThingGroup, so a Change carries no data of its own.
type Change struct {
	Kind Kind
	Name string
}

// touchLocked records a change while r.mu is held; flush delivers it.
func (r *Registry) touchLocked(k Kind, name string) {
	if r.cfg.OnChange == nil {
		return
	}
	r.pendingMu.Lock()
	r.pending = append(r.pending, Change{k, name})
	r.pendingMu.Unlock()
}

// flush delivers the recorded changes to Config.OnChange. Mutating methods
// defer it before taking r.mu, so it runs after the unlock: the observer
// may call back into the registry.
func (r *Registry) flush() {
	if r.cfg.OnChange == nil && r.cfg.OnEvent == nil {
		return
	}
	r.pendingMu.Lock()
	batch, events := r.pending, r.pendingEvents
	r.pending, r.pendingEvents = nil, nil
	r.pendingMu.Unlock()
	for _, c := range batch {
		r.cfg.OnChange(c)
	}
	for _, e := range events {
		r.cfg.OnEvent(e)
	}
}
