package sonetredis_test

import "syscall"

// childAttr makes a process the tests start (redis-server) die with the
// test binary, even when a timeout or a panic skips every clean-up. The
// signal follows the thread that started the child; the Go runtime keeps
// its threads, so that is the test binary's life.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
