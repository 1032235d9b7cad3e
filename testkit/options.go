package testkit

import (
	"log/slog"

	"github.com/iotemu/iotemu/emulator"
	"github.com/iotemu/iotemu/fixtures"
)

// Option configures Start.
type Option func(*settings)

type settings struct {
	config       emulator.Config
	logger       *slog.Logger
	logLevel     slog.Level
	fixtureFiles []string
	fixtures     fixtures.Set // inline, from WithShadow and similar options
}

// defaultLogLevel keeps test output to what matters.
const defaultLogLevel = slog.LevelWarn

// WithConfig edits the emulator's Config before it starts: the escape hatch
// for any setting without an option of its own. Listener addresses stay
// 127.0.0.1:0 unless fn changes them.
func WithConfig(fn func(*emulator.Config)) Option {
	return func(s *settings) { fn(&s.config) }
}

// WithLogger sends the emulator's logs to l instead of the test log.
func WithLogger(l *slog.Logger) Option {
	return func(s *settings) { s.logger = l }
}

// WithLogLevel sets the lowest level written to the test log (default Warn).
func WithLogLevel(l slog.Level) Option {
	return func(s *settings) { s.logLevel = l }
}

// WithDataDir keeps the emulator's state in dir (emulator.Config.DataDir),
// so that an emulator started again on it finds it: for tests of a restart.
// Without it (the default) everything is in memory.
func WithDataDir(dir string) Option {
	return func(s *settings) { s.config.DataDir = dir }
}
