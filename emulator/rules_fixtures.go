package emulator

import (
	"fmt"

	"github.com/iotemu/iotemu/fixtures"
)

// applyRuleFixtures creates the rules of a fixtures file, each from its
// TopicRulePayload exactly as CreateTopicRule would (same parser, same
// errors); a name already in use is an error, as for CreateTopicRule.
func (s *Server) applyRuleFixtures(rs []fixtures.Rule) []error {
	var errs []error
	for i, fr := range rs {
		r, err := parseTopicRule(s.actions, fr.Name, fr.TopicRulePayload)
		if err == nil {
			err = s.rules.Add(r)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("rules[%d] (%s): %w", i, fr.Name, err))
		}
	}
	return errs
}
