package sonet_test

import (
	"context"
	"fmt"

	"github.com/b24kit/sonet"
	"github.com/b24kit/sonet/sonettest"
)

// A parallel scan walks ID ranges at once and still yields the groups in
// ID order; the operating budget paces it (cloud figures by default).
func ExampleScanTuning() {
	srv := sonettest.NewServer()
	defer srv.Close()
	for i := 1; i <= 6000; i++ {
		srv.AddGroup(sonettest.NewGroup(fmt.Sprint("Team ", i)))
	}
	c, _ := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithoutRateLimit())

	opts := &sonet.GroupScanOptions{ScanTuning: sonet.ScanTuning{Parallel: 4, Budget: sonet.CloudOperatingBudget}}
	n, inOrder := 0, true
	for g, err := range c.ScanGroups(context.Background(), opts) {
		if err != nil {
			fmt.Println(err)
			return
		}
		n++
		inOrder = inOrder && g.ID == n
	}
	fmt.Println(n, inOrder)
	// Output: 6000 true
}
