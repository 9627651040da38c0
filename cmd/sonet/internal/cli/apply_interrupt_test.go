package cli

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/b24kit/sonet"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// interruptOn is a transport that cancels the run (as Ctrl-C does) when a
// request whose body holds marker is about to leave; that request is not sent.
type interruptOn struct {
	marker string
	cancel context.CancelFunc
}

func (i *interruptOn) RoundTrip(r *http.Request) (*http.Response, error) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	if strings.Contains(string(body), i.marker) {
		i.cancel()
		return nil, r.Context().Err()
	}
	return http.DefaultTransport.RoundTrip(r)
}

// Ctrl-C between the create batch and the change batch: apply says it was
// interrupted and what to do, and does not claim to be checking anything.
func TestApplyInterruptedReportsWhatWasDone(t *testing.T) {
	srv := newPortal(t)
	seed(srv, 2)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	file := writeFile(t, "state.yaml", "- name: Group 1\n  description: changed\n- name: New\n")
	var out, errb bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		ClientOptions: []sonet.Option{sonet.WithoutRateLimit(), fastRetries,
			sonet.WithTransport(&interruptOn{marker: "sonet_group.update", cancel: cancel})},
		Getenv: func(k string) string { return map[string]string{envWebhookURL: srv.WebhookURL()}[k] }}
	code := Run(ctx, []string{"apply", "-f", file, "--yes"}, env)
	require.NotContains(t, out.String()+errb.String(), secretCode)
	assert.Equal(t, exitFailure, code)
	assert.Equal(t, `~ update group "Group 1" (ID 1)
    description: "Description 1" → "changed"
+ create group "New"
Plan: 1 to create, 1 to update, 0 to delete; members: 0 to add, 0 role changes, 0 to remove; 0 groups unchanged.
Kept: 1 groups not in the file (--prune with --filter, or --prune-all, deletes them).
created group "New" (ID 3)
? group "Group 1" (ID 1): updated description: the answer was lost
`, out.String())
	assert.Equal(t, "sonet: interrupted: the lines above are what was done; the rest was not sent or its answer was lost; run apply again (with --dry-run first) to see what is left\n", errb.String())
	assert.Equal(t, "Description 1", srv.Groups()[0].Description)
	assert.Len(t, srv.Groups(), 3)
}

// Ctrl-C at the confirmation prompt: the binary catches the signal (it
// cancels the context), so the prompt must give up by itself, send nothing,
// and exit 1.
func TestApplyInterruptAtThePromptSendsNothing(t *testing.T) {
	srv := newPortal(t)
	seed(srv, 1)
	file := writeFile(t, "state.yaml", "- name: Group 1\n  description: changed\n")
	stdin, typing := io.Pipe() // nobody types
	t.Cleanup(func() { typing.Close() })
	var out, errb bytes.Buffer
	prompted := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	env := &Env{Stdin: stdin, Stdout: &out, Stderr: &promptWatch{w: &errb, seen: prompted}, StdinIsTerminal: true,
		ClientOptions: []sonet.Option{sonet.WithoutRateLimit(), fastRetries},
		Getenv:        func(k string) string { return map[string]string{envWebhookURL: srv.WebhookURL()}[k] }}
	go func() { <-prompted; cancel() }()
	code := Run(ctx, []string{"apply", "-f", file}, env)
	assert.Equal(t, exitFailure, code)
	assert.Equal(t, "Apply these changes? Only 'yes' is accepted: \nsonet: not applying: interrupted\n", errb.String())
	assert.Empty(t, writes(srv))
	g, _ := srv.Group(1)
	assert.Equal(t, "Description 1", g.Description)
}

// promptWatch closes seen once the prompt has been written.
type promptWatch struct {
	w    io.Writer
	seen chan struct{}
	done bool
}

func (p *promptWatch) Write(b []byte) (int, error) {
	if !p.done && strings.Contains(string(b), "Apply these changes?") {
		p.done = true
		defer close(p.seen)
	}
	return p.w.Write(b)
}

// The portal skips users a command cannot apply to; the report says which,
// and never prints an empty list ("made moderators  (the portal ...)").
// Here the webhook's user 1 becomes the owner of the new group (no
// owner_id), so both the add and the raise to moderator skip them.
func TestApplyReportsWhatThePortalSkipped(t *testing.T) {
	srv := newPortal(t)
	seed(srv, 1)
	file := writeFile(t, "state.yaml", "- name: New\n  members: [{user_id: 1, role: moderator}, {user_id: 2}]\n")
	r := runCLI(t, srv, "", "apply", "-f", file, "--yes")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, `group "New" (ID 2): added members 2 (the portal skipped 1)
group "New" (ID 2): made moderators none (the portal skipped 1)
Done.
`)
}
