package sonet_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/b24kit/sonet"
	"github.com/b24kit/sonet/sonettest"
	"github.com/jarcoal/httpmock"
)

// The test preset against the fake portal: no pacing, no waiting between
// retries, so a failing read returns at once.
func ExampleWithTestDefaults() {
	srv := sonettest.NewServer() // in a test: sonettest.Start(t), closed by t.Cleanup
	defer srv.Close()
	srv.AddGroup(sonettest.NewProject("Launch"))
	// The second read gets the portal's 502 page three times in a row.
	srv.Override("sonet_group.get", func(n int, _ sonettest.Request) *sonettest.Answer {
		if n >= 2 {
			a := sonettest.BadGatewayAnswer()
			return &a
		}
		return nil
	})
	c, _ := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithTestDefaults())

	g, err := c.GetGroup(context.Background(), 1)
	fmt.Println(g.Name, err)
	_, err = c.GetGroup(context.Background(), 1)
	fmt.Println(errors.Is(err, sonet.ErrBadResponse), len(srv.Requests()), "requests")
	// Output:
	// Launch <nil>
	// true 4 requests
}

// A private httpmock transport: nothing global is changed, so tests using
// it may run in parallel.
func ExampleWithTransport() {
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, "https://portal.example/rest/1/code/sonet_group.delete",
		httpmock.NewStringResponder(400, `{"error":"","error_description":"Socialnetwork group not found"}`))
	c, _ := sonet.NewWebhookClient("https://portal.example/rest/1/code/", sonet.WithTransport(mt), sonet.WithTestDefaults())

	err := c.DeleteGroup(context.Background(), 404)
	fmt.Println(errors.Is(err, sonet.ErrNotFound), mt.GetTotalCallCount())
	// Output: true 1
}

// httpmock.ActivateNonDefault may run after the client was built: the
// client reads the http.Client's Transport at every request.
func ExampleWithHTTPClient() {
	hc := &http.Client{}
	c, _ := sonet.NewWebhookClient("https://portal.example/rest/1/code/", sonet.WithHTTPClient(hc), sonet.WithTestDefaults())

	httpmock.ActivateNonDefault(hc)
	defer httpmock.DeactivateAndReset()
	httpmock.RegisterResponder(http.MethodPost, "https://portal.example/rest/1/code/sonet_group.get",
		httpmock.NewStringResponder(200, `{"result":[{"ID":"7","NAME":"Mocked"}],"total":1}`))

	g, err := c.GetGroup(context.Background(), 7)
	fmt.Println(g.Name, err)
	// Output: Mocked <nil>
}
