package sonet_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/b24kit/sonet"
	"github.com/b24kit/sonet/sonettest"
)

func ExampleNewWebhookClient() {
	// The URL exactly as the portal shows it under Developer resources.
	c, err := sonet.NewWebhookClient("https://portal.example/rest/1/abc123def456/")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c) // credentials never print

	_, err = sonet.NewWebhookClient("http://portal.example/rest/1/abc123def456/")
	fmt.Println(err)
	// Output:
	// sonet.Client{portal: portal.example, auth: webhook}
	// sonet: invalid webhook URL: plain http is allowed only for loopback hosts; use https
}

func ExampleNewOAuthClient() {
	// portalURL may also be the client_endpoint of the token answer.
	c, err := sonet.NewOAuthClient("https://portal.example", "access-token-from-oauth")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c)
	// Output: sonet.Client{portal: portal.example, auth: oauth}
}

func ExampleClient_CreateGroup() {
	// A fake portal stands in for your portal's webhook URL.
	srv := sonettest.NewServer()
	defer srv.Close()
	c, _ := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithTestDefaults())
	start := time.Date(2026, 4, 1, 9, 0, 0, 0, time.FixedZone("CET", 3600))
	id, err := c.CreateGroup(context.Background(), &sonet.GroupCreateRequest{
		Name:              "Website relaunch",
		Project:           sonet.Yes,
		Visible:           sonet.Yes,
		Opened:            sonet.No,
		InitiatePerms:     sonet.RoleModerator,
		ProjectDateStart:  start,
		ProjectDateFinish: start.AddDate(0, 3, 0),
	})
	fmt.Println(id, err)

	// Bad input never reaches the portal.
	_, err = c.CreateGroup(context.Background(), &sonet.GroupCreateRequest{
		Name: "Backwards", Project: sonet.Yes, ProjectDateStart: start, ProjectDateFinish: start.AddDate(0, 0, -1),
	})
	fmt.Println(errors.Is(err, sonet.ErrValidation), err)
	// Output:
	// 1 <nil>
	// true sonet: invalid PROJECT_DATE_FINISH: project ends (2026-03-31T09:00:00+01:00) before it starts (2026-04-01T09:00:00+01:00)
}

