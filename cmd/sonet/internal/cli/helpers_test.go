package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/b24kit/sonet"
	"github.com/b24kit/sonet/internal/simclock"
	"github.com/b24kit/sonet/sonettest"
	"github.com/stretchr/testify/require"
)

// secretCode is the webhook code every test portal uses; no output may hold
// it.
const secretCode = "SENTINELwebhookSECRET42"

func newPortal(t *testing.T, opts ...sonettest.Option) *sonettest.Server {
	t.Helper()
	srv := sonettest.NewServer(append([]sonettest.Option{sonettest.WithWebhookCode(secretCode)}, opts...)...)
	t.Cleanup(srv.Close)
	return srv
}

type result struct {
	stdout, stderr string
	code           int
}

// fastRetries keeps retried reads quick in tests.
var fastRetries = sonet.WithRetryPolicy(sonet.RetryPolicy{MaxAttempts: 6, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond})

// runCLI runs the command in-process against srv (nil: no credentials) and
// checks that the webhook code appears in no output.
func runCLI(t *testing.T, srv *sonettest.Server, stdin string, args ...string) result {
	t.Helper()
	return runCLIWith(t, srv, noLimits(), stdin, args...)
}

// runCLIWith runs the command with the given client options.
func runCLIWith(t *testing.T, srv *sonettest.Server, opts []sonet.Option, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{
		Stdin:  strings.NewReader(stdin),
		Stdout: &out,
		Stderr: &errb,
		Getenv: func(k string) string {
			if k == envWebhookURL && srv != nil {
				return srv.WebhookURL()
			}
			return ""
		},
		ClientOptions: opts,
	}
	code := Run(context.Background(), args, env)
	r := result{stdout: out.String(), stderr: errb.String(), code: code}
	for _, s := range []string{r.stdout, r.stderr} {
		if strings.Contains(s, secretCode) {
			t.Fatalf("the webhook code leaked into the output:\n%s", s)
		}
	}
	return r
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// seed adds n groups named "Group 1".."Group n", each with users 2..4 as
// member, moderator, member.
func seed(srv *sonettest.Server, n int) {
	for u := 2; u <= 9; u++ {
		srv.AddUser(sonettest.User{ID: u, Name: fmt.Sprint("User ", u)})
	}
	for i := 1; i <= n; i++ {
		g := sonettest.NewGroup(fmt.Sprint("Group ", i))
		g.Description = fmt.Sprint("Description ", i)
		g.Members = map[int]sonettest.Role{1: sonettest.RoleOwner, 2: sonettest.RoleMember, 3: sonettest.RoleModerator, 4: sonettest.RoleMember}
		srv.AddGroup(g)
	}
}

// newLimitedPortal is a portal with the standard plan's limits on, sharing
// a simulated clock with the client options it returns.
func newLimitedPortal(t *testing.T, opts ...sonettest.Option) (*sonettest.Server, []sonet.Option) {
	clk := &simclock.Skipping{}
	srv := newPortal(t, append(opts, sonettest.WithClock(clk.Now),
		sonettest.WithRateLimit(sonet.StandardPlan.PerSecond, sonet.StandardPlan.Burst))...)
	return srv, []sonet.Option{sonet.WithClock(clk), fastRetries}
}

// runTerminal runs the command as if stdin were a terminal.
func runTerminal(t *testing.T, srv *sonettest.Server, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{
		Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, StdinIsTerminal: true,
		Getenv:        func(k string) string { return map[string]string{envWebhookURL: srv.WebhookURL()}[k] },
		ClientOptions: []sonet.Option{sonet.WithoutRateLimit(), fastRetries},
	}
	code := Run(context.Background(), args, env)
	r := result{stdout: out.String(), stderr: errb.String(), code: code}
	require.NotContains(t, r.stdout+r.stderr, secretCode)
	return r
}

// noLimits is a client for a portal without limits: no pacing, quick retries.
func noLimits() []sonet.Option { return []sonet.Option{sonet.WithoutRateLimit(), fastRetries} }
