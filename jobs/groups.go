package jobs

import "errors"

// isGroupNotFound reports whether a Targets error says the group is missing.
func isGroupNotFound(err error) bool { return errors.Is(err, ErrGroupNotFound) }
