package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/b24kit/sonet"
	"github.com/b24kit/sonet/sonettest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// afterCreate is a transport that lets fn act on every request sent after
// the first sonet_group.create, and on the create's own answer.
type afterCreate struct {
	mu      sync.Mutex
	created bool
	// onCreate may replace the create's answer (the portal ran it).
	onCreate func(*http.Response) (*http.Response, error)
	// next runs before each later request is sent.
	next func(r *http.Request) error
}

func (a *afterCreate) RoundTrip(r *http.Request) (*http.Response, error) {
	a.mu.Lock()
	created := a.created
	a.mu.Unlock()
	if created && a.next != nil {
		if err := a.next(r); err != nil {
			return nil, err
		}
	}
	resp, err := http.DefaultTransport.RoundTrip(r)
	if strings.HasSuffix(r.URL.Path, "/sonet_group.create") {
		a.mu.Lock()
		a.created = true
		a.mu.Unlock()
		if err == nil && a.onCreate != nil {
			return a.onCreate(resp)
		}
	}
	return resp, err
}

func runVerifyCtx(t *testing.T, ctx context.Context, srv *sonettest.Server, rt http.RoundTripper, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		ClientOptions: []sonet.Option{sonet.WithoutRateLimit(), fastRetries, sonet.WithTransport(rt)},
		Getenv:        func(k string) string { return map[string]string{envWebhookURL: srv.WebhookURL()}[k] }}
	code := Run(ctx, append([]string{"verify", "--markdown"}, args...), env)
	r := result{stdout: out.String(), stderr: errb.String(), code: code}
	require.NotContains(t, r.stdout+r.stderr, secretCode)
	return r
}

// Ctrl-C right after the temporary group was created: the group is still
// deleted, the table says so, and the run exits 1 (interrupted), not 3.
func TestVerifyWriteDeletesItsGroupAfterAnInterrupt(t *testing.T) {
	srv := newPortal(t)
	seed(srv, 3)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rt := &afterCreate{next: func(r *http.Request) error {
		cancel() // the interrupt arrives as the next request leaves
		return r.Context().Err()
	}}
	r := runVerifyCtx(t, ctx, srv, rt, "--write")
	assert.Equal(t, exitFailure, r.code, r.stdout)
	assert.Equal(t, "sonet: verify: interrupted; the table above is incomplete\n", r.stderr)
	assert.Contains(t, r.stdout, "| write: delete | gone (not found) | deleted after the interrupt (not read back) | ok |")
	assert.Len(t, srv.Groups(), 3, "the temporary group is gone")
}

// The create ran but its answer was lost: verify finds the group by its
// unique name and deletes it.
func TestVerifyWriteDeletesAGroupWhoseCreateAnswerWasLost(t *testing.T) {
	srv := newPortal(t)
	seed(srv, 3)
	rt := &afterCreate{onCreate: func(resp *http.Response) (*http.Response, error) {
		resp.Body.Close()
		return nil, errors.New("connection reset by peer")
	}}
	r := runVerifyCtx(t, context.Background(), srv, rt, "--write")
	assert.Equal(t, exitFailure, r.code, r.stdout) // a lost answer says nothing about the portal
	assert.Contains(t, r.stdout, "| write: create | an ID | error: ")
	assert.Contains(t, r.stdout, "| ERROR |")
	groups := srv.Groups()
	require.Len(t, groups, 3, "the temporary group is gone")
	assert.Contains(t, r.stdout, "| write: clean-up | no temporary group left | the create made group 4; deleted | ok |")
}

// A check whose call gets no portal answer (here a gateway's 502 page on
// every try) is an ERROR with exit 1, not a DIFFERS with exit 3: nothing
// was learnt about the portal.
func TestVerifyNoAnswerIsAnErrorNotADifference(t *testing.T) {
	srv, opts := newLimitedPortal(t)
	seed(srv, 3)
	gateway := rewriter{before: func(method string, f url.Values) int {
		if method == "sonet_group.get" && f.Get("start") == "-1" && f.Get("FILTER[>ID]") == "" {
			return http.StatusBadGateway
		}
		return 0
	}}
	verdicts, r := runVerifyThrough(t, srv, opts, gateway)
	assert.Equal(t, exitFailure, r.code, r.stdout)
	assert.Equal(t, verdictError, verdicts["start=-1 skips the count"], r.stdout)
	assert.Equal(t, "sonet: 1 checks got no answer to judge (see ERROR above); run verify again\n", r.stderr)
	allOK(t, verdicts, "")
}

// tempGroupAnswer lets fn change the temporary group (named sonet-verify-…)
// in every sonet_group.get answer that lists it; the seeded groups pass
// as they are, so only the write checks can see the change.
func tempGroupAnswer(t *testing.T, fn func(g map[string]any)) rewriter {
	return rewriter{response: func(method string, _ url.Values, st int, b []byte) (int, []byte) {
		if method != "sonet_group.get" {
			return st, b
		}
		return st, editJSON(t, b, func(m map[string]any) {
			list, _ := m["result"].([]any)
			for _, item := range list {
				if g, _ := item.(map[string]any); g != nil && strings.HasPrefix(fmt.Sprint(g["NAME"]), "sonet-verify-") {
					fn(g)
				}
			}
		})
	}}
}

// The portal stores the group other than it was created: the read-back
// check sees each field that differs from what was sent.
func TestVerifyWriteReadBackFlips(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(g map[string]any)
	}{
		{"visible", func(g map[string]any) { g["VISIBLE"] = "Y" }},
		{"description altered", func(g map[string]any) {
			if d, _ := g["DESCRIPTION"].(string); d != "" { // the read after the clear is left alone
				g["DESCRIPTION"] = "temporary group of sonet verify"
			}
		}},
		{"description dropped", func(g map[string]any) { g["DESCRIPTION"] = "" }},
		{"name", func(g map[string]any) { g["NAME"] = fmt.Sprint(g["NAME"], " (2)") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, opts := newLimitedPortal(t)
			seed(srv, 3)
			verdicts, r := runVerifyThrough(t, srv, opts, tempGroupAnswer(t, tc.edit), "--write")
			assert.Equal(t, exitDiffers, r.code, r.stdout+r.stderr)
			assert.Equal(t, verdictDiffers, verdicts["write: read back"], r.stdout)
			allOK(t, verdicts, "write: read back")
			assert.Len(t, srv.Groups(), 3, "the temporary group is gone")
		})
	}
}

// The update does not clear the description (the proxy drops DESCRIPTION
// from it, so the portal changes nothing): the next read shows the old
// description and the check says DIFFERS.
func TestVerifyWriteClearDescriptionFlips(t *testing.T) {
	srv, opts := newLimitedPortal(t)
	seed(srv, 3)
	keep := rewriter{request: func(method string, f url.Values) {
		if method == "sonet_group.update" {
			f.Del("DESCRIPTION")
		}
	}}
	verdicts, r := runVerifyThrough(t, srv, opts, keep, "--write")
	assert.Equal(t, exitDiffers, r.code, r.stdout+r.stderr)
	assert.Equal(t, verdictDiffers, verdicts["write: clear description"], r.stdout)
	assert.Contains(t, r.stdout, `| write: clear description | "" | "temporary group of sonet verify; safe to delete" | DIFFERS |`)
	allOK(t, verdicts, "write: clear description")
	assert.Len(t, srv.Groups(), 3, "the temporary group is gone")
}
