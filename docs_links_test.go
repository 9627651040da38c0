package sonet

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// docsURL is the form of every "Docs:" link in godoc: a full URL of the
// official REST documentation, which pkg.go.dev turns into a link.
var docsURL = regexp.MustCompile(`^https://apidocs\.bitrix24\.com/(api-reference|settings)/[a-z0-9/_-]+\.html$`)

// Every "Docs:" line of the module's Go files (and its continuation lines)
// names full URLs: relative paths were not links on pkg.go.dev.
func TestDocsLinesAreFullURLs(t *testing.T) {
	n := 0
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || fileExists(filepath.Join(path, "go.mod"))) {
			return filepath.SkipDir // other modules check their own
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		lines := strings.Split(string(b), "\n")
		for i := 0; i < len(lines); i++ {
			line := strings.TrimSpace(lines[i])
			rest, ok := strings.CutPrefix(line, "// Docs:")
			if !ok {
				continue
			}
			for {
				for _, u := range strings.Split(rest, ",") {
					if u = strings.TrimSpace(u); u != "" {
						n++
						assert.Regexp(t, docsURL, u, "%s:%d", path, i+1)
					}
				}
				// Every further line of the same comment is a continuation,
				// with or without a comma: a relative path there slipped by
				// once (EnsureGroup).
				if i+1 >= len(lines) {
					break
				}
				next := strings.TrimSpace(lines[i+1])
				if !strings.HasPrefix(next, "//") || strings.TrimSpace(strings.TrimPrefix(next, "//")) == "" {
					break
				}
				i++
				rest = strings.TrimPrefix(next, "//")
			}
		}
		return nil
	})
	require.NoError(t, err)
	assert.Greater(t, n, 40, "the walk found the Docs: lines")
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
