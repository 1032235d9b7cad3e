package shadow

// A deliberate violation of the dependency rule, reverted in the next commit.
import _ "github.com/iotemu/iotemu/internal/broker"
