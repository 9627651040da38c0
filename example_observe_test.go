package sonet_test

import (
	"context"
	"fmt"

	"github.com/b24kit/sonet"
	"github.com/b24kit/sonet/sonettest"
)

// Watch the calls of a client: here a create and a failing delete, against
// the fake portal. ObserverFuncs takes the events you need as functions; the
// OpenTelemetry adapter (github.com/b24kit/sonet/otel) is an Observer too.
func ExampleWithObserver() {
	srv := sonettest.NewServer()
	defer srv.Close()
	watch := sonet.ObserverFuncs{
		OnAttempt: func(_ context.Context, a sonet.AttemptEvent) {
			fmt.Printf("attempt %d of %s: HTTP %d\n", a.Attempt, a.Method, a.HTTPStatus)
		},
		OnEndCall: func(_ context.Context, e sonet.CallEnd) {
			fmt.Printf("%s done after %d attempt(s), error: %v\n", e.Method, e.Attempts, e.Err)
		},
	}
	c, _ := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithoutRateLimit(), sonet.WithObserver(watch))

	ctx := context.Background()
	_, _ = c.CreateGroup(ctx, &sonet.GroupCreateRequest{Name: "Observed"})
	_ = c.DeleteGroup(ctx, 404)
	// Output:
	// attempt 1 of sonet_group.create: HTTP 200
	// sonet_group.create done after 1 attempt(s), error: <nil>
	// attempt 1 of sonet_group.delete: HTTP 400
	// sonet_group.delete done after 1 attempt(s), error: sonet: sonet_group.delete: Socialnetwork group not found (HTTP 400)
}
