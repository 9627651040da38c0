package wire

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// A secret anywhere in a value, cut at any length, leaves no piece of
// itself in the excerpt: redaction runs on the whole value before the cut.
func TestExcerptRedactsBeforeItCutsAtEveryOffsetAndLength(t *testing.T) {
	const secret = "s3cr3tw3bh00kc0de"
	redact := func(s string) string { return strings.ReplaceAll(s, secret, "[REDACTED]") }
	for offset := 0; offset <= 60; offset++ {
		value := []byte(`"` + strings.Repeat("a", offset) + "/rest/1/" + secret + `/x"`)
		for max := 1; max <= len(value)+2; max++ {
			out := Excerpt(value, max, redact)
			for n := 4; n <= len(secret); n++ {
				for i := 0; i+n <= len(secret); i++ {
					if strings.Contains(out, secret[i:i+n]) {
						t.Fatalf("offset %d, cut %d: %q holds %q", offset, max, out, secret[i:i+n])
					}
				}
			}
		}
	}
}

func TestExcerptCutsFoldsAndWithholdsWithoutARedactor(t *testing.T) {
	id := func(s string) string { return s }
	assert.Equal(t, "abc...", Excerpt([]byte("  abcdef "), 3, id))
	assert.Equal(t, "abcdef", Excerpt([]byte("abcdef"), 6, id))
	assert.Equal(t, "a b?c", Excerpt([]byte("a\nb\xffc"), 10, id))
	assert.Equal(t, "жё...", Excerpt([]byte("жёлтый"), 2, id))
	assert.Equal(t, "", Excerpt([]byte("abc"), 10, nil))
	assert.Equal(t, "", Excerpt([]byte("abc"), 0, id))
}
