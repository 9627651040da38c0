package sonettest

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// Late: the client gives up before the call has run; the portal runs it
// all the same, DelayFor after it arrived, and the group appears then.
func TestFaultLateRunsTheCallAfterTheClientLeft(t *testing.T) {
	// The group must still be missing when the client's 50 ms timeout
	// has returned: DelayFor leaves a loaded machine two seconds for
	// that (500 ms was one scheduling stall away from a false failure).
	s, _ := newTestServer(t, WithFaults(Faults{Late: 1, DelayFor: 2 * time.Second}))
	hc := &http.Client{Timeout: 50 * time.Millisecond}
	_, err := hc.Post(s.WebhookURL()+"sonet_group.create", "application/json", strings.NewReader(`{"NAME":"late"}`))
	if err == nil {
		t.Fatal("the client should have timed out")
	}
	if n := len(s.Groups()); n != 0 {
		t.Fatalf("%d groups before the call ran", n)
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(s.Groups()) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if g := s.Groups(); len(g) != 1 || g[0].Name != "late" {
		t.Errorf("after the delay: %+v", g)
	}
}
