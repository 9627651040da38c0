package sonettest_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/b24kit/sonet"
	"github.com/b24kit/sonet/sonettest"
)

func ExampleNewServer() {
	srv := sonettest.NewServer() // in a test: sonettest.Start(t), closed by t.Cleanup
	defer srv.Close()
	c, _ := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithTestDefaults())

	id, err := c.CreateGroup(context.Background(), &sonet.GroupCreateRequest{Name: "New Project", Project: sonet.Yes})
	fmt.Println(id, err)
	g, _ := srv.Group(id)
	fmt.Println(g.Name, g.Project, g.Members)
	// Output:
	// 1 <nil>
	// New Project true map[1:A]
}

// The answer exactly as the portal writes it (the time block cut off).
func ExampleServer_AddGroup() {
	srv := sonettest.NewServer(sonettest.WithClock(func() time.Time {
		return time.Date(2026, 3, 19, 13, 1, 27, 0, time.UTC)
	}))
	defer srv.Close()
	g := sonettest.NewGroup("Seeded")
	g.Keywords = "demo"
	id := srv.AddGroup(g)

	resp, err := http.Post(srv.WebhookURL()+"sonet_group.get", "application/json", strings.NewReader(fmt.Sprintf(`{"FILTER":{"ID":%d}}`, id)))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(string(body[:strings.Index(string(body), `,"time"`)]))
	// Output:
	// {"result":[{"ID":"1","SITE_ID":"s1","NAME":"Seeded","DESCRIPTION":null,"DATE_CREATE":"2026-03-19T15:01:27+02:00","DATE_UPDATE":"2026-03-19T15:01:27+02:00","ACTIVE":"Y","VISIBLE":"Y","OPENED":"N","CLOSED":"N","SUBJECT_ID":"1","OWNER_ID":"1","KEYWORDS":"demo","NUMBER_OF_MEMBERS":"1","DATE_ACTIVITY":"2026-03-19T15:01:27+02:00","SUBJECT_NAME":"Workgroups","PROJECT":"N","IS_EXTRANET":"N"}],"total":1
}

// Members with typed roles; the owner (the admin, user 1) is added by
// AddGroup.
func ExampleGroup_WithMember() {
	srv := sonettest.NewServer()
	defer srv.Close()
	bob, carol := srv.AddUser(sonettest.User{Name: "Bob"}), srv.AddUser(sonettest.User{Name: "Carol"})
	srv.AddGroup(sonettest.NewProject("Launch").
		WithMember(bob, sonettest.RoleModerator).
		WithMember(carol, sonettest.Role(sonet.RoleMember)))
	c, _ := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithTestDefaults())

	members, _ := c.ListGroupMembers(context.Background(), 1)
	fmt.Println(members)
	// Output: [{1 A} {2 E} {3 K}]
}

// Replace the answer of one method's second call; every other call keeps
// the stateful default.
func ExampleServer_Override() {
	srv := sonettest.NewServer()
	defer srv.Close()
	srv.AddGroup(sonettest.NewGroup("Team"))
	srv.Override("sonet_group.update", sonettest.Nth(2, sonettest.SonetErrorAnswer("User has no permissions to update group")))
	c, _ := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithTestDefaults())

	ctx := context.Background()
	for _, name := range []string{"One", "Two", "Three"} {
		_, err := c.UpdateGroup(ctx, &sonet.GroupUpdateRequest{GroupID: 1, Name: sonet.String(name)})
		fmt.Println(name, errors.Is(err, sonet.ErrPermissionDenied))
	}
	g, _ := srv.Group(1)
	fmt.Println(g.Name)
	// Output:
	// One false
	// Two true
	// Three false
	// Three
}

func ExampleServer_ExpireAccessToken() {
	srv := sonettest.NewServer(sonettest.WithAccessToken("token-1"))
	defer srv.Close()
	c, _ := sonet.NewOAuthClient(srv.PortalURL(), "token-1", sonet.WithTestDefaults())

	srv.ExpireAccessToken()
	_, err := c.ListMyGroups(context.Background())
	fmt.Println(errors.Is(err, sonet.ErrExpiredToken))
	// Output: true
}

func ExampleWithRateLimit() {
	srv := sonettest.NewServer(sonettest.WithRateLimit(2, 1))
	defer srv.Close()
	// One attempt, so the portal's refusal is seen rather than retried.
	c, _ := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithTestDefaults(), sonet.WithRetryPolicy(sonet.RetryPolicy{MaxAttempts: 1}))

	_, err := c.ListMyGroups(context.Background())
	fmt.Println(err)
	_, err = c.ListMyGroups(context.Background())
	fmt.Println(errors.Is(err, sonet.ErrQueryLimitExceeded))
	// Output:
	// <nil>
	// true
}

func ExampleWithFaults() {
	srv := sonettest.NewServer(sonettest.WithFaults(sonettest.Faults{InternalAfter: 1}))
	defer srv.Close()
	c, _ := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithTestDefaults())

	_, err := c.CreateGroup(context.Background(), &sonet.GroupCreateRequest{Name: "x"})
	fmt.Println(errors.Is(err, sonet.ErrOutcomeUnknown))
	fmt.Println(len(srv.Groups()), "group was created anyway")
	// Output:
	// true
	// 1 group was created anyway
}

func ExampleServer_Requests() {
	srv := sonettest.NewServer()
	defer srv.Close()
	c, _ := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithTestDefaults())

	c.ListGroups(context.Background(), &sonet.GroupListOptions{Filter: sonet.GroupFilter{sonet.FieldName.Like("Pro")}})
	r := srv.Requests()[0]
	fmt.Println(r.Method, r.HTTPStatus, r.Params, r.Body)
	// Output:
	// sonet_group.get 200 map[FILTER:map[%NAME:Pro]] FILTER[%25NAME]=Pro
}
