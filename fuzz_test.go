package sonet

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/b24kit/sonet/internal/wire"
	"github.com/b24kit/sonet/sonettest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Fuzz targets for the decoders and the encoder. The seed corpora live in
// testdata/fuzz/<FuzzName>/; every fixture under testdata/*/*.json is added
// as a seed too. Run one with, for example:
//
//	go test -run '^$' -fuzz '^FuzzDecodeEnvelope$' -fuzztime 30s .

func identity(s string) string { return s }

// addFixtureSeeds adds every JSON fixture as a seed.
func addFixtureSeeds(f *testing.F, add func([]byte)) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "*", "*.json"))
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil {
			add(b)
		}
	}
}

// lastKey returns the value of the last top-level key of the JSON object
// body that encoding/json would bind to a field tagged name (keys are
// matched without regard to ASCII case), and whether there is one.
func lastKey(body []byte, name string) (json.RawMessage, bool) {
	var pairs []struct {
		k string
		v json.RawMessage
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, false
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, false
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, false
		}
		pairs = append(pairs, struct {
			k string
			v json.RawMessage
		}{tok.(string), v})
	}
	var exact, folded json.RawMessage
	var hasExact, hasFolded bool
	for _, p := range pairs {
		switch {
		case p.k == name:
			exact, hasExact = p.v, true
		case strings.EqualFold(p.k, name):
			folded, hasFolded = p.v, true
		}
	}
	if hasExact && !hasFolded {
		return exact, true
	}
	if hasFolded && !hasExact {
		return folded, true
	}
	return nil, hasExact // both: order decides; callers skip the check
}

func FuzzDecodeEnvelope(f *testing.F) {
	f.Add([]byte(`{"result":true,"time":{"start":1773930920,"finish":1773930920.159131}}`), 200)
	f.Add([]byte(`{"result":[],"total":0,"next":50}`), 200)
	f.Add([]byte(`{"error":"","error_description":"Wrong group ID"}`), 400)
	f.Add([]byte(`{"error":null,"result":1}`), 200)
	f.Add([]byte(`<html>502</html>`), 502)
	addFixtureSeeds(f, func(b []byte) { f.Add(b, 200) })
	f.Fuzz(func(t *testing.T, body []byte, status int) {
		r, err := decodeEnvelope("m", status, "application/json", body, identity)
		if err != nil {
			var ae *APIError
			var re *ResponseError
			if !errors.As(err, &ae) && !errors.As(err, &re) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			if r != nil {
				t.Fatal("a Response beside an error")
			}
			return
		}
		if status < 200 || status > 299 {
			t.Fatalf("status %d accepted as success", status)
		}
		if len(r.Result) == 0 || !json.Valid(r.Result) {
			t.Fatalf("accepted result %q is not JSON", r.Result)
		}
		trimmed := bytes.TrimSpace(body)
		if v, ok := lastKey(trimmed, "error"); ok && v != nil && !bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
			t.Fatalf("answer with error %s accepted as success", v)
		}
		if v, ok := lastKey(trimmed, "total"); ok && v != nil && r.HasTotal {
			if n, err := wire.ParseInt(v); err != nil || n != r.Total {
				t.Fatalf("total %s decoded as %d", v, r.Total)
			}
		}
	})
}

