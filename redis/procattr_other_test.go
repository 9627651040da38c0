//go:build !linux

package sonetredis_test

import "syscall"

// childAttr is nil outside Linux, which has no parent-death signal: a
// test binary killed by a timeout may leave its redis-server running.
func childAttr() *syscall.SysProcAttr { return nil }

func runOrphaner() int { return 1 }
