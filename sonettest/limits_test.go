package sonettest

import (
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestAuthErrors(t *testing.T) {
	s, clk := newTestServer(t, WithAccessToken("tok1"), WithTokenLifetime(time.Minute))
	st, body := do(t, "GET", s.URL()+"/rest/1/wrong/sonet_group.get", "", "")
	expectErr(t, st, body, 401, "NO_AUTH_FOUND", "Wrong authorization data")
	st, body = do(t, "GET", s.URL()+"/rest/2/"+DefaultWebhookCode+"/sonet_group.get", "", "")
	expectErr(t, st, body, 401, "NO_AUTH_FOUND", "Wrong authorization data")
	st, body = do(t, "GET", s.PortalURL()+"rest/sonet_group.get?auth=nope", "", "")
	expectErr(t, st, body, 401, "NO_AUTH_FOUND", "Wrong authorization data")
	st, body = do(t, "POST", s.WebhookURL()+"sonet_group.nothing", "", "")
	expectErr(t, st, body, 404, "ERROR_METHOD_NOT_FOUND", "Method not found!")
	// Suffix, trailing slash, auth in the JSON body.
	for _, u := range []string{s.WebhookURL() + "sonet_group.get.json", s.WebhookURL() + "SONET_GROUP.GET/"} {
		if st, body := do(t, "GET", u, "", ""); st != 200 || withoutTime(body) != `{"result":[],"total":0}` {
			t.Errorf("%s: %d %s", u, st, body)
		}
	}
	if st, body := do(t, "POST", s.PortalURL()+"rest/sonet_group.get", "application/json", `{"auth":"tok1"}`); st != 200 || withoutTime(body) != `{"result":[],"total":0}` {
		t.Errorf("oauth json: %d %s", st, body)
	}
	s.ExpireAccessToken()
	st, body = do(t, "GET", s.PortalURL()+"rest/sonet_group.get?auth=tok1", "", "")
	expectErr(t, st, body, 401, "expired_token", "The access token provided has expired")
	// A refreshed token expires with the server clock.
	st, body = do(t, "GET", s.URL()+"/oauth/token/?grant_type=refresh_token&client_id="+DefaultClientID+
		"&client_secret="+DefaultClientSecret+"&refresh_token="+s.RefreshToken(), "", "")
	if st != 200 {
		t.Fatalf("%d %s", st, body)
	}
	clk.add(time.Minute)
	st, body = do(t, "GET", s.PortalURL()+"rest/sonet_group.get?auth="+s.AccessToken(), "", "")
	expectErr(t, st, body, 401, "expired_token", "The access token provided has expired")
	reqs := s.Requests()
	if len(reqs) != 10 || reqs[0].HTTPStatus != 401 || reqs[0].Method != "sonet_group.get" || reqs[8].Method != "oauth/token" {
		t.Errorf("requests: %d %+v", len(reqs), reqs[0])
	}
	s.ResetRequests()
	if len(s.Requests()) != 0 {
		t.Error("ResetRequests")
	}
}

func TestRateLimit(t *testing.T) {
	s, clk := newTestServer(t, WithRateLimit(2, 5))
	statuses := func(n int) string {
		var out []string
		for i := 0; i < n; i++ {
			st, body := callForm(t, s, "sonet_group.get", "")
			if st == 503 {
				expectErr(t, st, body, 503, "QUERY_LIMIT_EXCEEDED", "Too many requests")
			}
			out = append(out, http.StatusText(st)[:2])
		}
		return strings.Join(out, " ")
	}
	if got := statuses(6); got != "OK OK OK OK OK Se" {
		t.Errorf("burst: %s", got)
	}
	clk.add(time.Second)
	if got := statuses(3); got != "OK OK Se" {
		t.Errorf("after 1s: %s", got)
	}
	clk.add(10 * time.Second)
	if got := statuses(6); got != "OK OK OK OK OK Se" {
		t.Errorf("after drain: %s", got)
	}
}

func TestOperatingLimit(t *testing.T) {
	s, clk := newTestServer(t, WithOperatingLimit(30*time.Millisecond), WithCallCost(10*time.Millisecond))
	var times []map[string]any
	for i := 0; i < 3; i++ {
		st, body := callForm(t, s, "sonet_group.get", "")
		if st != 200 {
			t.Fatalf("call %d: %d %s", i, st, body)
		}
		times = append(times, decode(t, body).Time)
		clk.add(30 * time.Second)
	}
	if times[0]["operating"] != 0.01 || times[2]["operating"] != 0.03 || times[2]["operating_reset_at"] != float64(1773925887) {
		t.Errorf("time blocks %v", times)
	}
	st, body := callForm(t, s, "sonet_group.get", "")
	expectErr(t, st, body, 429, "OPERATION_TIME_LIMIT", "Method is blocked due to operation time limit.")
	// Other methods keep working.
	if st, _ := callForm(t, s, "sonet_group.user.groups", ""); st != 200 {
		t.Errorf("other method: %d", st)
	}
	// The first basket leaves the window 10 minutes after its call.
	clk.add(10*time.Minute - 90*time.Second)
	st, body = callForm(t, s, "sonet_group.get", "")
	// Calls 1 and 2 shared the first minute's basket; only call 3 remains.
	if tb := decode(t, body).Time; st != 200 || tb["operating"] != 0.02 || tb["operating_reset_at"] != float64(1773925947) {
		t.Errorf("after reset: %d %s", st, body)
	}
}

func TestFaultKinds(t *testing.T) {
	cases := []struct {
		f          Faults
		status     int
		body       string
		groupsLeft int
	}{
		{Faults{QueryLimit: 1}, 503, `{"error":"QUERY_LIMIT_EXCEEDED","error_description":"Too many requests"}`, 0},
		{Faults{InternalBefore: 1}, 500, `{"error":"INTERNAL_SERVER_ERROR","error_description":"Internal server error"}`, 0},
		{Faults{InternalAfter: 1}, 500, `{"error":"INTERNAL_SERVER_ERROR","error_description":"Internal server error"}`, 1},
		{Faults{HTMLBadGateway: 1}, 502, badGatewayHTML, 0},
		{Faults{Truncated: 1}, 200, `{"result":1,"time":{"start":1773925287,"finish":1773925287.01,"duration":0.009999990463256836,"processing":0,"date_start"`, 1},
	}
	for _, c := range cases {
		s, _ := newTestServer(t, WithFaults(c.f))
		st, body := callJSON(t, s, "sonet_group.create", `{"NAME":"x"}`)
		if st != c.status || body != c.body || len(s.Groups()) != c.groupsLeft {
			t.Errorf("%+v: %d %q groups %d", c.f, st, body, len(s.Groups()))
		}
	}
	// Drop: the call ran, the client sees a closed connection.
	s, _ := newTestServer(t, WithFaults(Faults{Drop: 1}))
	_, err := http.Post(s.WebhookURL()+"sonet_group.create", "application/json", strings.NewReader(`{"NAME":"x"}`))
	if err == nil || len(s.Groups()) != 1 || s.Requests()[0].HTTPStatus != 0 {
		t.Errorf("drop: err %v groups %d", err, len(s.Groups()))
	}
	// Delay holds the answer back.
	s, _ = newTestServer(t, WithFaults(Faults{Delay: 1, DelayFor: 50 * time.Millisecond}))
	start := time.Now()
	if st, _ := callForm(t, s, "sonet_group.get", ""); st != 200 || time.Since(start) < 50*time.Millisecond {
		t.Errorf("delay: %d after %v", st, time.Since(start))
	}
	// Methods limits the faults.
	s, _ = newTestServer(t, WithFaults(Faults{QueryLimit: 1, Methods: []string{"SONET_GROUP.CREATE"}}))
	if st, _ := callForm(t, s, "sonet_group.get", ""); st != 200 {
		t.Errorf("unlisted method faulted: %d", st)
	}
}

func TestFaultsDeterministic(t *testing.T) {
	run := func() string {
		s, _ := newTestServer(t, WithFaults(Faults{Seed: 7, QueryLimit: 0.3, InternalBefore: 0.2}))
		var out []string
		for i := 0; i < 20; i++ {
			st, _ := callForm(t, s, "sonet_group.get", "")
			out = append(out, http.StatusText(st)[:2])
		}
		return strings.Join(out, " ")
	}
	a, b := run(), run()
	if a != b || !strings.Contains(a, "Se") || !strings.Contains(a, "In") || !strings.Contains(a, "OK") {
		t.Errorf("runs differ or lack kinds:\n%s\n%s", a, b)
	}
}

func TestUnknownPath(t *testing.T) {
	s, _ := newTestServer(t)
	if st, body := do(t, "GET", s.URL()+"/other", "", ""); st != 404 || body != "404 page not found\n" {
		t.Errorf("%d %q", st, body)
	}
	if !strings.HasPrefix(s.URL(), "http://127.0.0.1:") || s.WebhookURL() != s.URL()+"/rest/1/"+DefaultWebhookCode+"/" {
		t.Errorf("urls %s %s", s.URL(), s.WebhookURL())
	}
	if _, _, err := net.SplitHostPort(strings.TrimPrefix(s.URL(), "http://")); err != nil {
		t.Error(err)
	}
	var v any
	if json.Unmarshal([]byte(`[]`), &v) != nil {
		t.Fatal()
	}
}

func TestConcurrentClients(t *testing.T) {
	s, _ := newTestServer(t)
	done := make(chan int, 20)
	for i := 0; i < 20; i++ {
		go func() {
			resp, err := http.Post(s.WebhookURL()+"sonet_group.create", "application/json", strings.NewReader(`{"NAME":"c"}`))
			if err != nil {
				done <- 0
				return
			}
			resp.Body.Close()
			done <- resp.StatusCode
		}()
	}
	for i := 0; i < 20; i++ {
		if st := <-done; st != 200 {
			t.Errorf("status %d", st)
		}
	}
	gs := s.Groups()
	if len(gs) != 20 || gs[0].ID != 1 || gs[19].ID != 20 || len(s.Requests()) != 20 {
		t.Errorf("groups %d requests %d", len(gs), len(s.Requests()))
	}
}
