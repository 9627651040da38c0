// Command fakeportal serves a sonettest portal for the smoke run of the
// built sonet binary in CI. It is test tooling, not part of the command:
// it prints the webhook URL on stdout and serves until it gets SIGINT or
// SIGTERM.
//
//	go run ./internal/fakeportal -groups 3 -code SECRET > url &
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/b24kit/sonet/sonettest"
)

func main() {
	groups := flag.Int("groups", 3, "groups to seed, each with users 2 (member) and 3 (moderator)")
	code := flag.String("code", sonettest.DefaultWebhookCode, "the webhook code")
	limits := flag.Bool("limits", false, "turn on the standard plan's rate limit (2/s, burst 50)")
	flag.Parse()
	opts := []sonettest.Option{sonettest.WithWebhookCode(*code)}
	if *limits {
		opts = append(opts, sonettest.WithRateLimit(2, 50))
	}
	srv := sonettest.NewServer(opts...)
	defer srv.Close()
	for u := 2; u <= 5; u++ {
		srv.AddUser(sonettest.User{ID: u, Name: fmt.Sprint("User ", u)})
	}
	for i := 1; i <= *groups; i++ {
		g := sonettest.NewGroup(fmt.Sprint("Group ", i))
		g.Members = map[int]sonettest.Role{1: sonettest.RoleOwner, 2: sonettest.RoleMember, 3: sonettest.RoleModerator}
		srv.AddGroup(g)
	}
	fmt.Println(srv.WebhookURL())
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
}
