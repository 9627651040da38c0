package cli

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An export that fails after 50 of 60 groups ends its output with a line no
// reader takes as data, so "export | apply --prune" deletes nothing.
func TestExportFailingMidwayCannotBeAppliedAsComplete(t *testing.T) {
	for format, markerLine := range map[string]string{"jsonl": ":51: not valid JSON", "csv": ":52: record on line 52: wrong number of fields"} {
		t.Run(format, func(t *testing.T) {
			srv := newPortal(t)
			seed(srv, 60)
			memberBatches := 0
			hook := startProxy(t, srv, rewriter{before: func(method string, f url.Values) int {
				if method == "batch" && strings.Contains(f.Encode(), "sonet_group.user.get") {
					memberBatches++
					if memberBatches > 1 {
						return http.StatusForbidden // the second member batch fails for good
					}
				}
				return 0
			}})
			r := runThrough(t, hook, "export", "--members", "--format", format)
			require.Equal(t, exitFailure, r.code, r.stderr)
			lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
			assert.Equal(t, exportIncomplete, lines[len(lines)-1])
			assert.Equal(t, 50, strings.Count(r.stdout, "Group "), "the 50 groups read in full")

			file := writeFile(t, "cut."+format, r.stdout)
			a := runCLI(t, srv, "", "apply", "-f", file, "--prune-all", "--yes")
			assert.Equal(t, exitFailure, a.code)
			assert.Contains(t, a.stderr, file+markerLine)
			assert.Empty(t, writes(srv))
			assert.Len(t, srv.Groups(), 60)
		})
	}
}

// An export refused before it wrote a row leaves stdout empty: no marker
// line for an output that holds no data (apply refuses an empty file).
func TestExportRefusedBeforeAnyRowWritesNothing(t *testing.T) {
	srv := newPortal(t)
	seed(srv, 3)
	r := runCLI(t, srv, "", "export", "--parallel", "51")
	assert.Equal(t, exitFailure, r.code)
	assert.Empty(t, r.stdout)
}
