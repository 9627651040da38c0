package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/b24kit/sonet"
	"github.com/b24kit/sonet/sonettest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rewriter alters what passes between the command and sonettest, to make
// the portal behave unlike the SDK's assumptions. sonettest is unchanged.
type rewriter struct {
	// request may change the parsed form of a call to method.
	request func(method string, form url.Values)
	// response may change the answer of a call to method (status and body).
	response func(method string, form url.Values, status int, body []byte) (int, []byte)
	// before, when it returns a status, answers with it without calling
	// the portal.
	before func(method string, form url.Values) int
}

// dropConnection, returned as the status by response, closes the
// connection without an answer.
const dropConnection = -1

// startProxy serves the webhook path in front of srv and returns a webhook
// URL that goes through it.
func startProxy(t *testing.T, srv *sonettest.Server, rw rewriter) string {
	t.Helper()
	target, _ := url.Parse(srv.URL())
	// The command sends some requests at once (reconciling reads, member
	// calls): the callbacks run one at a time, so their captured state
	// needs no lock of its own.
	var mu sync.Mutex
	px := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		method := strings.TrimSuffix(r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:], ".json")
		if rw.request != nil {
			mu.Lock()
			rw.request(method, form)
			mu.Unlock()
			body = []byte(form.Encode())
		}
		if rw.before != nil {
			mu.Lock()
			st := rw.before(method, form)
			mu.Unlock()
			if st != 0 {
				w.WriteHeader(st) // answered without reaching the portal
				w.Write([]byte("<html><body>502 Bad Gateway</body></html>"))
				return
			}
		}
		req, _ := http.NewRequest(r.Method, target.String()+r.URL.Path, bytes.NewReader(body))
		req.Header = r.Header.Clone()
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		status := resp.StatusCode
		if rw.response != nil {
			mu.Lock()
			status, out = rw.response(method, form, status, out)
			mu.Unlock()
		}
		if status == dropConnection {
			panic(http.ErrAbortHandler) // the call ran; its answer is lost
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write(out)
	}))
	t.Cleanup(px.Close)
	return px.URL + "/rest/1/" + secretCode + "/"
}

// runVerifyThrough runs verify against srv behind the rewriter and returns
// the verdict of every check by name.
func runVerifyThrough(t *testing.T, srv *sonettest.Server, opts []sonet.Option, rw rewriter, args ...string) (map[string]string, result) {
	t.Helper()
	hook := startProxy(t, srv, rw)
	var out, errb bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, ClientOptions: opts,
		Getenv: func(k string) string {
			if k == envWebhookURL {
				return hook
			}
			return ""
		}}
	code := Run(context.Background(), append([]string{"verify", "--markdown"}, args...), env)
	r := result{stdout: out.String(), stderr: errb.String(), code: code}
	require.NotContains(t, r.stdout+r.stderr, secretCode)
	verdicts := map[string]string{}
	for _, line := range strings.Split(r.stdout, "\n") {
		cells := strings.Split(line, " | ")
		if len(cells) == 4 && strings.HasPrefix(line, "| ") {
			verdicts[strings.TrimPrefix(cells[0], "| ")] = strings.TrimSuffix(cells[3], " |")
		}
	}
	return verdicts, r
}

// editJSON decodes body, lets fn change it, and encodes it again.
func editJSON(t *testing.T, body []byte, fn func(m map[string]any)) []byte {
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return body
	}
	fn(m)
	out, err := json.Marshal(m)
	require.NoError(t, err)
	return out
}

func allOK(t *testing.T, verdicts map[string]string, except string) {
	t.Helper()
	for name, v := range verdicts {
		if name != except && v == verdictDiffers {
			t.Errorf("check %q: %s, want ok (only %q should differ)", name, v, except)
		}
	}
}

