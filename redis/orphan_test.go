//go:build linux

package sonetredis_test

import (
	"bufio"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// runOrphaner starts a throw-away redis-server as TestMain does, prints
// its pid and dies without stopping it, as a test binary does when
// `go test -timeout` or a panic ends it.
func runOrphaner() int {
	_, _, err := startRedis()
	if err != nil {
		return 1
	}
	os.Stdout.WriteString(strconv.Itoa(lastRedisPid) + "\n")
	os.Exit(2) // no clean-up runs
	return 2
}

// A test binary that dies without its clean-up (timeout, panic) leaves no
// redis-server running on the shared machine.
func TestRedisServerDiesWithTheTestBinary(t *testing.T) {
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Skip("redis-server is not installed")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), roleEnv+"=orphaner")
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	line, err := bufio.NewReader(out).ReadString('\n')
	require.NoError(t, err)
	cmd.Wait()
	pid, err := strconv.Atoi(line[:len(line)-1])
	require.NoError(t, err)
	t.Cleanup(func() { syscall.Kill(pid, syscall.SIGKILL) })
	deadline := time.Now().Add(5 * time.Second)
	for syscall.Kill(pid, 0) == nil {
		require.True(t, time.Now().Before(deadline), "redis-server %d outlived the test binary that started it", pid)
		time.Sleep(20 * time.Millisecond)
	}
}