func ExampleGroupCreateRequest_Encode() {
	body, err := (&sonet.GroupCreateRequest{
		Name: "New Project", Project: sonet.Yes, Visible: sonet.Yes, Opened: sonet.No,
		InitiatePerms: sonet.RoleMember, SiteIDs: []string{"s1"},
		Image: &sonet.Image{Name: "avatar.gif", Content: []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00")},
	}).Encode()
	fmt.Println(body, err)
	// Output: NAME=New%20Project&VISIBLE=Y&OPENED=N&INITIATE_PERMS=K&PROJECT=Y&IMAGE[0]=avatar.gif&IMAGE[1]=R0lGODlhAQABAAAAAA%3D%3D&SITE_ID[0]=s1 <nil>
}

func ExampleClient_UpdateGroup() {
	// A fake portal with one group stands in for your portal's webhook URL.
	srv := sonettest.NewServer()
	defer srv.Close()
	srv.AddGroup(sonettest.NewGroup("Marketing"))
	c, _ := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithTestDefaults())
	ctx := context.Background()
	// Only what is set is sent: rename, clear the description, hide it.
	_, err := c.UpdateGroup(ctx, &sonet.GroupUpdateRequest{
		GroupID:     1,
		Name:        sonet.String("Marketing EMEA"),
		Description: sonet.String(""),
		Visible:     sonet.No,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	g, _ := c.GetGroup(ctx, 1)
	fmt.Println(g.Name, g.Visible)
	// Output: Marketing EMEA false
}

func ExampleClient_GetGroup() {
	// A fake portal with three groups stands in for your portal's webhook URL.
	srv := sonettest.NewServer()
	defer srv.Close()
	for _, name := range []string{"Marketing", "Product team", "Support"} {
		srv.AddGroup(sonettest.NewGroup(name))
	}
	c, _ := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithTestDefaults())
	g, err := c.GetGroup(context.Background(), 2)
	fmt.Println(g.ID, g.Name, err)

	_, err = c.GetGroup(context.Background(), 404)
	fmt.Println(errors.Is(err, sonet.ErrNotFound))
	// Output:
	// 2 Product team <nil>
	// true
}

func ExampleClient_ListGroups() {
	// A fake portal with three groups stands in for your portal's webhook URL.
	srv := sonettest.NewServer()
	defer srv.Close()
	for _, name := range []string{"Marketing", "Product team", "Support"} {
		srv.AddGroup(sonettest.NewGroup(name))
	}
	c, _ := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithTestDefaults())
	page, err := c.ListGroups(context.Background(), &sonet.GroupListOptions{
		Filter: sonet.GroupFilter{sonet.FieldName.Like("t"), sonet.FieldActive.Eq(true)},
		Order:  sonet.Order{sonet.FieldName.Desc()},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, g := range page.Items {
		fmt.Println(g.ID, g.Name)
	}
	fmt.Println("total:", page.Total, "more:", page.HasNext)
	// Output:
	// 3 Support
	// 2 Product team
	// 1 Marketing
	// total: 3 more: false
}

func ExampleGroupListOptions_Encode() {
	body, _ := (&sonet.GroupListOptions{
		Order:  sonet.Order{sonet.FieldName.Asc()},
		Filter: sonet.GroupFilter{sonet.FieldName.Like("Pro"), sonet.FieldID.GTE(10), sonet.FieldID.LTE(20)},
	}).Encode()
	fmt.Println(body)
	// Output: ORDER[NAME]=ASC&FILTER[%25NAME]=Pro&FILTER[%3E%3DID]=10&FILTER[%3C%3DID]=20
}

func ExampleClient_AllGroups() {
	// A fake portal with three groups stands in for your portal's webhook URL.
	srv := sonettest.NewServer()
	defer srv.Close()
	for _, name := range []string{"Marketing", "Product team", "Support"} {
		srv.AddGroup(sonettest.NewGroup(name))
	}
	c, _ := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithTestDefaults())
	for g, err := range c.AllGroups(context.Background(), &sonet.GroupListOptions{Order: sonet.Order{sonet.FieldID.Asc()}}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(g.ID, g.Name)
	}
	// Output:
	// 1 Marketing
	// 2 Product team
	// 3 Support
}

func ExampleClient_DeleteGroup() {
	// A fake portal with three groups stands in for your portal's webhook URL.
	srv := sonettest.NewServer()
	defer srv.Close()
	for _, name := range []string{"Marketing", "Product team", "Support"} {
		srv.AddGroup(sonettest.NewGroup(name))
	}
	c, _ := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithTestDefaults())
	err := c.DeleteGroup(context.Background(), 3)
	fmt.Println(err)
	err = c.DeleteGroup(context.Background(), 3)
	fmt.Println(errors.Is(err, sonet.ErrNotFound))
	// Output:
	// <nil>
	// true
}

func ExampleClient_Call() {
	// A fake portal with three groups stands in for your portal's webhook URL.
	srv := sonettest.NewServer()
	defer srv.Close()
	for _, name := range []string{"Marketing", "Product team", "Support"} {
		srv.AddGroup(sonettest.NewGroup(name))
	}
	c, _ := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithTestDefaults())
	// Any REST method by name, with the same auth, encoding and errors.
	var rows []struct {
		ID   string `json:"ID"`
		NAME string `json:"NAME"`
	}
	resp, err := c.Call(context.Background(), "sonet_group.get", map[string]any{
		"FILTER": map[string]any{"%NAME": "Support"},
	}, &rows, sonet.Idempotent())
	fmt.Println(rows, resp.Total, err)
	// Output: [{3 Support}] 1 <nil>
}

func ExampleAPIError() {
	// A fake portal stands in for your portal's webhook URL.
	srv := sonettest.NewServer()
	defer srv.Close()
	c, _ := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithTestDefaults())
	_, err := c.UpdateGroup(context.Background(), &sonet.GroupUpdateRequest{GroupID: 999, Name: sonet.String("x")})
	var apiErr *sonet.APIError
	if errors.As(err, &apiErr) {
		fmt.Printf("HTTP %d, code %q: %s\n", apiErr.HTTPStatus, apiErr.Code, apiErr.Description)
	}
	fmt.Println(errors.Is(err, sonet.ErrNotFound), errors.Is(err, sonet.ErrGroupNotFound))
	// Any code, named or not, case-insensitively:
	fmt.Println(errors.Is(&sonet.APIError{Code: "QUERY_LIMIT_EXCEEDED"}, sonet.Code("query_limit_exceeded")))
	// Output:
	// HTTP 400, code "": Socialnetwork group not found
	// true true
	// true
}