func TestVerifyVerdictsFlipWhenThePortalDiffers(t *testing.T) {
	cases := []struct {
		check string
		rw    func(t *testing.T) rewriter
	}{
		{"time block fields", func(t *testing.T) rewriter {
			return rewriter{response: func(_ string, _ url.Values, st int, b []byte) (int, []byte) {
				return st, editJSON(t, b, func(m map[string]any) {
					if tb, ok := m["time"].(map[string]any); ok {
						delete(tb, "date_start")
					}
				})
			}}
		}},
		{"start=-1 skips the count", func(t *testing.T) rewriter {
			// A portal that counts anyway and announces a next page.
			return rewriter{response: func(method string, f url.Values, st int, b []byte) (int, []byte) {
				if method != "sonet_group.get" || f.Get("start") != "-1" {
					return st, b
				}
				return st, editJSON(t, b, func(m map[string]any) { m["total"], m["next"] = 4, 50 })
			}}
		}},
		{"lower-case order/filter ignored", func(*testing.T) rewriter {
			return rewriter{request: func(_ string, f url.Values) {
				for k, v := range f {
					if up := strings.Replace(strings.Replace(k, "order[", "ORDER[", 1), "filter[", "FILTER[", 1); up != k {
						delete(f, k)
						f[up] = v
					}
				}
			}}
		}},
		{"batch $result into a missing path", func(*testing.T) rewriter {
			// A portal that leaves an unresolved reference as literal text:
			// renaming the section makes sonettest pass it through as is.
			return rewriter{request: func(method string, f url.Values) {
				for k, v := range f {
					if strings.HasPrefix(k, "cmd[") {
						cmd := strings.ReplaceAll(v[0], "$result[", "$literal[")
						f.Set(k, strings.ReplaceAll(cmd, "%24result%5B", "%24literal%5B"))
					}
				}
			}}
		}},
		{">ID cursor with ORDER ID ASC", func(*testing.T) rewriter {
			// The cursor read (start=-1) loses its >ID key.
			return rewriter{request: func(method string, f url.Values) {
				if method == "sonet_group.get" && f.Get("start") == "-1" {
					delete(f, "FILTER[>ID]")
				}
			}}
		}},
		{"QUERY_LIMIT_EXCEEDED status", func(*testing.T) rewriter {
			return rewriter{response: func(_ string, _ url.Values, st int, b []byte) (int, []byte) {
				if st == http.StatusServiceUnavailable && bytes.Contains(b, []byte("QUERY_LIMIT_EXCEEDED")) {
					return http.StatusTooManyRequests, b
				}
				return st, b
			}}
		}},
	}
	// Operators the portal honours flip when a portal drops them; the ones
	// it drops (>< and !><) or misreads (!% as %) flip when a portal honours
	// them. The proxy rewrites the key into what such a portal would do.
	honour := map[string]func(f url.Values){
		"><ID": func(f url.Values) { // between, inclusive
			f.Set("FILTER[>=ID]", f.Get("FILTER[><ID][0]"))
			f.Set("FILTER[<=ID]", f.Get("FILTER[><ID][1]"))
		},
		"!><ID": func(f url.Values) { // outside [a, b], a being the lowest ID
			f.Set("FILTER[>ID]", f.Get("FILTER[!><ID][1]"))
		},
		"!%NAME": func(f url.Values) { // NOT LIKE: at least excludes the exact name
			f.Set("FILTER[!NAME]", f.Get("FILTER[!%NAME]"))
		},
	}
	for _, op := range []string{"ID", "!ID", ">ID", ">=ID", "<ID", "<=ID", "><ID", "!><ID", "%NAME", "!%NAME"} {
		key := "FILTER[" + op + "]"
		cases = append(cases, struct {
			check string
			rw    func(t *testing.T) rewriter
		}{"filter operator " + op, func(*testing.T) rewriter {
			return rewriter{request: func(method string, f url.Values) {
				if method != "sonet_group.get" || f.Get("IS_ADMIN") != "Y" {
					return
				}
				if _, ok := f[key]; !ok {
					if _, ok := f[key+"[0]"]; !ok {
						return
					}
				}
				if h := honour[op]; h != nil {
					h(f)
				}
				for k := range f {
					if k == key || strings.HasPrefix(k, key+"[") {
						delete(f, k)
					}
				}
			}}
		}})
	}
	for _, tc := range cases {
		t.Run(tc.check, func(t *testing.T) {
			srv, opts := newLimitedPortal(t)
			seed(srv, 4)
			verdicts, r := runVerifyThrough(t, srv, opts, rewriter{}, "--limits")
			require.Equal(t, 0, r.code, r.stdout)
			require.Equal(t, verdictOK, verdicts[tc.check], r.stdout)

			srv2, opts2 := newLimitedPortal(t)
			seed(srv2, 4)
			verdicts, r = runVerifyThrough(t, srv2, opts2, tc.rw(t), "--limits")
			assert.Equal(t, exitDiffers, r.code, r.stdout+r.stderr)
			assert.Equal(t, verdictDiffers, verdicts[tc.check], r.stdout)
			if tc.check != "filter operator >ID" && tc.check != "filter operator ID" {
				allOK(t, verdicts, tc.check)
			}
		})
	}
}

