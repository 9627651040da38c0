package cli

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/b24kit/sonet/sonettest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// isWriteBatch tells a batch that carries the given write method.
func isWriteBatch(method string, f url.Values, write string) bool {
	if method != "batch" {
		return false
	}
	for k, v := range f {
		if strings.HasPrefix(k, "cmd[") && strings.HasPrefix(v[0], write+"?") {
			return true
		}
	}
	return false
}

// runThrough runs the command against a webhook URL (a proxy).
func runThrough(t *testing.T, hook string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, ClientOptions: noLimits(),
		Getenv: func(k string) string { return map[string]string{envWebhookURL: hook}[k] }}
	code := Run(context.Background(), args, env)
	r := result{stdout: out.String(), stderr: errb.String(), code: code}
	require.NotContains(t, r.stdout+r.stderr, secretCode)
	return r
}

// createsIn counts the sonet_group.create commands for name in the bodies.
func createsIn(bodies []string, name string) int {
	n := 0
	for _, body := range bodies {
		form, _ := url.ParseQuery(body)
		for k, v := range form {
			if !strings.HasPrefix(k, "cmd[") {
				continue
			}
			method, query, _ := strings.Cut(v[0], "?")
			if q, _ := url.ParseQuery(query); method == "sonet_group.create" && q.Get("NAME") == name {
				n++
			}
		}
	}
	return n
}

// creates counts the create commands for name that the portal received.
func creates(srv *sonettest.Server, name string) int {
	var bodies []string
	for _, r := range srv.Requests() {
		bodies = append(bodies, r.Body)
	}
	return createsIn(bodies, name)
}

func TestApplyReconcilesLostAnswersWithoutCreatingTwice(t *testing.T) {
	srv := newPortal(t)
	seed(srv, 2)
	file := writeFile(t, "state.yaml", changedState)
	dropped := map[string]bool{}
	hook := startProxy(t, srv, rewriter{response: func(method string, f url.Values, st int, b []byte) (int, []byte) {
		for _, w := range []string{"sonet_group.create", "sonet_group.update"} {
			if isWriteBatch(method, f, w) && !dropped[w] {
				dropped[w] = true
				return dropConnection, nil // ran on the portal, answer lost
			}
		}
		return st, b
	}})
	r := runThrough(t, hook, "apply", "-f", file, "--yes")
	require.Equal(t, 0, r.code, r.stdout+r.stderr)
	out := r.stdout[strings.Index(r.stdout, "Plan:"):]
	assert.Equal(t, `Plan: 1 to create, 2 to update, 0 to delete; members: 3 to add, 1 role changes, 0 to remove; 0 groups unchanged.
created group "Brand new" (ID 3; the answer was lost, found by exact name)
? group "Group 1" (ID 1): updated description, visible: the answer was lost; checking
? group "Group 1" (ID 1): added members: the answer was lost; checking
? group "Group 1" (ID 1): made moderators: the answer was lost; checking
? group "Group 2" (ID 2): owner 1 → 6: the answer was lost; checking
? group "Brand new" (ID 3): added members: the answer was lost; checking
? group "Brand new" (ID 3): made moderators: the answer was lost; checking
Some answers were lost: reading the portal again to see what took effect.
Reconciled: every change is in place.
Done.
`, out)
	assert.Equal(t, 1, creates(srv, "Brand new"), "the create was sent once")
	assert.Len(t, srv.Groups(), 3)
	r = runCLI(t, srv, "", "apply", "-f", file, "--yes")
	assert.Equal(t, "No changes: 3 groups in the file match the portal.\n", r.stdout)
}

func TestApplyResendsOnlyWhatTheReReadShowsMissing(t *testing.T) {
	srv := newPortal(t)
	seed(srv, 2)
	file := writeFile(t, "state.yaml", changedState)
	failed := map[string]bool{}
	var sent []string
	hook := startProxy(t, srv, rewriter{before: func(method string, f url.Values) int {
		sent = append(sent, f.Encode())
		for _, w := range []string{"sonet_group.create", "sonet_group.update"} {
			if isWriteBatch(method, f, w) && !failed[w] {
				failed[w] = true
				return http.StatusBadGateway // never reached the portal; the client cannot know
			}
		}
		return 0
	}})
	r := runThrough(t, hook, "apply", "-f", file, "--yes")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stdout, `! group "Brand new": the create's answer was lost and no group of that name exists; not created again: run apply again to create it`)
	assert.Contains(t, r.stdout, "Still to do:\n~ update group \"Group 1\" (ID 1)\n")
	assert.NotContains(t, r.stdout, "Still to do:\n+ create")
	assert.Equal(t, "sonet: 1 changes failed (see above)\n", r.stderr)
	assert.Equal(t, 1, createsIn(sent, "Brand new"), "sent once, refused by the proxy, not sent again")
	assert.Equal(t, 0, creates(srv, "Brand new"))
	g1, _ := srv.Group(1)
	assert.Equal(t, "New text", g1.Description, "round 2 applied the update the re-read showed missing")
	assert.Len(t, srv.Groups(), 2)

	// The next run creates it.
	r = runCLI(t, srv, "", "apply", "-f", file, "--yes")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "+ create group \"Brand new\"\n")
	assert.Contains(t, r.stdout, "Plan: 1 to create, 0 to update")
}

// With sonettest's own fault injection (dropped connections after the call
// ran, on a quarter of all batch requests), every run leaves exactly one
// group per name, and a clean run afterwards finds nothing to do.
func TestApplyUnderInjectedFaultsNeverDuplicates(t *testing.T) {
	lostWrites := 0
	t.Cleanup(func() {
		if lostWrites == 0 {
			t.Error("no seed lost a write's answer: the test did not test reconciliation")
		}
	})
	for seed := int64(1); seed <= 8; seed++ {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			srv := newPortal(t, sonettest.WithFaults(sonettest.Faults{Seed: seed, Drop: 0.25, Methods: []string{"batch"}}))
			for u := 2; u <= 9; u++ {
				srv.AddUser(sonettest.User{ID: u})
			}
			var b strings.Builder
			for i := 1; i <= 60; i++ {
				fmt.Fprintf(&b, "- {name: \"Team %d\", description: \"d%d\", members: [{user_id: %d, role: moderator}, {user_id: 9}]}\n", i, i, 2+i%7)
			}
			file := writeFile(t, "state.yaml", b.String())
			r := runCLI(t, srv, "", "apply", "-f", file, "--yes")
			if strings.Contains(r.stdout, "the answer was lost") {
				lostWrites++
			}
			names := map[string]int{}
			for _, g := range srv.Groups() {
				names[g.Name]++
				assert.Equal(t, 1, names[g.Name], "group %q twice", g.Name)
			}
			for i := 1; i <= 60; i++ {
				assert.LessOrEqual(t, creates(srv, fmt.Sprint("Team ", i)), 1)
			}
			if r.code == 0 {
				assert.Len(t, names, 60, r.stdout)
			}
			r = runCLIWith(t, srv, noLimits(), "", "apply", "-f", file, "--yes")
			for run := 0; r.code != 0 || !strings.HasPrefix(r.stdout, "No changes"); run++ {
				// Faults stay on: converge with further runs, each safe.
				require.Less(t, run, 10, "apply does not converge:\n%s%s", r.stdout, r.stderr)
				r = runCLIWith(t, srv, noLimits(), "", "apply", "-f", file, "--yes")
			}
			assert.Len(t, srv.Groups(), 60)
		})
	}
}