func FuzzGroupDecode(f *testing.F) {
	f.Add([]byte(`{"ID":"77","NAME":"Project","ACTIVE":"Y","DATE_CREATE":"2026-03-19T15:01:27+02:00"}`))
	f.Add([]byte(`{"ID":77,"ACTIVE":true,"DESCRIPTION":null}`))
	f.Add([]byte(`{"ID":"0"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var g Group
		if err := json.Unmarshal(body, &g); err != nil {
			return
		}
		if g.ID <= 0 {
			t.Fatalf("group with ID %d accepted", g.ID)
		}
		if v, ok := lastKey(bytes.TrimSpace(body), "ID"); ok && v != nil {
			if n, err := wire.ParseInt(v); err != nil || n != g.ID {
				t.Fatalf("ID %s decoded as %d", v, g.ID)
			}
		}
		if v, ok := lastKey(bytes.TrimSpace(body), "ACTIVE"); ok && v != nil {
			switch string(bytes.TrimSpace(v)) {
			case `"Y"`:
				if !g.Active {
					t.Fatal(`ACTIVE "Y" decoded as false`)
				}
			case `"N"`:
				if g.Active {
					t.Fatal(`ACTIVE "N" decoded as true`)
				}
			}
		}
	})
}

func FuzzMemberDecode(f *testing.F) {
	f.Add([]byte(`[{"USER_ID":"1","ROLE":"A"},{"USER_ID":"1269","ROLE":"K"}]`))
	f.Add([]byte(`[{"USER_ID":1,"ROLE":null}]`))
	f.Add([]byte(`[{"USER_ID":"-1","ROLE":"E"}]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var ms []Member
		if err := json.Unmarshal(body, &ms); err != nil {
			return
		}
		for _, m := range ms {
			if m.UserID <= 0 {
				t.Fatalf("member with USER_ID %d accepted", m.UserID)
			}
		}
		if ids, err := decodeIDList("m", &Response{HTTPStatus: 200, Result: body}, func(s string) string { return s }); err == nil {
			for _, id := range ids {
				if id <= 0 {
					t.Fatalf("ID %d accepted in a list of user IDs", id)
				}
			}
		}
	})
}

