package sonetmock_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/b24kit/sonet"
	"github.com/b24kit/sonet/sonetmock"
	"github.com/b24kit/sonet/sonettest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fixedPortal is a fake portal whose clock stands still, so its answers are
// repeatable.
func fixedPortal(t *testing.T) (*sonettest.Server, *sonet.Client) {
	t.Helper()
	now := time.Date(2026, 3, 19, 13, 1, 27, 0, time.UTC)
	srv := sonettest.Start(t, sonettest.WithClock(func() time.Time { return now }))
	c, err := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithTestDefaults())
	require.NoError(t, err)
	return srv, c
}

// raw posts a form body to the fake portal and returns the answer without
// its time block (which holds the only figures that differ by design).
func raw(t *testing.T, srv *sonettest.Server, method, form string) string {
	t.Helper()
	resp, err := http.Post(srv.WebhookURL()+method, "application/x-www-form-urlencoded", strings.NewReader(form))
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return fmt.Sprint(resp.StatusCode, " ", withoutTime(string(b)))
}

func withoutTime(s string) string {
	if i := strings.Index(s, `,"time":{`); i >= 0 {
		return s[:i] + "}"
	}
	return s
}

func show(a sonetmock.Answer) string { return fmt.Sprint(a.Status, " ", withoutTime(string(a.Body))) }

func seedVaried(srv *sonettest.Server) {
	bob := srv.AddUsers("Bob", "Carol")
	a := sonettest.NewProject("Launch / Q2 — Café").WithMember(bob[0], sonettest.RoleModerator).WithMember(bob[1], sonettest.RoleMember)
	a.Description, a.Keywords, a.ImageURL, a.ImageFileID = "Line one\nline \"two\"", "launch,q2", "https://portal.example/upload/a.png", 1001
	srv.AddGroup(a)
	b := sonettest.NewGroup("Archived")
	b.Closed, b.Visible, b.Opened = true, false, true
	srv.AddGroup(b)
	for i := 0; i < 58; i++ {
		srv.AddGroup(sonettest.NewGroup(fmt.Sprint("Team ", i)))
	}
}

// For the same state, the fixture's page is byte for byte the fake
// portal's (time block aside) and decodes to the same values.
func TestGroupPageMatchesSonettest(t *testing.T) {
	srv, c := fixedPortal(t)
	seedVaried(srv)
	ctx := context.Background()
	want, err := c.ListGroups(ctx, &sonet.GroupListOptions{Order: sonet.Order{sonet.FieldID.Asc()}})
	require.NoError(t, err)
	require.True(t, want.HasNext)
	require.Equal(t, 60, want.Total)

	a := sonetmock.GroupPage(*want)
	assert.Equal(t, raw(t, srv, "sonet_group.get", "ORDER[ID]=ASC"), show(a))

	p := sonetmock.New(t)
	p.On("sonet_group.get", a)
	got, err := p.Client.ListGroups(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, want, got)

	// One group, as GetGroup reads it.
	one, err := c.GetGroup(ctx, 1)
	require.NoError(t, err)
	p.On("sonet_group.get", sonetmock.Groups(*one))
	got1, err := p.Client.GetGroup(ctx, 1)
	require.NoError(t, err)
	assert.Equal(t, one, got1)
	assert.Equal(t, raw(t, srv, "sonet_group.get", "FILTER[ID]=1"), show(sonetmock.Groups(*one)))
}

func TestMembersAndUserGroupsMatchSonettest(t *testing.T) {
	srv, c := fixedPortal(t)
	seedVaried(srv)
	ctx := context.Background()

	members, err := c.ListGroupMembers(ctx, 1)
	require.NoError(t, err)
	require.Len(t, members, 3)
	assert.Equal(t, raw(t, srv, "sonet_group.user.get", "ID=1"), show(sonetmock.Members(members...)))
	p := sonetmock.New(t)
	p.On("sonet_group.user.get", sonetmock.Members(members...))
	got, err := p.Client.ListGroupMembers(ctx, 1)
	require.NoError(t, err)
	assert.Equal(t, members, got)

	mine, err := c.ListMyGroups(ctx)
	require.NoError(t, err)
	assert.Equal(t, raw(t, srv, "sonet_group.user.groups", ""), show(sonetmock.UserGroups(mine...)))
	p.On("sonet_group.user.groups", sonetmock.UserGroups(mine...))
	gotMine, err := p.Client.ListMyGroups(ctx)
	require.NoError(t, err)
	assert.Equal(t, mine, gotMine)
}

