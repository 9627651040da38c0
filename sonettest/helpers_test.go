package sonettest

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// clock is a settable server clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 19, 13, 1, 27, 0, time.UTC)} }

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newTestServer(t *testing.T, opts ...Option) (*Server, *clock) {
	t.Helper()
	clk := newClock()
	s := NewServer(append([]Option{WithClock(clk.now)}, opts...)...)
	t.Cleanup(s.Close)
	return s, clk
}

// do sends a raw request and returns the status and body.
func do(t *testing.T, method, url, ctype, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// callJSON posts a JSON body to the admin webhook.
func callJSON(t *testing.T, s *Server, method, body string) (int, string) {
	t.Helper()
	return do(t, "POST", s.WebhookURL()+method, "application/json", body)
}

// callForm posts a form body to the admin webhook.
func callForm(t *testing.T, s *Server, method, body string) (int, string) {
	t.Helper()
	return do(t, "POST", s.WebhookURL()+method, "application/x-www-form-urlencoded", body)
}

// envelope decodes an answer.
type envelope struct {
	Result      json.RawMessage `json:"result"`
	Total       *int            `json:"total"`
	Next        *int            `json:"next"`
	Time        map[string]any  `json:"time"`
	Error       *string         `json:"error"`
	Description string          `json:"error_description"`
}

func decode(t *testing.T, body string) envelope {
	t.Helper()
	var e envelope
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("decode %q: %v", body, err)
	}
	return e
}

// withoutTime cuts the time block off an answer so the rest compares exactly.
func withoutTime(body string) string {
	if i := strings.Index(body, `,"time":{`); i >= 0 {
		return body[:i] + "}"
	}
	return body
}

// expectErr asserts an exact error answer.
func expectErr(t *testing.T, status int, body string, wantStatus int, code, desc string) {
	t.Helper()
	want := `{"error":"` + code + `","error_description":"` + desc + `"}`
	if status != wantStatus || body != want {
		t.Errorf("got %d %s, want %d %s", status, body, wantStatus, want)
	}
}

// ids extracts the ID column of a sonet_group.get answer.
func ids(t *testing.T, body string) string {
	t.Helper()
	var rows []struct{ ID string }
	if err := json.Unmarshal(decode(t, body).Result, &rows); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		out = append(out, r.ID)
	}
	return strings.Join(out, ",")
}
