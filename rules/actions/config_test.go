package actions_test

import "github.com/iotemu/iotemu/rules/actions"

// actionsConfig is a config without endpoints: everything is recorded.
func actionsConfig() actions.Config { return actions.Config{} }
