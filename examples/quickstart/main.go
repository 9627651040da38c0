// Command quickstart shows the sonet SDK end to end: create a project,
// update it, list groups with a filter and an order, walk all of them with
// the iterator, and handle a typed error.
//
// With BITRIX24_WEBHOOK_URL set (https://portal.example/rest/1/code/) it talks
// to that portal and creates a real project there. Without it, it starts the
// built-in fake portal (sonettest) in-process and runs the same program.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/b24kit/sonet"
	"github.com/b24kit/sonet/sonettest"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	webhook := os.Getenv("BITRIX24_WEBHOOK_URL")
	var opts []sonet.Option
	if webhook == "" {
		srv := sonettest.NewServer()
		defer srv.Close()
		for _, name := range []string{"Marketing", "Product team", "Support"} {
			srv.AddGroup(sonettest.NewGroup(name))
		}
		webhook = srv.WebhookURL()
		// The fake portal has no rate limit to respect.
		opts = append(opts, sonet.WithoutRateLimit())
		fmt.Println("BITRIX24_WEBHOOK_URL is not set: using the built-in fake portal (sonettest)")
	}
	if err := run(ctx, webhook, opts); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, webhook string, opts []sonet.Option) error {
	client, err := sonet.NewWebhookClient(webhook, opts...)
	if err != nil {
		return err
	}

	// 1. Create a project. Bad input is refused before anything is sent.
	start := time.Now().Truncate(time.Second)
	id, err := client.CreateGroup(ctx, &sonet.GroupCreateRequest{
		Name:              "Quickstart project " + start.Format("150405"),
		Description:       "Made by the sonet quickstart",
		Project:           sonet.Yes,
		Visible:           sonet.Yes,
		Opened:            sonet.No,
		InitiatePerms:     sonet.RoleMember,
		ProjectDateStart:  start,
		ProjectDateFinish: start.Add(14 * 24 * time.Hour),
	})
	if err != nil {
		return fmt.Errorf("create: %w", err)
	}
	fmt.Printf("created project %d\n", id)

	// 2. Update it: only the fields set are sent; "" clears a field.
	if _, err := client.UpdateGroup(ctx, &sonet.GroupUpdateRequest{
		GroupID:     id,
		Name:        sonet.String("Quickstart project (renamed)"),
		Description: sonet.String(""),
	}); err != nil {
		return fmt.Errorf("update: %w", err)
	}
	g, err := client.GetGroup(ctx, id)
	if err != nil {
		return fmt.Errorf("get: %w", err)
	}
	fmt.Printf("renamed to %q (project=%v, owner=%d)\n", g.Name, g.Project, g.OwnerID)

	// 3. One page, with a filter and an order.
	page, err := client.ListGroups(ctx, &sonet.GroupListOptions{
		Filter: sonet.GroupFilter{sonet.FieldName.Like("project")},
		Order:  sonet.Order{sonet.FieldName.Asc(), sonet.FieldID.Desc()},
	})
	if err != nil {
		return fmt.Errorf("list: %w", err)
	}
	fmt.Printf("groups matching %q: %d of %d\n", "project", len(page.Items), page.Total)
	for _, g := range page.Items {
		fmt.Printf("  %5d  %s\n", g.ID, g.Name)
	}

	// 4. Every group, page after page, with the iterator.
	n := 0
	for g, err := range client.AllGroups(ctx, &sonet.GroupListOptions{Order: sonet.Order{sonet.FieldID.Asc()}}) {
		if err != nil {
			return fmt.Errorf("walk: %w", err)
		}
		n++
		_ = g
	}
	fmt.Printf("walked %d groups\n", n)

	// 5. A typed error: the portal answers HTTP 400 with an empty code and an
	// English text; errors.Is spares the string compare.
	_, err = client.UpdateGroup(ctx, &sonet.GroupUpdateRequest{GroupID: 999999999, Name: sonet.String("nobody")})
	var apiErr *sonet.APIError
	switch {
	case errors.Is(err, sonet.ErrNotFound), errors.Is(err, sonet.ErrWrongGroupID):
		errors.As(err, &apiErr)
		// sonet_group methods report their own failures with an empty error
		// code and an English text; errors.Is matches that text for you.
		code := string(apiErr.Code)
		if code == "" {
			code = "(empty: a sonet_group failure, matched by its text)"
		}
		fmt.Printf("typed error: HTTP %d, code %s, description %q\n", apiErr.HTTPStatus, code, apiErr.Description)
	case err != nil:
		return fmt.Errorf("update of a missing group: %w", err)
	default:
		return errors.New("update of a missing group succeeded")
	}

	// Clean up what the quickstart made.
	if err := client.DeleteGroup(ctx, id); err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	fmt.Printf("deleted project %d\n", id)
	return nil
}