// Writes: the fixture answers are the fake portal's, byte for byte.
func TestWriteAnswersMatchSonettest(t *testing.T) {
	srv, _ := fixedPortal(t)
	srv.AddUsers("Bob")
	for _, c := range []struct {
		method, form string
		a            sonetmock.Answer
	}{
		{"sonet_group.create", "NAME=New", sonetmock.Created(1)},
		{"sonet_group.update", "GROUP_ID=1&NAME=Renamed", sonetmock.Updated(1)},
		{"sonet_group.user.add", "GROUP_ID=1&USER_ID[0]=2", sonetmock.UserIDs(2)},
		{"sonet_group.feature.access", "GROUP_ID=1&FEATURE=tasks&OPERATION=view", sonetmock.Access(true)},
		{"sonet_group.setowner", "GROUP_ID=1&USER_ID=2", sonetmock.OK()},
		{"sonet_group.delete", "GROUP_ID=1", sonetmock.OK()},
		{"sonet_group.delete", "GROUP_ID=1", sonetmock.SonetError(string(sonet.ErrGroupNotFound))},
		{"sonet_group.user.get", "ID=0", sonetmock.SonetError("Wrong socialnetwork group ID")},
	} {
		assert.Equal(t, raw(t, srv, c.method, c.form), show(c.a), c.method+" "+c.form)
	}
}

func TestErrorAnswersDecodeToTheSDKErrors(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		a    sonetmock.Answer
		want error
	}{
		{sonetmock.SonetError(string(sonet.ErrGroupNotFound)), sonet.ErrNotFound},
		{sonetmock.QueryLimitExceeded(), sonet.ErrQueryLimitExceeded},
		{sonetmock.ExpiredToken(), sonet.ErrExpiredToken},
		{sonetmock.OperationTimeLimit(), sonet.ErrOperationTimeLimit},
		{sonetmock.InternalError(), sonet.ErrInternalServerError},
		{sonetmock.BadGateway(), sonet.ErrBadResponse},
		{sonetmock.Error(403, "ACCESS_DENIED", "REST is available only on commercial plans."), sonet.ErrAccessDenied},
	} {
		p := sonetmock.New(t)
		p.On("sonet_group.get", c.a)
		_, err := p.Client.GetGroup(ctx, 1)
		assert.ErrorIs(t, err, c.want, string(c.a.Body))
	}
	// Same status and body as the fake portal's own refusals.
	srv := sonettest.Start(t, sonettest.WithRateLimit(1, 1))
	raw(t, srv, "sonet_group.get", "")
	assert.Equal(t, raw(t, srv, "sonet_group.get", ""), show(sonetmock.QueryLimitExceeded()))
}

// A batch answer built from command answers decodes like the fake
// portal's answer to the same commands.
func TestBatchMatchesSonettest(t *testing.T) {
	srv, c := fixedPortal(t)
	srv.AddGroup(sonettest.NewGroup("Existing"))
	ctx := context.Background()
	run := func(c *sonet.Client) (int, *sonet.Group, error, error) {
		b := sonet.NewBatch()
		created := sonet.BatchCreateGroup(b, &sonet.GroupCreateRequest{Name: "Made"})
		gone := sonet.BatchDeleteGroup(b, 404)
		got := sonet.BatchGetGroup(b, 1)
		err := c.RunBatch(ctx, b)
		return created.Value(), got.Value(), gone.Err(), err
	}
	wantID, wantGroup, wantGone, wantErr := run(c)
	require.Equal(t, 2, wantID)
	require.ErrorIs(t, wantGone, sonet.ErrNotFound)

	p := sonetmock.New(t)
	p.On("batch", sonetmock.Batch(
		sonetmock.Cmd("c0", sonetmock.Created(2)),
		sonetmock.Cmd("c1", sonetmock.SonetError(string(sonet.ErrGroupNotFound))),
		sonetmock.Cmd("c2", sonetmock.Groups(*wantGroup)),
	))
	id, g, gone, err := run(p.Client)
	assert.Equal(t, wantID, id)
	assert.Equal(t, wantGroup, g)
	assert.Equal(t, wantGone.Error(), gone.Error())
	assert.Equal(t, wantErr.Error(), err.Error())
	var be *sonet.BatchError
	require.ErrorAs(t, err, &be)
	assert.Equal(t, []string{"c1"}, be.Failed)
}

