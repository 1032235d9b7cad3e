package rules

import (
	"fmt"
	"time"
)

// Loaded is one rule read back from the data directory, with the creation
// date it had when it was saved.
type Loaded struct {
	Rule      Rule
	CreatedAt time.Time
}

// Load installs saved rules (the data directory's restore): every rule is
// compiled first, and either all are installed or, on the first that does
// not compile, none. A loaded rule replaces an installed rule of its name.
func (e *Engine) Load(rs []Loaded) error {
	compiled := make([]*rule, 0, len(rs))
	for _, l := range rs {
		cr, err := compileRule(l.Rule, e.cfg.Compat, l.CreatedAt)
		if err != nil {
			return fmt.Errorf("load rule: %w", err)
		}
		compiled = append(compiled, cr)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, cr := range compiled {
		if old, ok := e.rules[cr.name]; ok {
			e.uninstall(old)
		}
		e.install(cr)
	}
	return nil
}
