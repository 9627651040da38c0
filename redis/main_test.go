package sonetredis_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestMain runs the helper processes of the multi-process test (see
// multiproc_test.go) and, when SONET_REDIS_ADDR is unset outside CI, starts
// a throw-away redis-server of its own if one is installed. Under CI
// (.ci/run starts Redis and sets SONET_REDIS_ADDR) a missing Redis fails the
// tests; elsewhere without Redis the tests that need it skip.
func TestMain(m *testing.M) {
	switch os.Getenv(roleEnv) {
	case "portal":
		os.Exit(runPortal())
	case "worker":
		os.Exit(runWorker())
	case "orphaner":
		os.Exit(runOrphaner())
	}
	stop := func() {}
	if os.Getenv("SONET_REDIS_ADDR") == "" && os.Getenv("CI") == "" {
		if addr, kill, err := startRedis(); err == nil {
			os.Setenv("SONET_REDIS_ADDR", addr)
			stop = kill
		} else {
			// The examples cannot skip: leave them out.
			fmt.Fprintln(os.Stderr, "sonetredis tests: no Redis, the tests that need it skip:", err)
			flag.Parse()
			if f := flag.Lookup("test.run"); f != nil && f.Value.String() == "" {
				f.Value.Set("^Test")
			}
		}
	}
	code := m.Run()
	stop()
	os.Exit(code)
}

// startRedis starts redis-server without persistence on a free loopback
// port and waits until it answers PING.
func startRedis() (string, func(), error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	_, port, _ := net.SplitHostPort(addr)
	dir, err := os.MkdirTemp("", "sonetredis")
	if err != nil {
		return "", nil, err
	}
	cmd := exec.Command(bin, "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir)
	cmd.SysProcAttr = childAttr()
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	lastRedisPid = cmd.Process.Pid
	kill := func() {
		cmd.Process.Kill()
		cmd.Wait()
		os.RemoveAll(dir)
	}
	if err := waitPing(&redis.Options{Addr: addr}); err != nil {
		kill()
		return "", nil, err
	}
	return addr, kill, nil
}

// lastRedisPid is the pid of the redis-server startRedis started last.
var lastRedisPid int

func waitPing(o *redis.Options) error {
	rdb := redis.NewClient(o)
	defer rdb.Close()
	var err error
	for range 100 {
		if err = rdb.Ping(context.Background()).Err(); err == nil {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return err
}

// needRedis returns the address of the Redis the tests use. It skips the
// test only when SONET_REDIS_ADDR is unset and CI is not set.
func needRedis(t testing.TB) string {
	t.Helper()
	addr := os.Getenv("SONET_REDIS_ADDR")
	if addr == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("SONET_REDIS_ADDR is not set under CI: .ci/run must start redis-server")
		}
		t.Skip("no Redis: set SONET_REDIS_ADDR or install redis-server")
	}
	return addr
}

// newRedis returns a client of the test Redis and a key prefix of the
// test's own; the test's keys are deleted at its end.
func newRedis(t testing.TB) (*redis.Client, string) {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: needRedis(t)})
	if err := rdb.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("Redis at SONET_REDIS_ADDR does not answer: %v", err)
	}
	prefix := uniquePrefix()
	t.Cleanup(func() {
		ctx := context.Background()
		keys, _ := rdb.Keys(ctx, prefix+":*").Result()
		if len(keys) > 0 {
			rdb.Del(ctx, keys...)
		}
		rdb.Close()
	})
	return rdb, prefix
}

func uniquePrefix() string {
	var b [6]byte
	rand.Read(b[:])
	return "sonettest-" + hex.EncodeToString(b[:])
}

// ownRedis starts a redis-server of the test's own on a unix socket (for
// tests that stop it) and returns its options and a function that kills it.
func ownRedis(t *testing.T) (*redis.Options, func()) {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("redis-server is not installed under CI")
		}
		t.Skip("redis-server is not installed")
	}
	dir := t.TempDir()
	sock := filepath.Join(dir, "redis.sock")
	cmd := exec.Command(bin, "--port", "0", "--unixsocket", sock, "--save", "", "--appendonly", "no", "--dir", dir)
	cmd.SysProcAttr = childAttr()
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	kill := func() {
		if !killed {
			killed = true
			cmd.Process.Kill()
			cmd.Wait()
		}
	}
	t.Cleanup(kill)
	o := &redis.Options{Network: "unix", Addr: sock, MaxRetries: -1, DialTimeout: time.Second}
	if err := waitPing(o); err != nil {
		t.Fatalf("own redis-server did not start: %v\n%s", err, out.String())
	}
	return o, kill
}