// The documented batch example (testdata/batch/mixed_halt0.json) is what
// Batch builds from its three command answers, time figures aside.
func TestBatchReproducesTheDocumentedExample(t *testing.T) {
	doc := readFixture(t, "batch/mixed_halt0.json")
	a := sonetmock.Batch(
		sonetmock.Cmd("c0", sonetmock.Created(77)),
		sonetmock.Cmd("c1", sonetmock.SonetError("Wrong group ID")),
		sonetmock.Cmd("c2", sonetmock.OK()),
	)
	assert.Equal(t, stripTimes(t, doc), stripTimes(t, a.Body))
	// A command list keyed 0, 1 is written as PHP lists ([]), as with halt.
	b := sonetmock.Batch(sonetmock.Cmd("0", sonetmock.Created(5)))
	assert.Contains(t, string(b.Body), `{"result":{"result":[5],"result_error":[],"result_total":[],"result_next":[],"result_time":[{`)
}

// stripTimes parses JSON and drops every time block and result_time.
func stripTimes(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(b, &v))
	var walk func(any)
	walk = func(v any) {
		if m, ok := v.(map[string]any); ok {
			delete(m, "time")
			delete(m, "result_time")
			for _, x := range m {
				walk(x)
			}
		}
	}
	walk(v)
	return v
}

// timeShape is a time block's keys in order, with "int" or "frac" for
// each number.
func timeShape(t *testing.T, body []byte) []string {
	t.Helper()
	var env struct {
		Time json.RawMessage `json:"time"`
	}
	require.NoError(t, json.Unmarshal(body, &env))
	dec := json.NewDecoder(strings.NewReader(string(env.Time)))
	dec.UseNumber()
	var shape []string
	_, err := dec.Token() // {
	require.NoError(t, err)
	for dec.More() {
		k, err := dec.Token()
		require.NoError(t, err)
		v, err := dec.Token()
		require.NoError(t, err)
		kind := fmt.Sprintf("%T", v)
		if n, ok := v.(json.Number); ok {
			kind = "int"
			if strings.Contains(string(n), ".") {
				kind = "frac"
			}
		}
		shape = append(shape, fmt.Sprint(k, ":", kind))
	}
	return shape
}

// The time block a fixture writes when given none has the fake portal's
// shape: the same keys in the same order, start and processing in whole
// seconds as the current rest module writes them.
func TestDefaultTimeBlockHasThePortalsShape(t *testing.T) {
	srv := sonettest.Start(t)
	resp, err := http.Post(srv.WebhookURL()+"sonet_group.get", "application/x-www-form-urlencoded", nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	want := timeShape(t, b)
	require.Equal(t, "start:int", want[0])
	for _, a := range []sonetmock.Answer{sonetmock.Result(1), sonetmock.Groups(), sonetmock.Updated(3)} {
		got := timeShape(t, a.Body)
		// finish and duration carry a fraction unless the clock hit a whole
		// second; only start and processing are whole by rule.
		assert.Equal(t, want[0], got[0], string(a.Body))
		assert.Equal(t, want[3], got[3], string(a.Body))
		assert.Len(t, got, len(want))
		for i := range want {
			assert.Equal(t, strings.Split(want[i], ":")[0], strings.Split(got[i], ":")[0])
		}
	}
}
