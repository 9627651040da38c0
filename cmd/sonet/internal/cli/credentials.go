package cli

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/b24kit/sonet"
)

// Environment variables holding credentials. They are read by the command,
// never written to any output.
const (
	envWebhookURL  = "BITRIX24_WEBHOOK_URL"
	envPortalURL   = "BITRIX24_PORTAL_URL"
	envAccessToken = "BITRIX24_ACCESS_TOKEN"
)

// credentials is either a webhook URL or a portal URL plus an access token.
// It has no String method on purpose and is never printed.
type credentials struct {
	webhookURL  string
	portalURL   string
	accessToken string
}

func (c *credentials) newClient(opts ...sonet.Option) (*sonet.Client, error) {
	if c.webhookURL != "" {
		// NewWebhookClient's errors never quote the URL.
		return sonet.NewWebhookClient(c.webhookURL, opts...)
	}
	return sonet.NewOAuthClient(c.portalURL, c.accessToken, opts...)
}

var errNoCredentials = errors.New("no credentials: set " + envWebhookURL + " (or " + envPortalURL + " and " + envAccessToken +
	"), or name a file with --credentials")

// loadCredentials reads the file if one is named, else the environment.
// A file holds KEY=VALUE lines with the same names as the environment
// variables (blank lines and # comments are skipped), or just the webhook
// URL on one line. Error messages name the file and the line number, never
// the line's content.
func loadCredentials(file string, getenv func(string) string) (*credentials, error) {
	vals := map[string]string{}
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			return nil, fmt.Errorf("--credentials: %w", err)
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		n := 0
		for sc.Scan() {
			n++
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			k, v, ok := strings.Cut(line, "=")
			if !ok || strings.Contains(k, "/") {
				if strings.HasPrefix(line, "http://") || strings.HasPrefix(line, "https://") {
					vals[envWebhookURL] = line
					continue
				}
				return nil, fmt.Errorf("%s:%d: want KEY=VALUE or a webhook URL", file, n)
			}
			k = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(k), "export "))
			switch k {
			case envWebhookURL, envPortalURL, envAccessToken:
				vals[k] = strings.Trim(strings.TrimSpace(v), `"'`)
			default:
				// The text before "=" may be a secret (a bare token ends
				// in "=" padding): quote it only when it is clearly a
				// misspelt variable name.
				if strings.HasPrefix(k, "BITRIX24_") {
					return nil, fmt.Errorf("%s:%d: unknown key %q (want %s, %s or %s)", file, n, k, envWebhookURL, envPortalURL, envAccessToken)
				}
				return nil, fmt.Errorf("%s:%d: want KEY=VALUE with a key of %s, %s or %s, or a webhook URL", file, n, envWebhookURL, envPortalURL, envAccessToken)
			}
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("--credentials: %s: %w", file, err)
		}
	} else {
		for _, k := range []string{envWebhookURL, envPortalURL, envAccessToken} {
			vals[k] = strings.TrimSpace(getenv(k))
		}
	}
	c := &credentials{webhookURL: vals[envWebhookURL], portalURL: vals[envPortalURL], accessToken: vals[envAccessToken]}
	switch {
	case c.webhookURL != "":
		return c, nil
	case c.portalURL != "" && c.accessToken != "":
		return c, nil
	case c.portalURL != "" || c.accessToken != "":
		return nil, fmt.Errorf("OAuth credentials need both %s and %s", envPortalURL, envAccessToken)
	}
	return nil, errNoCredentials
}
