package sonetmock

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
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

// RecordedResponse is an answer, scrubbed; Error (and NotSent) are set
// instead when the transport failed.
type RecordedResponse struct {
	Status      int    `json:"status,omitempty"`
	ContentType string `json:"content_type,omitempty"`
	Body        string `json:"body,omitempty"`
	Error       string `json:"error,omitempty"`
	// NotSent says the transport failed before the request left (a DNS
	// or dial error); Replay gives it back as a dial error, so a client
	// retries it as it did when recording.
	NotSent bool `json:"not_sent,omitempty"`
}

// Recorder is an http.RoundTripper that sends through another transport and
// records every exchange into a file. Secrets are scrubbed before anything
// is kept in memory or written:
//   - the webhook code in .../rest/USER_ID/CODE/..., whatever follows it;
//   - the values of auth, access_token, refresh_token, client_secret,
//     application_token, password (and code on the OAuth token endpoint) in
//     the query, in any body read as a form (urlencoded or multipart,
//     whatever its content type) and in JSON (also inside other text), at
//     any depth (auth[access_token] too, and the names PHP reads
//     as these: access.token, "access token");
//   - headers: only the Content-Type is written, so never an Authorization,
//     Cookie or Set-Cookie header;
//   - then every occurrence of any secret seen (those above, header
//     credentials and cookie values, and the secrets given to NewRecorder),
//     plain or percent-encoded, anywhere in the exchange: an HTML error
//     page echoing the URL or the headers, say. Values shorter than 6
//     characters are replaced only where their name or place marks them:
//     replacing "abc" everywhere would corrupt the recording (real webhook
//     codes and tokens are far longer).
//
// The file is readable by its owner only and is rewritten (through a new
// temporary file) after each exchange, so it is complete whenever the test
// stops.
type Recorder struct {
	path  string
	base  http.RoundTripper
	extra []string

	mu  sync.Mutex
	rec Recording
}

// NewRecorder returns a Recorder writing to path and sending through base
// (http.DefaultTransport when nil). Its directory is created and checked
// now; a file already at path is replaced at the first exchange, so a run
// that records nothing leaves the last recording as it was. secrets are
// further values to scrub wherever they appear, for secrets the Recorder
// cannot recognise by name.
func NewRecorder(path string, base http.RoundTripper, secrets ...string) (*Recorder, error) {
	if base == nil {
		base = http.DefaultTransport
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("sonetmock: recorder: %w", err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("sonetmock: recorder: %w", err)
	}
	f.Close()
	os.Remove(f.Name())
	return &Recorder{path: path, base: base, extra: secrets}, nil
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

func (r *Recorder) saveLocked() error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r.rec); err != nil {
		return fmt.Errorf("sonetmock: recorder: %w", err)
	}
	// A fresh temporary file (readable by its owner only, never one placed
	// at a predictable name) renamed over the recording.
	f, err := os.CreateTemp(filepath.Dir(r.path), "."+filepath.Base(r.path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("sonetmock: recorder: %w", err)
	}
	tmp := f.Name()
	_, err = f.Write(b.Bytes())
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("sonetmock: recorder: %w", err)
	}
	if err := os.Rename(tmp, r.path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("sonetmock: recorder: %w", err)
	}
	return nil
}

// scrubbed builds the exchange with every secret replaced.
// With everywhere false only the by-name rules apply (Replay compares
// requests that way: a short made-up token in a test must not eat into
// "grant_type=refresh_token").
func (r *Recorder) scrubbed(req *http.Request, reqBody []byte, resp *http.Response, respBody []byte, rtErr error, everywhere bool) (Exchange, error) {
	found := append([]string(nil), r.extra...)
	path, key, code := scrubPath(req.URL.Path)
	found = append(found, code)
	found = append(found, headerSecrets(req.Header)...)
	oauth := strings.Contains(path, "/oauth/")
	query, qs := scrubForm(req.URL.RawQuery, oauth)
	found = append(found, qs...)
	ctype := req.Header.Get("Content-Type")
	body, bs := scrubBody(string(reqBody), ctype, oauth)
	found = append(found, bs...)
	ex := Exchange{Key: key, Request: RecordedRequest{Method: req.Method, Path: path, Query: query, ContentType: ctype, Body: body}}
	if rtErr != nil {
		ex.Response.Error = rtErr.Error()
		ex.Response.NotSent = notSent(rtErr)
	} else {
		rctype := resp.Header.Get("Content-Type")
		rbody, rs := scrubBody(string(respBody), rctype, oauth)
		found = append(found, rs...)
		found = append(found, headerSecrets(resp.Header)...)
		ex.Response = RecordedResponse{Status: resp.StatusCode, ContentType: rctype, Body: rbody}
	}
	if !everywhere {
		return ex, nil
	}
	// Every secret seen, wherever else it appears.
	rp := replacer(found)
	ex.Key = rp(ex.Key)
	ex.Request.Path, ex.Request.Query, ex.Request.Body = rp(ex.Request.Path), rp(ex.Request.Query), rp(ex.Request.Body)
	ex.Response.Body, ex.Response.Error = rp(ex.Response.Body), rp(ex.Response.Error)
	return ex, nil
}
