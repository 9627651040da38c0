package cli

import (
	"testing"

	"github.com/b24kit/sonet/sonettest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The portal filters NAME on its stored (emoji-encoded) column: a --filter
// with an emoji must go out encoded, or the export is silently empty.
func TestExportFilterWithEmojiFindsTheGroup(t *testing.T) {
	srv := newPortal(t)
	srv.AddGroup(sonettest.NewGroup("🚀 Ops"))
	srv.AddGroup(sonettest.NewGroup("Other"))
	r := runCLI(t, srv, "", "export", "--format", "csv", "--filter", "NAME=🚀 Ops")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, ",🚀 Ops,")
	assert.NotContains(t, r.stdout, "Other")
}

// A file name written as the emoji's stored form is the same name on the
// portal: apply must not create a second "🚀 Ops" (nor, with --prune-all,
// delete the first).
func TestApplyRefusesTypedEmojiHexOfAnExistingName(t *testing.T) {
	srv := newPortal(t)
	srv.AddGroup(sonettest.NewGroup("🚀 Ops"))
	file := writeFile(t, "state.yaml", "- name: \":F09F9A80: Ops\"\n")
	r := runCLI(t, srv, "", "apply", "-f", file, "--yes", "--prune-all")
	assert.Equal(t, 1, r.code, r.stdout)
	assert.Contains(t, r.stderr, `no group has this exact name, but the portal has "🚀 Ops" (ID 1)`)
	assert.Empty(t, writes(srv))
	assert.Len(t, srv.Groups(), 1)
}
