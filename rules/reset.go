package rules

// Reset removes every rule (the emulator's reset API; AWS has no such
// operation). Messages being evaluated finish with the rules they matched.
func (e *Engine) Reset() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.rules = map[string]*rule{}
	e.index = newTopicIndex(e.cfg.Compat.HashMatchesParent)
}
