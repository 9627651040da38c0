package sonetmock

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
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
// each other path, such as the OAuth token endpoint) answers with its
// recorded exchanges, on any host, so a client with any webhook URL or
// token replays it. A call gets the first exchange not yet used whose
// request matches it once scrubbed the same way (same HTTP method, query
// and body; a REDACTED value in the recording matches any value there, so
// neither secrets nor the values given to NewRecorder count). Calls of one
// method may therefore come in another order than recorded (from several
// goroutines, say), while identical calls still get their answers in the
// recorded order. A call that matches no unused exchange fails with an
// error that shows it next to the first unused one; so does a call past
// the end of the recording. A recorded transport failure comes back as an
// error with the same text; one that happened before the request left (DNS,
// dial) still reads as a *net.OpError, so a write is retried as it was.
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
		match := make([]func(RecordedRequest) bool, len(exs))
		for i, ex := range exs {
			match[i] = matcher(ex.Request)
		}
		var mu sync.Mutex
		used := make([]bool, len(exs))
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
			i, next := -1, -1
			for j := range exs {
				if used[j] {
					continue
				}
				if next < 0 {
					next = j
				}
				if match[j](got) {
					i, used[j] = j, true
					break
				}
			}
			mu.Unlock()
			if next < 0 {
				return nil, fmt.Errorf("sonetmock: recording %s has no more answers for %s (%d recorded)", path, key, len(exs))
			}
			if i < 0 {
				want := exs[next].Request
				return nil, fmt.Errorf("sonetmock: request to %s differs from every unused one in %s; the next is %d of %d:\n got  %s %s %s\n want %s %s %s",
					key, path, next+1, len(exs), got.Method, got.Query, got.Body, want.Method, want.Query, want.Body)
			}
			ex := exs[i]
			if ex.Response.Error != "" {
				return nil, &replayedError{msg: ex.Response.Error, notSent: ex.Response.NotSent}
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

// matcher returns what Replay checks of a request against the recorded
// one: HTTP method, query and body (not the path: the user ID of a webhook
// may differ). REDACTED in the recorded query or body stands for any value
// (no "&" or quote in it, so it stays inside one form value or JSON
// string).
func matcher(want RecordedRequest) func(RecordedRequest) bool {
	field := func(w string) func(string) bool {
		if !strings.Contains(w, Redacted) {
			return func(g string) bool { return g == w }
		}
		parts := strings.Split(w, Redacted)
		for i, p := range parts {
			parts[i] = regexp.QuoteMeta(p)
		}
		re := regexp.MustCompile(`^` + strings.Join(parts, `[^&"]*`) + `$`)
		return re.MatchString
	}
	query, body := field(want.Query), field(want.Body)
	return func(got RecordedRequest) bool {
		return got.Method == want.Method && query(got.Query) && body(got.Body)
	}
}

// notSent reports a failure before the request left: DNS or dial, the
// failures the SDK retries even for writes.
func notSent(err error) bool {
	var dnsErr *net.DNSError
	var opErr *net.OpError
	return errors.As(err, &dnsErr) || (errors.As(err, &opErr) && opErr.Op == "dial")
}

// replayedError is a recorded transport failure. One recorded as NotSent
// also reads as a *net.OpError with Op "dial" (errors.As), as it did.
type replayedError struct {
	msg     string
	notSent bool
}

func (e *replayedError) Error() string { return e.msg }

func (e *replayedError) As(target any) bool {
	if op, ok := target.(**net.OpError); ok && e.notSent {
		*op = &net.OpError{Op: "dial", Net: "tcp", Err: errors.New(e.msg)}
		return true
	}
	return false
}
