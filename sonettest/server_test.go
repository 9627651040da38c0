package sonettest

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// CRestServer finds the method description before it checks credentials.
func TestMethodLookedUpBeforeAuth(t *testing.T) {
	s, _ := newTestServer(t, WithAccessToken("tok1"))
	st, body := do(t, "POST", s.URL()+"/rest/1/wrong/no.such.method", "", "")
	expectErr(t, st, body, 404, "ERROR_METHOD_NOT_FOUND", "Method not found!")
	st, body = do(t, "POST", s.PortalURL()+"rest/no.such.method?auth=bad", "", "")
	expectErr(t, st, body, 404, "ERROR_METHOD_NOT_FOUND", "Method not found!")
	st, body = do(t, "POST", s.URL()+"/rest/1/wrong/sonet_group.get", "", "")
	expectErr(t, st, body, 401, "NO_AUTH_FOUND", "Wrong authorization data")
}

// Every /rest/ request counts against the bucket, refused ones included.
func TestBucketCountsEveryRESTCall(t *testing.T) {
	s, _ := newTestServer(t, WithRateLimit(1, 3))
	for _, path := range []string{"/rest/1/wrong/sonet_group.get", "/rest/1/" + DefaultWebhookCode + "/no.such"} {
		if st, _ := do(t, "POST", s.URL()+path, "", ""); st == 200 || st == 503 {
			t.Fatalf("%s: %d", path, st)
		}
	}
	if st, _ := callForm(t, s, "sonet_group.get", ""); st != 200 {
		t.Fatalf("third call: %d", st)
	}
	st, body := callForm(t, s, "sonet_group.get", "")
	expectErr(t, st, body, 503, "QUERY_LIMIT_EXCEEDED", "Too many requests")
	if st, _ := do(t, "POST", s.URL()+"/oauth/token/", "", ""); st == 503 {
		t.Errorf("the token endpoint is not a /rest/ call")
	}
}

// OAuth\Auth::getAuthKey: a Bearer header, else the first of auth and
// access_token that is present and not an array.
func TestOAuthCredentialForms(t *testing.T) {
	s, _ := newTestServer(t, WithAccessToken("tok1"))
	get := func(query, header string) int {
		req, _ := http.NewRequest("GET", s.PortalURL()+"rest/sonet_group.get"+query, nil)
		if header != "" {
			req.Header.Set("Authorization", header)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, c := range []struct {
		query, header string
		want          int
	}{
		{"", "Bearer tok1", 200},
		{"", "bearer   tok1", 200},
		{"?auth=bad", "Bearer tok1", 200}, // the header wins
		{"?access_token=tok1", "", 200},
		{"?auth[]=x&access_token=tok1", "", 200}, // an array is skipped
		{"?auth=&access_token=tok1", "", 401},    // the first present one counts, even empty
		{"", "Basic tok1", 401},
		{"", "Bearer tok2", 401},
	} {
		if got := get(c.query, c.header); got != c.want {
			t.Errorf("%q %q: %d, want %d", c.query, c.header, got, c.want)
		}
	}
}

// getRequestData ignores a JSON body that does not decode, and any body of
// a request that is not a POST.
func TestBadJSONBodyIgnored(t *testing.T) {
	s, _ := newTestServer(t)
	st, body := do(t, "POST", s.WebhookURL()+"sonet_group.create?NAME=fromQuery", "application/json", `{"NAME":`)
	if st != 200 || !strings.HasPrefix(body, `{"result":1,`) {
		t.Fatalf("create: %d %s", st, body)
	}
	if g, _ := s.Group(1); g.Name != "fromQuery" {
		t.Errorf("name %q", g.Name)
	}
	st, _ = do(t, "GET", s.WebhookURL()+"sonet_group.create", "application/json", `{"NAME":"fromBody"}`)
	if st == 200 || len(s.Groups()) != 1 {
		t.Errorf("a GET body was read: %d, %d groups", st, len(s.Groups()))
	}
}

// time.start and time.processing are whole seconds (CRestServer's int
// properties), finish and duration keep their fractions.
func TestTimeBlockWholeSeconds(t *testing.T) {
	clk := newClock()
	clk.add(995 * time.Millisecond)
	s := NewServer(WithClock(clk.now), WithCallCost(20*time.Millisecond))
	t.Cleanup(s.Close)
	st, body := callForm(t, s, "sonet_group.get", "")
	want := `{"result":[],"total":0,"time":{"start":1773925287,"finish":1773925288.015,"duration":1.0150001049041748,` +
		`"processing":1,"date_start":"2026-03-19T15:01:27+02:00","date_finish":"2026-03-19T15:01:28+02:00",` +
		`"operating_reset_at":1773925887,"operating":0.02}}`
	if st != 200 || body != want {
		t.Errorf("got %d %s\nwant %s", st, body, want)
	}
}

// rest.server picks the format from a last ".json" or ".xml" segment;
// outputXml writes every answer, errors included, as elements.
func TestXMLTransport(t *testing.T) {
	s, _ := newTestServer(t)
	s.AddGroup(NewGroup(`A&B <"x"> 'y'`))
	resp, err := http.Post(s.WebhookURL()+"sonet_group.get.XML", "application/x-www-form-urlencoded", strings.NewReader("FILTER[ID]=1"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	body := string(b)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/xml; charset=utf-8" ||
		!strings.HasPrefix(body, `<response><result><item><ID>1</ID><SITE_ID>s1</SITE_ID><NAME>A&amp;B &lt;&quot;x&quot;&gt; &apos;y&apos;</NAME><DESCRIPTION></DESCRIPTION>`) ||
		!strings.Contains(body, `</item></result><total>1</total><time><start>1773925287</start><finish>1773925287.01</finish><duration>0.0099999904632568</duration><processing>0</processing>`) ||
		!strings.HasSuffix(body, `<operating>0.01</operating></time></response>`) {
		t.Errorf("got %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	st, body := do(t, "POST", s.WebhookURL()+"no.such.xml", "", "")
	if st != 404 || body != `<response><error>ERROR_METHOD_NOT_FOUND</error><error_description>Method not found!</error_description></response>` {
		t.Errorf("error: %d %s", st, body)
	}
	if st, body = callForm(t, s, "sonet_group.get.JSON", "FILTER[ID]=1"); st != 200 || !strings.HasPrefix(body, `{"result":[{"ID":"1",`) {
		t.Errorf("json suffix: %d %s", st, body)
	}
}
