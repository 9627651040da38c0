package archiver

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/b24kit/sonet"
	"github.com/b24kit/sonet/sonettest"
	"github.com/jarcoal/httpmock"
)

// Against the fake portal: seed state, run the code, assert on the state it
// left and on the requests it sent.
func TestArchiveInactiveWithSonettest(t *testing.T) {
	srv := sonettest.Start(t)
	old := time.Date(2025, 1, 10, 12, 0, 0, 0, time.UTC)
	recent := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	add := func(name string, project bool, activity time.Time) int {
		g := sonettest.NewGroup(name)
		g.Project = project
		g.DateActivity = activity
		return srv.AddGroup(g)
	}
	stale := add("Old project", true, old)
	add("Old workgroup", false, old)
	add("Live project", true, recent)

	c, err := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithTestDefaults())
	if err != nil {
		t.Fatal(err)
	}
	got, err := ArchiveInactive(context.Background(), c, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != stale {
		t.Fatalf("archived %v, want [%d]", got, stale)
	}
	for _, g := range srv.Groups() {
		if want := g.ID == stale; g.Closed != want {
			t.Errorf("group %d %q: closed=%v, want %v", g.ID, g.Name, g.Closed, want)
		}
	}
	var updates []string
	for _, r := range srv.Requests() {
		if r.Method == "sonet_group.update" {
			updates = append(updates, r.Body)
		}
	}
	if want := "GROUP_ID=1&CLOSED=Y"; len(updates) != 1 || updates[0] != want {
		t.Errorf("update bodies %q, want [%q]", updates, want)
	}
}

// Against bare httpmock with a fixture file of your own: the transport is
// private to the test. (sonetmock builds such answers from typed values;
// see rename_test.go.)
func TestArchiveInactiveStopsOnPermissionError(t *testing.T) {
	mt := httpmock.NewMockTransport()
	page, err := os.ReadFile("testdata/one_stale_project.json")
	if err != nil {
		t.Fatal(err)
	}
	mt.RegisterResponder("POST", "https://portal.example/rest/1/code123/sonet_group.get", httpmock.NewBytesResponder(200, page))
	mt.RegisterResponder("POST", "https://portal.example/rest/1/code123/sonet_group.update",
		httpmock.NewStringResponder(400, `{"error":"","error_description":"User has no permissions to update group"}`))
	c, err := sonet.NewWebhookClient("https://portal.example/rest/1/code123/",
		sonet.WithTransport(mt), sonet.WithTestDefaults())
	if err != nil {
		t.Fatal(err)
	}
	got, err := ArchiveInactive(context.Background(), c, time.Now())
	if !errors.Is(err, sonet.ErrPermissionDenied) {
		t.Fatalf("err = %v, want ErrPermissionDenied", err)
	}
	if len(got) != 0 {
		t.Errorf("archived %v, want none", got)
	}
	if n := mt.GetCallCountInfo()["POST https://portal.example/rest/1/code123/sonet_group.update"]; n != 1 {
		t.Errorf("%d update calls, want 1", n)
	}
}
