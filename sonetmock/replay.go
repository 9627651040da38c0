package sonetmock

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"

	"github.com/jarcoal/httpmock"
)

// LoadRecording reads a file written by a Recorder.
func LoadRecording(path string) (Recording, error) {
	var rec Recording
	b, err := os.ReadFile(path)
	if err != nil {
		return rec, fmt.Errorf("sonetmock: %w", err)
	}
	if err := json.Unmarshal(b, &rec); err != nil {
		return rec, fmt.Errorf("sonetmock: %s is not a recording: %w", path, err)
	}
	return rec, nil
}

// Replay registers the recording in path with mt: each REST method (and
// each other path, such as the OAuth token endpoint) answers its recorded
// exchanges in the order they were recorded, on any host, so a client
// with any webhook URL or token replays it. A request must match the
// recorded one once scrubbed the same way (same method, query and body;
// secrets do not count), else the call fails with an error that says
// which request differed; so does a call past the end of the recording.
func Replay(mt *httpmock.MockTransport, path string) error {
	rec, err := LoadRecording(path)
	if err != nil {
		return err
	}
	byKey := map[string][]Exchange{}
	var order []string
	for _, ex := range rec.Exchanges {
		if _, ok := byKey[ex.Key]; !ok {
			order = append(order, ex.Key)
		}
		byKey[ex.Key] = append(byKey[ex.Key], ex)
	}
	for _, key := range order {
		exs := byKey[key]
		var mu sync.Mutex
		n := 0
		// The path ends with the method (plus an optional .json or /), or
		// is the recorded non-REST path; the query may follow.
		pat := `/` + regexp.QuoteMeta(key) + `(\.json)?/?(\?.*)?$`
		if strings.HasPrefix(key, "/") {
			pat = regexp.QuoteMeta(strings.TrimSuffix(key, "/")) + `/?(\?.*)?$`
		}
		responder := func(req *http.Request) (*http.Response, error) {
			got, err := scrubRequest(req)
			if err != nil {
				return nil, err
			}
			// A request that does not match consumes nothing, so a retry
			// gets the same explanation.
			mu.Lock()
			i := n
			if i < len(exs) && sameRequest(got, exs[i].Request) {
				n++
			}
			mu.Unlock()
			if i >= len(exs) {
				return nil, fmt.Errorf("sonetmock: recording %s has no more answers for %s (%d recorded)", path, key, len(exs))
			}
			ex := exs[i]
			if !sameRequest(got, ex.Request) {
				return nil, fmt.Errorf("sonetmock: request %d to %s differs from %s:\n got  %s %s %s\n want %s %s %s",
					i+1, key, path, got.Method, got.Query, got.Body, ex.Request.Method, ex.Request.Query, ex.Request.Body)
			}
			if ex.Response.Error != "" {
				return nil, errors.New(ex.Response.Error)
			}
			return response(req, Answer{Status: ex.Response.Status, ContentType: ex.Response.ContentType, Body: []byte(ex.Response.Body)}), nil
		}
		for _, m := range []string{http.MethodGet, http.MethodPost} {
			mt.RegisterRegexpResponder(m, regexp.MustCompile(pat), responder)
		}
	}
	return nil
}

// scrubRequest scrubs a request the way a Recorder does, for comparison.
func scrubRequest(req *http.Request) (RecordedRequest, error) {
	body, err := readAndRestore(req)
	if err != nil {
		return RecordedRequest{}, err
	}
	var r Recorder
	ex, err := r.scrubbed(req, body, nil, nil, errors.New("not sent"), false)
	return ex.Request, err
}

// readAndRestore reads a request body and puts it back.
func readAndRestore(req *http.Request) ([]byte, error) {
	if req.Body == nil {
		return nil, nil
	}
	b, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("sonetmock: read body: %w", err)
	}
	req.Body = io.NopCloser(bytes.NewReader(b))
	return b, nil
}

// sameRequest compares what Replay checks: HTTP method, query and body
// (not the path: the user ID of a webhook may differ).
func sameRequest(a, b RecordedRequest) bool {
	return a.Method == b.Method && a.Query == b.Query && a.Body == b.Body
}