// operatingTimes makes every batch command report an operating time: growing
// along the batch (billed) or flat (not billed).
func operatingTimes(t *testing.T, grow bool) rewriter {
	return rewriter{response: func(method string, _ url.Values, st int, b []byte) (int, []byte) {
		if method != "batch" {
			return st, b
		}
		return st, editJSON(t, b, func(m map[string]any) {
			res, _ := m["result"].(map[string]any)
			times, _ := res["result_time"].(map[string]any)
			for key, v := range times {
				tb, _ := v.(map[string]any)
				if tb == nil {
					continue
				}
				op := 1.0
				if grow {
					op += float64(key[len(key)-1]-'0') / 10
				}
				tb["operating"], tb["operating_reset_at"] = op, 1796049803
			}
		})
	}}
}

func TestVerifyOperatingInBatchFlips(t *testing.T) {
	srv, opts := newLimitedPortal(t)
	seed(srv, 3)
	verdicts, r := runVerifyThrough(t, srv, opts, operatingTimes(t, true))
	require.Equal(t, 0, r.code, r.stdout)
	assert.Equal(t, verdictOK, verdicts["operating billed inside batch"], r.stdout)
	assert.Contains(t, r.stdout, "| operating billed inside batch | grows with each command | 1.000s → 1.100s → 1.200s | ok |")

	verdicts, r = runVerifyThrough(t, srv, opts, operatingTimes(t, false))
	assert.Equal(t, exitDiffers, r.code)
	assert.Equal(t, verdictDiffers, verdicts["operating billed inside batch"], r.stdout)
}

func TestVerifyWriteFlipsWhenDeleteIsNotHonoured(t *testing.T) {
	srv, opts := newLimitedPortal(t)
	seed(srv, 3)
	verdicts, r := runVerifyThrough(t, srv, opts, rewriter{}, "--write")
	require.Equal(t, 0, r.code, r.stdout)
	for _, c := range []string{"write: create", "write: read back", "write: clear description", "write: delete"} {
		assert.Equal(t, verdictOK, verdicts[c], c)
	}
	assert.Len(t, srv.Groups(), 3, "the temporary group is gone")

	swallow := rewriter{response: func(method string, _ url.Values, st int, b []byte) (int, []byte) {
		if method == "sonet_group.delete" {
			// Answer success without deleting: the proxy ran the delete, so undo
			// is impossible; instead this proxy never forwards deletes (below).
			return http.StatusOK, []byte(`{"result":true}`)
		}
		return st, b
	}, request: func(method string, f url.Values) {
		if method == "sonet_group.delete" {
			f.Set("GROUP_ID", "0") // the portal refuses it; the answer above says true
		}
	}}
	verdicts, r = runVerifyThrough(t, srv, opts, swallow, "--write")
	assert.Equal(t, exitDiffers, r.code)
	assert.Equal(t, verdictDiffers, verdicts["write: delete"], r.stdout)
	assert.Equal(t, verdictOK, verdicts["write: create"])
	assert.Len(t, srv.Groups(), 4, "the delete never reached the portal")
}

// The portal refuses a method outside the webhook's scopes; sonettest has no
// scopes, so the proxy answers for it: 403 as the docs say (ok), 401 (DIFFERS).
func TestVerifyScopeProbeFlips(t *testing.T) {
	refuse := func(status int) rewriter {
		return rewriter{response: func(method string, _ url.Values, st int, b []byte) (int, []byte) {
			if method == "crm.lead.list" {
				return status, []byte(`{"error":"insufficient_scope","error_description":"The request requires higher privileges than provided by the webhook token"}`)
			}
			return st, b
		}}
	}
	srv, opts := newLimitedPortal(t)
	seed(srv, 3)
	_, r := runVerifyThrough(t, srv, opts, refuse(http.StatusForbidden), "--scope-probe", "crm.lead.list")
	require.Equal(t, 0, r.code, r.stdout)
	assert.Contains(t, r.stdout, "| insufficient_scope status | 403 insufficient_scope | 403 insufficient_scope | ok |")

	verdicts, r := runVerifyThrough(t, srv, opts, refuse(http.StatusUnauthorized), "--scope-probe", "crm.lead.list")
	assert.Equal(t, exitDiffers, r.code)
	assert.Equal(t, verdictDiffers, verdicts["insufficient_scope status"], r.stdout)
	allOK(t, verdicts, "insufficient_scope status")
}
