package sonetmock

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// Redacted replaces every secret in a recording.
const Redacted = "REDACTED"

// Recording is the content of a recording file: the exchanges in the order
// they happened, every secret already replaced by Redacted.
type Recording struct {
	Exchanges []Exchange `json:"exchanges"`
}

// Exchange is one request and its answer (or the transport error).
type Exchange struct {
	// Key is the REST method ("sonet_group.get") or, for other paths,
	// the path ("/oauth/token/"); Replay answers by key, in order.
	Key      string           `json:"key"`
	Request  RecordedRequest  `json:"request"`
	Response RecordedResponse `json:"response"`
}

// RecordedRequest is a request, scrubbed.
type RecordedRequest struct {
	Method      string `json:"method"`
	Path        string `json:"path"`
	Query       string `json:"query,omitempty"`
	ContentType string `json:"content_type,omitempty"`
	Body        string `json:"body,omitempty"`
}

// RecordedResponse is an answer, scrubbed; Error is set instead when the
// transport failed.
type RecordedResponse struct {
	Status      int    `json:"status,omitempty"`
	ContentType string `json:"content_type,omitempty"`
	Body        string `json:"body,omitempty"`
	Error       string `json:"error,omitempty"`
}

// Recorder is an http.RoundTripper that sends through another transport and
// records every exchange into a file. Secrets are scrubbed before anything
// is kept in memory or written: the webhook code in the path; the values of
// auth, access_token, refresh_token, client_secret, application_token,
// password (and code on the OAuth token endpoint) in the query, a form body
// or JSON, at any depth (auth[access_token] too); request headers (only
// the Content-Type is written, so never an Authorization or Cookie
// header); and then every
// occurrence of any secret seen, plain or percent-encoded, anywhere in the
// exchange (an HTML error page echoing the URL, say). The file is rewritten
// after each exchange, so it is complete whenever the test stops.
type Recorder struct {
	path  string
	base  http.RoundTripper
	extra []string

	mu  sync.Mutex
	rec Recording
}

// NewRecorder returns a Recorder writing to path (its directory is created;
// an existing file is replaced) and sending through base
// (http.DefaultTransport when nil). secrets are further values to scrub
// wherever they appear, for secrets the Recorder cannot recognise by name.
func NewRecorder(path string, base http.RoundTripper, secrets ...string) (*Recorder, error) {
	if base == nil {
		base = http.DefaultTransport
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("sonetmock: recorder: %w", err)
	}
	r := &Recorder{path: path, base: base, extra: secrets}
	if err := r.save(); err != nil {
		return nil, err
	}
	return r, nil
}

// RoundTrip implements http.RoundTripper.
func (r *Recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	reqBody, err := readAndRestore(req)
	if err != nil {
		return nil, err
	}
	resp, rtErr := r.base.RoundTrip(req)
	var respBody []byte
	if rtErr == nil {
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		respBody = b
		resp.Body = io.NopCloser(bytes.NewReader(b))
	}
	ex, err := r.scrubbed(req, reqBody, resp, respBody, rtErr, true)
	if err == nil {
		r.mu.Lock()
		r.rec.Exchanges = append(r.rec.Exchanges, ex)
		err = r.saveLocked()
		r.mu.Unlock()
	}
	if err != nil {
		return nil, err
	}
	return resp, rtErr
}

// Recording returns what was recorded so far (already scrubbed).
func (r *Recorder) Recording() Recording {
	r.mu.Lock()
	defer r.mu.Unlock()
	return Recording{Exchanges: append([]Exchange(nil), r.rec.Exchanges...)}
}

func (r *Recorder) save() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.saveLocked()
}

func (r *Recorder) saveLocked() error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r.rec); err != nil {
		return fmt.Errorf("sonetmock: recorder: %w", err)
	}
	tmp := r.path + ".tmp"
	if err := os.WriteFile(tmp, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("sonetmock: recorder: %w", err)
	}
	if err := os.Rename(tmp, r.path); err != nil {
		return fmt.Errorf("sonetmock: recorder: %w", err)
	}
	return nil
}

// minSecretLen is the shortest value replaced wherever it appears; shorter
// ones are scrubbed only where their key names them.
const minSecretLen = 6

// secretKeys are parameter and JSON key names whose values are secrets.
var secretKeys = map[string]bool{
	"auth": true, "access_token": true, "refresh_token": true, "client_secret": true,
	"application_token": true, "password": true,
}

func isSecretKey(key string, oauthPath bool) bool {
	// PHP bracket keys: auth[access_token] is secret by either part.
	for _, part := range strings.FieldsFunc(strings.ToLower(key), func(r rune) bool { return r == '[' || r == ']' }) {
		if secretKeys[part] || (oauthPath && part == "code") {
			return true
		}
	}
	return false
}

// scrubbed builds the exchange with every secret replaced.
// With everywhere false only the by-name rules apply (Replay compares
// requests that way: a short made-up token in a test must not eat into
// "grant_type=refresh_token").
func (r *Recorder) scrubbed(req *http.Request, reqBody []byte, resp *http.Response, respBody []byte, rtErr error, everywhere bool) (Exchange, error) {
	found := append([]string(nil), r.extra...)
	path := req.URL.Path
	oauth := strings.Contains(path, "/oauth/")
	key := path
	if rest, ok := strings.CutPrefix(path, "/rest/"); ok {
		parts := strings.Split(strings.TrimSuffix(rest, "/"), "/")
		if len(parts) == 3 {
			found = append(found, parts[1])
			parts[1] = Redacted
			path = "/rest/" + strings.Join(parts, "/")
		}
		key = methodOf(rest)
	}
	query, qs := scrubForm(req.URL.RawQuery, oauth)
	found = append(found, qs...)
	ctype := req.Header.Get("Content-Type")
	body, bs := scrubBody(string(reqBody), ctype, oauth)
	found = append(found, bs...)
	ex := Exchange{Key: key, Request: RecordedRequest{Method: req.Method, Path: path, Query: query, ContentType: ctype, Body: body}}
	if rtErr != nil {
		ex.Response.Error = rtErr.Error()
	} else {
		rctype := resp.Header.Get("Content-Type")
		rbody, rs := scrubBody(string(respBody), rctype, oauth)
		found = append(found, rs...)
		ex.Response = RecordedResponse{Status: resp.StatusCode, ContentType: rctype, Body: rbody}
	}
	if !everywhere {
		return ex, nil
	}
	// Every secret seen, wherever else it appears (longest first, so a
	// secret containing another is replaced whole).
	sort.Slice(found, func(i, j int) bool { return len(found[i]) > len(found[j]) })
	rp := func(s string) string {
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
		}
		return s
	}
	ex.Request.Path, ex.Request.Query, ex.Request.Body = rp(ex.Request.Path), rp(ex.Request.Query), rp(ex.Request.Body)
	ex.Response.Body, ex.Response.Error = rp(ex.Response.Body), rp(ex.Response.Error)
	return ex, nil
}

// scrubBody scrubs a form or JSON body by its content type (or its look).
func scrubBody(body, ctype string, oauth bool) (string, []string) {
	t := strings.TrimSpace(body)
	if strings.Contains(ctype, "json") || strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") {
		return scrubJSON(body)
	}
	if strings.Contains(ctype, "x-www-form-urlencoded") {
		return scrubForm(body, oauth)
	}
	return body, nil
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

// scrubJSON replaces the string values of secret keys in JSON text.
func scrubJSON(body string) (string, []string) {
	var found []string
	out := jsonSecret.ReplaceAllStringFunc(body, func(m string) string {
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