func FuzzBatchDecode(f *testing.F) {
	f.Add([]byte(`{"result":{"result":{"c0":11},"result_error":[],"result_total":[],"result_next":[],"result_time":{"c0":{"start":1}}}}`))
	f.Add([]byte(`{"result":{"result":[],"result_error":{"c0":{"error":"","error_description":"Wrong group ID"}}}}`))
	f.Add([]byte(`{"result":{"result":[true,false],"result_error":{"1":"text"}}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := decodeEnvelope("batch", 200, "application/json", body, identity)
		if err != nil {
			return
		}
		var raw rawBatch
		if err := json.Unmarshal(r.Result, &raw); err != nil {
			return
		}
		for _, sec := range []batchSection{raw.Result, raw.Errors, raw.Total, raw.Next, raw.Time} {
			for k, v := range sec {
				if !json.Valid(v) {
					t.Fatalf("entry %q holds invalid JSON %q", k, v)
				}
			}
		}
		for k, v := range raw.Errors {
			err := commandError("m", v, func(s string) string { return s })
			var ae *APIError
			var re *ResponseError
			if !errors.As(err, &ae) && !errors.As(err, &re) {
				t.Fatalf("command %q: error of type %T", k, err)
			}
		}
		for _, v := range raw.Total {
			_, _, _ = optionalInt(v)
		}
	})
}

func FuzzTokenAnswer(f *testing.F) {
	addFixtureSeeds(f, func(b []byte) { f.Add(b, 200) })
	f.Add([]byte(`{"error":"invalid_grant","error_description":"x"}`), 400)
	f.Add([]byte(`{"access_token":"a","refresh_token":"b","expires_in":"3600","user_id":"1"}`), 200)
	now := time.Unix(1773930920, 0)
	f.Fuzz(func(t *testing.T, body []byte, status int) {
		tok, err := decodeTokenAnswer(status, "application/json", body, identity, now)
		if err != nil {
			var oe *OAuthError
			var re *ResponseError
			if !errors.As(err, &oe) && !errors.As(err, &re) {
				t.Fatalf("error of type %T", err)
			}
			return
		}
		if status < 200 || status > 299 {
			t.Fatalf("status %d accepted", status)
		}
		if checkToken("a", tok.AccessToken) != nil || checkToken("r", tok.RefreshToken) != nil {
			t.Fatal("unusable token accepted")
		}
		if tok.ExpiresIn < 0 || tok.UserID < 0 {
			t.Fatalf("negative figures accepted: %v %d", tok.ExpiresIn, tok.UserID)
		}
	})
}

// fuzzRequest is encoded by wire.Encode as a typed request would be.
type fuzzRequest struct {
	Name   string      `url:"NAME"`
	Sites  []string    `url:"SITE_ID,omitempty"`
	Filter GroupFilter `url:"FILTER,omitempty"`
}

// FuzzEncodeRoundTrip encodes a request with wire.Encode and has the fake
// portal's own PHP-semantics parser (sonettest, reached over HTTP since it
// exports no parse function) read it back: every value the validator lets
// through must arrive exactly as given.
func FuzzEncodeRoundTrip(f *testing.F) {
	srv := sonettest.NewServer()
	f.Cleanup(srv.Close)
	f.Add("%NAME", "Pro", "", "Group 1", "s1")
	f.Add(">=DATE_CREATE", "2026-01-01T00:00:00+03:00", "", "a&b=c", "")
	f.Add("><ID", "1", "10", "100% [x]", "ex")
	f.Add("!OWNER_ID", "+1 %2B", "", "", "")
	f.Fuzz(func(t *testing.T, key, v1, v2, name, site string) {
		vals := []string{v1}
		if v2 != "" {
			vals = append(vals, v2)
		}
		req := fuzzRequest{Name: name, Filter: GroupFilter{WhereUnchecked(key, vals...)}}
		if site != "" {
			req.Sites = []string{site, site + "2"}
		}
		if req.Filter.validate("FILTER") != nil {
			return
		}
		form, err := encodeWire(&req)
		var te *wire.TextError
		if errors.As(err, &te) {
			// NUL or invalid UTF-8: refused, never sent.
			for _, s := range []string{key, v1, v2, name, site} {
				if strings.IndexByte(s, 0) >= 0 || !utf8.ValidString(s) {
					return
				}
			}
			t.Fatalf("refused clean text: %v", err)
		}
		if err != nil {
			t.Fatalf("encode: %v", err)
		}
		srv.ResetRequests()
		resp, err := http.Post(srv.WebhookURL()+"fuzz.echo", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatalf("post: %v", err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		reqs := srv.Requests()
		if len(reqs) != 1 {
			t.Fatalf("%d requests recorded", len(reqs))
		}
		got := reqs[0].Params
		want := map[string]any{"NAME": name}
		var fv any = v1
		if len(vals) == 2 {
			fv = map[string]any{"0": v1, "1": v2}
		}
		want["FILTER"] = map[string]any{key: fv}
		if site != "" {
			want["SITE_ID"] = map[string]any{"0": site, "1": site + "2"}
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("sent %q\nparsed %#v\nwant   %#v", form.Encode(), got, want)
		}
	})
}

func TestDecodeTokenAnswerRefusesIncompleteAnswers(t *testing.T) {
	id := func(s string) string { return s }
	now := time.Unix(1773930920, 0)
	for _, tc := range []struct {
		status int
		body   string
		reason string
	}{
		{200, ``, "not a JSON object"},
		{200, `<html>`, "not a JSON object"},
		{200, `{"access_token":"a1b2c3d4"`, "invalid JSON or a field of the wrong type"},
		{200, `{"access_token":"a1b2c3d4","refresh_token":"r1","expires_in":"soon"}`, "invalid JSON or a field of the wrong type"},
		{200, `{"refresh_token":"r1r1r1r1"}`, "no usable access_token"},
		{200, `{"access_token":"a&b","refresh_token":"r1r1r1r1"}`, "no usable access_token"},
		{200, `{"access_token":"a1b2c3d4"}`, "no usable refresh_token"},
		{200, `{"access_token":"a1b2c3d4","refresh_token":"r1","expires_in":-5}`, "negative expires, expires_in or user_id"},
		{500, `{"access_token":"a1b2c3d4","refresh_token":"r1"}`, "error status without an error code"},
		{400, `{"error":{"x":1}}`, "error code is neither a string nor a number"},
	} {
		_, err := decodeTokenAnswer(tc.status, "application/json", []byte(tc.body), id, now)
		var re *ResponseError
		require.ErrorAs(t, err, &re, tc.body)
		assert.Equal(t, tc.reason, re.Reason, tc.body)
		assert.Equal(t, "oauth/token", re.Method)
	}
	// An error key wins over the status, and a numeric code is read as text.
	_, err := decodeTokenAnswer(200, "application/json", []byte(`{"error":42,"error_description":null}`), id, now)
	assert.Equal(t, &OAuthError{HTTPStatus: 200, Code: "42"}, err)
	// Quoted numbers are accepted, as everywhere in the API.
	tok, err := decodeTokenAnswer(200, "", []byte(`{"access_token":"a1b2c3d4","refresh_token":"r1r1","expires_in":"3600","user_id":"1"}`), id, now)
	require.NoError(t, err)
	assert.Equal(t, Token{AccessToken: "a1b2c3d4", RefreshToken: "r1r1", ExpiresIn: time.Hour, Expires: now.Add(time.Hour), UserID: 1}, *tok)
}
