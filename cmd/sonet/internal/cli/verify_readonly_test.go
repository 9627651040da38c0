package cli

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/b24kit/sonet/sonettest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readMethods are the methods verify may send without --write; batch is
// looked into. Any other method (sonet_group.create, .update, .delete,
// .setowner, .user.add/.delete/.update/.invite/.request, anything new)
// counts as a write: a new read check adds its method here.
var readMethods = map[string]bool{
	"sonet_group.get":                 true,
	"sonet_group.user.get":            true,
	"sonet_group.user.groups":         true,
	"sonet_group.feature.list":        true,
	"socialnetwork.api.workgroup.get": true,
	"user.get":                        true,
	"batch":                           true,
}

// sentMethods lists every method srv received, the commands of each batch
// included (as "batch: METHOD"), in order.
func sentMethods(t *testing.T, srv *sonettest.Server) []string {
	t.Helper()
	var out []string
	for _, r := range srv.Requests() {
		out = append(out, r.Method)
		if r.Method != "batch" {
			continue
		}
		var cmds []string
		switch c := r.Params["cmd"].(type) {
		case map[string]any:
			for _, v := range c {
				cmds = append(cmds, fmt.Sprint(v))
			}
		case []any:
			for _, v := range c {
				cmds = append(cmds, fmt.Sprint(v))
			}
		default:
			t.Fatalf("a batch without commands the test can read: %q", r.Body)
		}
		sort.Strings(cmds)
		for _, cmd := range cmds {
			m, _, _ := strings.Cut(cmd, "?")
			if u, err := url.PathUnescape(m); err == nil {
				m = u
			}
			out = append(out, "batch: "+strings.ToLower(strings.TrimSuffix(strings.TrimSpace(m), ".json")))
		}
	}
	return out
}

// writesIn returns the methods of sent that are not reads.
func writesIn(sent []string) []string {
	var w []string
	for _, m := range sent {
		if !readMethods[strings.TrimPrefix(m, "batch: ")] {
			w = append(w, m)
		}
	}
	return w
}

// verify without --write changes nothing: every request it sends, and every
// command inside its batches, is a read, and the portal's groups (fields
// and members) are as they were.
func TestVerifyIsReadOnlyByDefault(t *testing.T) {
	for _, args := range [][]string{nil, {"--limits"}} {
		t.Run(fmt.Sprint("verify ", strings.Join(args, " ")), func(t *testing.T) {
			srv, opts := newLimitedPortal(t)
			seed(srv, 4)
			before := srv.Groups()
			require.Len(t, before, 4)
			verdicts, r := runVerifyThrough(t, srv, opts, rewriter{}, args...)
			require.Equal(t, 0, r.code, r.stdout+r.stderr)
			require.Equal(t, verdictOK, verdicts["batch $result into a missing path"], r.stdout)
			if len(args) > 0 {
				require.Equal(t, verdictOK, verdicts["QUERY_LIMIT_EXCEEDED status"], r.stdout)
			}

			sent := sentMethods(t, srv)
			assert.Contains(t, sent, "batch: sonet_group.get", "the batches were looked into")
			assert.Empty(t, writesIn(sent), "verify %v sent writes; all it sent: %v", args, sent)
			assert.Equal(t, before, srv.Groups(), "the portal's groups changed")
		})
	}
	// The check itself sees a write, direct or inside a batch.
	assert.Equal(t, []string{"sonet_group.update", "batch: sonet_group.user.add"},
		writesIn([]string{"sonet_group.get", "sonet_group.update", "batch", "batch: sonet_group.get", "batch: sonet_group.user.add"}))
}
