package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A credentials file holding a bare token with "=" padding: the text before
// the "=" is the secret, so the error must not quote it. A misspelt
// variable name is still quoted, which is what helps.
func TestCredentialsFileErrorNeverQuotesASecret(t *testing.T) {
	file := filepath.Join(t.TempDir(), "creds")
	require.NoError(t, os.WriteFile(file, []byte("# token\n"+secretCode+"==\n"), 0o600))
	r := runCLI(t, nil, "", "--credentials", file, "call", "sonet_group.get") // runCLI fails on the code in any output
	assert.Equal(t, 1, r.code)
	assert.Equal(t, "sonet: "+file+":2: want KEY=VALUE with a key of BITRIX24_WEBHOOK_URL, BITRIX24_PORTAL_URL or BITRIX24_ACCESS_TOKEN, or a webhook URL\n", r.stderr)

	require.NoError(t, os.WriteFile(file, []byte("BITRIX24_WEBHOK_URL=https://portal.example/rest/1/"+secretCode+"/\n"), 0o600))
	r = runCLI(t, nil, "", "--credentials", file, "call", "sonet_group.get")
	assert.Equal(t, "sonet: "+file+`:1: unknown key "BITRIX24_WEBHOK_URL" (want BITRIX24_WEBHOOK_URL, BITRIX24_PORTAL_URL or BITRIX24_ACCESS_TOKEN)`+"\n", r.stderr)
}
