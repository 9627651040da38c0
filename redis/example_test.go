package sonetredis_test

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/b24kit/sonet"
	sonetredis "github.com/b24kit/sonet/redis"
	"github.com/b24kit/sonet/sonettest"
	"github.com/redis/go-redis/v9"
)

// Several processes (here: several clients) pace themselves on one budget
// in Redis: the portal, which allows 2 requests a second with bursts of 50,
// never answers QUERY_LIMIT_EXCEEDED.
func ExampleNewLimiter() {
	srv := sonettest.NewServer(sonettest.WithRateLimit(2, 50))
	defer srv.Close()
	rdb := redis.NewClient(&redis.Options{Addr: os.Getenv("SONET_REDIS_ADDR")}) // e.g. "127.0.0.1:6379"
	defer rdb.Close()

	host := strings.TrimSuffix(strings.TrimPrefix(srv.PortalURL(), "http://"), "/")
	scope := sonetredis.WebhookScope(host, 1) // the webhook's user ID, never its code
	scope.Prefix = "example-limiter"
	defer rdb.Del(context.Background(), "example-limiter:{"+host+"}:bucket")

	for process := range 3 {
		lim, err := sonetredis.NewLimiter(rdb, scope, sonet.StandardPlan)
		if err != nil {
			fmt.Println(err)
			return
		}
		c, _ := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithLimiter(lim))
		for range 17 {
			if _, err := c.ListGroups(context.Background(), nil); err != nil {
				fmt.Println(process, err)
			}
		}
	}
	rejected := 0
	for _, r := range srv.Requests() {
		if r.HTTPStatus == 503 {
			rejected++
		}
	}
	fmt.Println("requests:", len(srv.Requests()), "rejected:", rejected)
	// Output: requests: 51 rejected: 0
}

// Processes of one OAuth application share its token pair in Redis,
// encrypted at rest: when the access token expires, one of them refreshes
// and the others take the rotated pair from the store.
func ExampleNewTokenStore() {
	ctx := context.Background()
	srv := sonettest.NewServer()
	defer srv.Close()
	rdb := redis.NewClient(&redis.Options{Addr: os.Getenv("SONET_REDIS_ADDR")})
	defer rdb.Close()

	host := strings.TrimSuffix(strings.TrimPrefix(srv.PortalURL(), "http://"), "/")
	scope := sonetredis.AppScope(host, srv.ClientID())
	scope.Prefix = "example-tokens"
	sealer, _ := sonetredis.NewAESGCM([]byte("a 32-byte key from your vault!!!")) // keep it out of Redis
	store, err := sonetredis.NewTokenStore(rdb, scope, sonetredis.WithSealer(sealer))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rdb.Del(ctx, "example-tokens:{"+host+"}:app:"+srv.ClientID()+":token")
	// Once, at install time: the first pair.
	_ = store.Save(ctx, sonet.Token{AccessToken: srv.AccessToken(), RefreshToken: srv.RefreshToken(), ClientEndpoint: srv.PortalURL() + "rest/"})

	app, _ := sonet.NewOAuthApp(srv.ClientID(), srv.ClientSecret(), sonet.WithTokenURL(srv.PortalURL()+"oauth/token/"))
	a, _ := sonet.NewOAuthAppClient(ctx, app, store) // process A
	b, _ := sonet.NewOAuthAppClient(ctx, app, store) // process B
	srv.ExpireAccessToken()
	_, errA := a.ListGroups(ctx, nil)
	_, errB := b.ListGroups(ctx, nil)
	fmt.Println(errA, errB, "refreshes:", srv.Refreshes())
	// Output: <nil> <nil> refreshes: 1
}
