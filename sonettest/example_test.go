package sonettest_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/b24kit/sonet/sonettest"
)

// post sends a JSON body and returns the status and the answer without its
// time block.
func post(url, body string) (int, string) {
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	s := string(b)
	if i := strings.Index(s, `,"time":{`); i >= 0 {
		s = s[:i] + "}"
	}
	return resp.StatusCode, s
}

func ExampleNewServer() {
	srv := sonettest.NewServer()
	defer srv.Close()
	fmt.Println(post(srv.WebhookURL()+"sonet_group.create", `{"NAME":"New Project","PROJECT":"Y"}`))
	g, _ := srv.Group(1)
	fmt.Println(g.Name, g.Project, g.Members)
	// Output:
	// 200 {"result":1}
	// New Project true map[1:A]
}

func ExampleServer_AddGroup() {
	srv := sonettest.NewServer(sonettest.WithClock(func() time.Time {
		return time.Date(2026, 3, 19, 13, 1, 27, 0, time.UTC)
	}))
	defer srv.Close()
	g := sonettest.NewGroup("Seeded")
	g.Keywords = "demo"
	id := srv.AddGroup(g)
	_, body := post(srv.WebhookURL()+"sonet_group.get", fmt.Sprintf(`{"FILTER":{"ID":%d}}`, id))
	fmt.Println(body)
	// Output:
	// {"result":[{"ID":"1","SITE_ID":"s1","NAME":"Seeded","DESCRIPTION":null,"DATE_CREATE":"2026-03-19T15:01:27+02:00","DATE_UPDATE":"2026-03-19T15:01:27+02:00","ACTIVE":"Y","VISIBLE":"Y","OPENED":"N","CLOSED":"N","SUBJECT_ID":"1","OWNER_ID":"1","KEYWORDS":"demo","NUMBER_OF_MEMBERS":"1","DATE_ACTIVITY":"2026-03-19T15:01:27+02:00","SUBJECT_NAME":"Workgroups","PROJECT":"N","IS_EXTRANET":"N"}],"total":1}
}

func ExampleServer_ExpireAccessToken() {
	srv := sonettest.NewServer(sonettest.WithAccessToken("token-1"))
	defer srv.Close()
	srv.ExpireAccessToken()
	fmt.Println(post(srv.PortalURL()+"rest/sonet_group.get", `{"auth":"token-1"}`))
	// Output:
	// 401 {"error":"expired_token","error_description":"The access token provided has expired"}
}

func ExampleWithRateLimit() {
	srv := sonettest.NewServer(sonettest.WithRateLimit(2, 1))
	defer srv.Close()
	fmt.Println(post(srv.WebhookURL()+"sonet_group.get", `{}`))
	fmt.Println(post(srv.WebhookURL()+"sonet_group.get", `{}`))
	// Output:
	// 200 {"result":[],"total":0}
	// 503 {"error":"QUERY_LIMIT_EXCEEDED","error_description":"Too many requests"}
}

func ExampleWithFaults() {
	srv := sonettest.NewServer(sonettest.WithFaults(sonettest.Faults{InternalAfter: 1}))
	defer srv.Close()
	fmt.Println(post(srv.WebhookURL()+"sonet_group.create", `{"NAME":"x"}`))
	fmt.Println(len(srv.Groups()), "group was created anyway")
	// Output:
	// 500 {"error":"INTERNAL_SERVER_ERROR","error_description":"Internal server error"}
	// 1 group was created anyway
}

func ExampleServer_Requests() {
	srv := sonettest.NewServer()
	defer srv.Close()
	post(srv.WebhookURL()+"sonet_group.get", `{"FILTER":{"%NAME":"Pro"}}`)
	r := srv.Requests()[0]
	fmt.Println(r.Method, r.HTTPStatus, r.Params)
	// Output:
	// sonet_group.get 200 map[FILTER:map[%NAME:Pro]]
}
