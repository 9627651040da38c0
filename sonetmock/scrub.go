package sonetmock

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
)

// minSecretLen is the shortest value replaced wherever it appears; shorter
// ones are scrubbed only where their name or place marks them (a form
// pair, a JSON key, the webhook path), because replacing "abc" everywhere
// would corrupt the recording. Real webhook codes and tokens are far
// longer.
const minSecretLen = 6

// secretKeys are parameter and JSON key names whose values are secrets.
var secretKeys = map[string]bool{
	"auth": true, "access_token": true, "refresh_token": true, "client_secret": true,
	"application_token": true, "password": true,
}

// phpName is a parameter name as PHP stores it: leading spaces dropped,
// dots and spaces turned into underscores (so "access.token" and
// "access token" reach the portal as access_token).
var phpName = strings.NewReplacer(".", "_", " ", "_")

func isSecretKey(key string, oauthPath bool) bool {
	k := phpName.Replace(strings.ToLower(strings.TrimLeft(key, " ")))
	// PHP bracket keys: auth[access_token] is secret by either part.
	for _, part := range strings.FieldsFunc(k, func(r rune) bool { return r == '[' || r == ']' }) {
		if secretKeys[part] || (oauthPath && part == "code") {
			return true
		}
	}
	return false
}

// scrubPath replaces the webhook code of .../rest/USER_ID/CODE/... and
// returns the path, the exchange key (the REST method, or the scrubbed path
// when there is none) and the code.
func scrubPath(path string) (scrubbed, key, code string) {
	i := strings.Index(path, "/rest/")
	if i < 0 {
		return path, path, ""
	}
	rest := path[i+len("/rest/"):]
	slash := strings.HasSuffix(rest, "/")
	parts := strings.Split(strings.TrimSuffix(rest, "/"), "/")
	method := parts
	if len(parts) >= 2 && parts[1] != "" && digits(parts[0]) {
		code = parts[1]
		parts[1] = Redacted
		method = parts[2:]
		path = path[:i] + "/rest/" + strings.Join(parts, "/")
		if slash {
			path += "/"
		}
	}
	if len(method) == 1 && method[0] != "" {
		return path, methodOf(method[0]), code
	}
	return path, path, code
}

func digits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// headerSecrets returns the credentials in request and answer headers:
// Authorization credentials (without the scheme), cookie values. No
// header but Content-Type is recorded; these are collected so that an
// answer echoing them is scrubbed too.
func headerSecrets(hs ...http.Header) []string {
	var out []string
	for _, h := range hs {
		for _, name := range []string{"Authorization", "Proxy-Authorization"} {
			for _, v := range h.Values(name) {
				if _, cred, ok := strings.Cut(strings.TrimSpace(v), " "); ok {
					out = append(out, strings.TrimSpace(cred)) // keep "Bearer"
				} else {
					out = append(out, v)
				}
			}
		}
		for _, v := range h.Values("Cookie") {
			for _, c := range strings.Split(v, ";") {
				if _, val, ok := strings.Cut(c, "="); ok {
					out = append(out, strings.TrimSpace(val))
				}
			}
		}
		for _, v := range h.Values("Set-Cookie") {
			first, _, _ := strings.Cut(v, ";") // the rest are attributes
			if _, val, ok := strings.Cut(first, "="); ok {
				out = append(out, strings.TrimSpace(val))
			}
		}
	}
	return out
}

// replacer replaces every secret in found (longest first, so a secret
// containing another is replaced whole): plain, query-escaped (space as
// "+"), path-escaped, or escaped as the SDK and PHP's rawurlencode do
// (everything but A-Z a-z 0-9 - _ . ~, space as %20).
func replacer(found []string) func(string) string {
	found = append([]string(nil), found...)
	sort.Slice(found, func(i, j int) bool { return len(found[i]) > len(found[j]) })
	return func(s string) string {
		for _, f := range found {
			if len(f) < minSecretLen {
				continue
			}
			s = strings.ReplaceAll(s, f, Redacted)
			if e := url.QueryEscape(f); e != f {
				s = strings.ReplaceAll(s, e, Redacted)
			}
			if e := url.PathEscape(f); e != f {
				s = strings.ReplaceAll(s, e, Redacted)
			}
			if e := strings.ReplaceAll(url.QueryEscape(f), "+", "%20"); e != f {
				s = strings.ReplaceAll(s, e, Redacted)
			}
		}
		return s
	}
}

