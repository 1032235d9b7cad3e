//go:build unix

package lambdafn

import (
	"os/exec"
	"syscall"
)

// ownProcessGroup starts the command in a process group of its own, so
// that killing it also kills what it started (a bootstrap script's
// interpreter), as resetting a Lambda execution environment does.
func ownProcessGroup(c *exec.Cmd) {
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// killProcessGroup kills the started command's process group.
func killProcessGroup(c *exec.Cmd) {
	if c.Process == nil {
		return
	}
	// The group's ID is the leader's PID; ESRCH means all are gone.
	_ = syscall.Kill(-c.Process.Pid, syscall.SIGKILL)
}