// scrubBody scrubs JSON (by its content type or its look, a byte-order
// mark allowed) by key, and any other body as a urlencoded form, a
// multipart form and text that may hold JSON (an HTML page with a
// script): a form sent without its content type still carries auth=...,
// and in other text only a pair, part or JSON member named like a secret
// changes.
func scrubBody(body, ctype string, oauth bool) (string, []string) {
	t := strings.TrimSpace(strings.TrimPrefix(body, "\ufeff"))
	if strings.Contains(ctype, "json") || strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") {
		return scrubJSON(body)
	}
	out, found := scrubForm(body, oauth)
	out, more := scrubJSONMembers(out)
	found = append(found, more...)
	out, more = scrubMultipart(out, oauth)
	return out, append(found, more...)
}

// multipartField matches a multipart part's name and the first line of
// its value (tokens are one line).
var multipartField = regexp.MustCompile(`(name="([^"]*)"[^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n)([^\r\n]*)`)

// scrubMultipart replaces the values of multipart parts named like a
// secret, keeping every other byte.
func scrubMultipart(body string, oauth bool) (string, []string) {
	if !strings.Contains(body, "name=\"") {
		return body, nil
	}
	var found []string
	out := multipartField.ReplaceAllStringFunc(body, func(m string) string {
		sub := multipartField.FindStringSubmatch(m)
		if !isSecretKey(sub[2], oauth) {
			return m
		}
		found = append(found, sub[3])
		return sub[1] + Redacted
	})
	return out, found
}

// scrubForm replaces secret values in a query or form body, keeping every
// other byte (order and escaping) as it was.
func scrubForm(form string, oauth bool) (string, []string) {
	if form == "" {
		return "", nil
	}
	var found []string
	pairs := strings.Split(form, "&")
	for i, p := range pairs {
		k, v, ok := strings.Cut(p, "=")
		dk, err := url.QueryUnescape(k)
		if err != nil {
			dk = k
		}
		if ok && isSecretKey(dk, oauth) {
			if dv, err := url.QueryUnescape(v); err == nil {
				found = append(found, dv)
			}
			found = append(found, v)
			pairs[i] = k + "=" + Redacted
		}
	}
	return strings.Join(pairs, "&"), found
}

// jsonSecret matches "key": "value" for the secret keys, at any depth.
var jsonSecret = regexp.MustCompile(`(?i)"(auth|access_token|refresh_token|client_secret|application_token|password)"(\s*:\s*)"((?:[^"\\]|\\.)*)"`)

// scrubJSONMembers replaces the string values of "secret": "value"
// members wherever they appear in text.
func scrubJSONMembers(text string) (string, []string) {
	var found []string
	out := jsonSecret.ReplaceAllStringFunc(text, func(m string) string {
		sub := jsonSecret.FindStringSubmatch(m)
		var v string
		if json.Unmarshal([]byte(`"`+sub[3]+`"`), &v) == nil {
			found = append(found, v)
		}
		found = append(found, sub[3])
		return `"` + sub[1] + `"` + sub[2] + `"` + Redacted + `"`
	})
	return out, found
}

// scrubJSON replaces the string values of secret keys in JSON text,
// keeping every other byte. When the text still holds a secret the pattern
// cannot see (a key written with escapes, a number), it is decoded,
// scrubbed and written again, in sorted key order.
func scrubJSON(body string) (string, []string) {
	out, found := scrubJSONMembers(body)
	dec := json.NewDecoder(strings.NewReader(strings.TrimPrefix(out, "\ufeff")))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return out, found
	}
	n := len(found)
	if found = redactJSON(v, found); len(found) == n {
		return out, found
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if enc.Encode(v) != nil {
		return out, found
	}
	return strings.TrimSuffix(b.String(), "\n"), found
}

// redactJSON replaces, in decoded JSON, the string and number values of secret keys
// that are not Redacted yet, and returns found with them added.
func redactJSON(v any, found []string) []string {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			switch e.(type) {
			case map[string]any, []any:
				found = redactJSON(e, found)
				continue
			}
			if !isSecretKey(k, false) {
				continue
			}
			switch s := e.(type) {
			case string:
				if s == Redacted {
					continue
				}
				found = append(found, s)
			case json.Number:
				found = append(found, s.String())
			default: // null, true, false: nothing to hide
				continue
			}
			x[k] = Redacted
		}
	case []any:
		for _, e := range x {
			found = redactJSON(e, found)
		}
	}
	return found
}
