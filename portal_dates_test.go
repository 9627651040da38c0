package sonet

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/b24kit/sonet/sonettest"
	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParsePortalTimeWithADeclaredOrder(t *testing.T) {
	for _, tc := range []struct {
		text  string
		order DateOrder
		want  time.Time
		ok    bool
	}{
		{"04/05/2025 10:00:00", DateOrderUnknown, time.Time{}, false},
		{"04/05/2025 10:00:00", DayMonth, time.Date(2025, 5, 4, 10, 0, 0, 0, plus2), true},
		{"04/05/2025 10:00:00", MonthDay, time.Date(2025, 4, 5, 10, 0, 0, 0, plus2), true},
		{"04/05/2025 07:05 pm", DayMonth, time.Date(2025, 5, 4, 19, 5, 0, 0, plus2), true},
		{"04/05/2025", MonthDay, time.Date(2025, 4, 5, 0, 0, 0, 0, plus2), true},
		// A date that reads one way only is read that way whatever the order.
		{"04/17/2025 19:37:55", DayMonth, time.Date(2025, 4, 17, 19, 37, 55, 0, plus2), true},
		{"17/04/2025 19:37:55", MonthDay, time.Date(2025, 4, 17, 19, 37, 55, 0, plus2), true},
		// Dotted and ISO dates ignore the slashed order.
		{"04.05.2025 10:00:00", MonthDay, time.Date(2025, 5, 4, 10, 0, 0, 0, plus2), true},
		{"2025-04-05 10:00:00", DayMonth, time.Date(2025, 4, 5, 10, 0, 0, 0, plus2), true},
		// No order makes an impossible date possible.
		{"31/31/2025 10:00:00", DayMonth, time.Time{}, false},
		{"today, 12:16", MonthDay, time.Time{}, false},
	} {
		got, ok := ParsePortalTime(tc.text, plus2, tc.order)
		assert.Equal(t, tc.ok, ok, "%s %v", tc.text, tc.order)
		assert.Equal(t, tc.want, got, "%s %v", tc.text, tc.order)
	}
}

func TestSlashedOrder(t *testing.T) {
	for text, want := range map[string]DateOrder{
		"17/04/2025 19:37:55": DayMonth,
		"04/17/2025 19:37:55": MonthDay,
		"04/05/2025 10:00:00": DateOrderUnknown,
		"13/13/2025":          DateOrderUnknown,
		"17.04.2025":          DateOrderUnknown,
		"2025/04/17":          DateOrderUnknown,
		"":                    DateOrderUnknown,
		"x/17/2025":           DateOrderUnknown,
	} {
		assert.Equal(t, want, slashedOrder(text), text)
	}
}

// getDates answers socialnetwork.api.workgroup.get with the fixtures given,
// one per call, and returns the client built with opts.
func getDates(t *testing.T, opts []Option, fixtures ...string) *Client {
	t.Helper()
	c, mt := newMockClient(t, opts...)
	var rs []httpmock.Responder
	for _, f := range fixtures {
		rs = append(rs, httpmock.NewBytesResponder(200, fixture(t, "socialnetwork.api.workgroup.get/"+f)))
	}
	r := rs[0]
	for _, next := range rs[1:] {
		r = r.Then(next)
	}
	mt.RegisterResponder("POST", getURL, r)
	return c
}

func TestWithDateOrderReadsDatesWhoseDayIs12OrLess(t *testing.T) {
	ctx := context.Background()
	c := getDates(t, []Option{WithDateOrder(DayMonth), WithPortalLocation(plus2)}, "dates_ambiguous.json")
	w, err := c.GetWorkgroup(ctx, 622, nil)
	require.NoError(t, err)
	assert.Equal(t, time.Date(2025, 5, 4, 10, 0, 0, 0, plus2), w.DateCreate)
	assert.Equal(t, time.Date(2026, 2, 3, 8, 15, 0, 0, plus2), w.DateUpdate)
	assert.Equal(t, time.Date(2026, 3, 3, 9, 0, 0, 0, plus2), w.DateActivity)
	assert.Equal(t, time.Date(2026, 2, 1, 0, 0, 0, 0, plus2), w.ProjectDateStart)
	assert.Equal(t, time.Date(2026, 12, 11, 0, 0, 0, 0, plus2), w.ProjectDateFinish)
	assert.Equal(t, "04/05/2025 10:00:00", w.DateCreateText, "the text is kept")

	c = getDates(t, []Option{WithDateOrder(MonthDay), WithPortalLocation(plus2)}, "dates_ambiguous.json")
	w, err = c.GetWorkgroup(ctx, 622, nil)
	require.NoError(t, err)
	assert.Equal(t, time.Date(2025, 4, 5, 10, 0, 0, 0, plus2), w.DateCreate)
	assert.Equal(t, time.Date(2026, 11, 12, 0, 0, 0, 0, plus2), w.ProjectDateFinish)

	// Without an order (and no unambiguous date to learn from) only the
	// 03/03 date, equal both ways, is read.
	c = getDates(t, []Option{WithPortalLocation(plus2)}, "dates_ambiguous.json")
	w, err = c.GetWorkgroup(ctx, 622, nil)
	require.NoError(t, err)
	assert.True(t, w.DateCreate.IsZero())
	assert.True(t, w.ProjectDateFinish.IsZero())
	assert.Equal(t, time.Date(2026, 3, 3, 9, 0, 0, 0, plus2), w.DateActivity)
	assert.Equal(t, DateOrderUnknown, c.dates.order())
}

func TestClientLearnsTheDateOrderFromAnUnambiguousDate(t *testing.T) {
	ctx := context.Background()
	c := getDates(t, []Option{WithPortalLocation(plus2)}, "dates_day_first.json", "dates_ambiguous.json")

	// 17/04 proves day first: 04/05 in the same answer is read as 4 May.
	w, err := c.GetWorkgroup(ctx, 622, nil)
	require.NoError(t, err)
	assert.Equal(t, time.Date(2026, 4, 17, 19, 37, 55, 0, plus2), w.DateUpdate)
	assert.Equal(t, time.Date(2025, 5, 4, 10, 0, 0, 0, plus2), w.DateCreate)
	assert.Equal(t, DayMonth, c.dates.order())

	// A later answer with only ambiguous dates uses what was learnt.
	w, err = c.GetWorkgroup(ctx, 622, nil)
	require.NoError(t, err)
	assert.Equal(t, time.Date(2025, 5, 4, 10, 0, 0, 0, plus2), w.DateCreate)
	assert.Equal(t, time.Date(2026, 12, 11, 0, 0, 0, 0, plus2), w.ProjectDateFinish)
}

func TestDeclaredDateOrderIsNotOverriddenByLearning(t *testing.T) {
	c := getDates(t, []Option{WithDateOrder(MonthDay), WithPortalLocation(plus2)}, "dates_day_first.json")
	w, err := c.GetWorkgroup(context.Background(), 622, nil)
	require.NoError(t, err)
	assert.Equal(t, time.Date(2025, 4, 5, 10, 0, 0, 0, plus2), w.DateCreate, "declared MM/DD wins")
	assert.Equal(t, time.Date(2026, 4, 17, 19, 37, 55, 0, plus2), w.DateUpdate, "17/04 reads one way only")
	assert.Equal(t, MonthDay, c.dates.order())
}

func TestCallLocationWinsOverTheClients(t *testing.T) {
	utc := time.UTC
	c := getDates(t, []Option{WithDateOrder(DayMonth), WithPortalLocation(plus2)}, "dates_ambiguous.json")
	w, err := c.GetWorkgroup(context.Background(), 622, &WorkgroupGetOptions{Location: utc})
	require.NoError(t, err)
	assert.Equal(t, time.Date(2025, 5, 4, 10, 0, 0, 0, utc), w.DateCreate)
}

func TestListWorkgroupsLearnsTheOrderAcrossRows(t *testing.T) {
	c, mt := newMockClient(t, WithPortalLocation(plus2))
	mt.RegisterResponder("POST", listURL, httpmock.NewStringResponder(200, `{"result":{"workgroups":[
		{"id":"1","dateCreate":"04/05/2025 10:00:00"},
		{"id":"2","dateCreate":"04/17/2025 10:00:00"}]},"total":2}`))
	p, err := c.ListWorkgroups(context.Background(), &WorkgroupListOptions{Select: []WorkgroupField{WorkgroupFieldDateCreate}})
	require.NoError(t, err)
	require.Len(t, p.Items, 2)
	assert.Equal(t, time.Date(2025, 4, 5, 10, 0, 0, 0, plus2), p.Items[0].DateCreate, "row 2 proves MM/DD")
	assert.Equal(t, time.Date(2025, 4, 17, 10, 0, 0, 0, plus2), p.Items[1].DateCreate)
}

func TestDateOptionsRefuseNonsense(t *testing.T) {
	for name, opt := range map[string]Option{
		"WithDateOrder":      WithDateOrder(DateOrderUnknown),
		"WithPortalLocation": WithPortalLocation(nil),
	} {
		_, err := NewWebhookClient(testWebhook, opt)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, name)
		assert.Equal(t, name, ve.Field)
	}
	_, err := NewWebhookClient(testWebhook, WithDateOrder(7))
	assert.ErrorIs(t, err, ErrValidation)
}

func TestDateOrderString(t *testing.T) {
	assert.Equal(t, []string{"unknown", "DD/MM", "MM/DD"}, []string{DateOrderUnknown.String(), DayMonth.String(), MonthDay.String()})
}

// Goroutines sharing one client learn the order once and read the same
// dates (run with -race).
func TestDateOrderLearningIsSafeForConcurrentCalls(t *testing.T) {
	c, mt := newMockClient(t, WithPortalLocation(plus2))
	mt.RegisterResponder("POST", getURL, httpmock.NewBytesResponder(200, fixture(t, "socialnetwork.api.workgroup.get/dates_day_first.json")))
	var wg sync.WaitGroup
	got := make([]time.Time, 16)
	for i := range got {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			w, err := c.GetWorkgroup(context.Background(), 622, nil)
			if assert.NoError(t, err) {
				got[i] = w.DateCreate
			}
		}(i)
	}
	wg.Wait()
	for _, d := range got {
		assert.Equal(t, time.Date(2025, 5, 4, 10, 0, 0, 0, plus2), d)
	}
	assert.Equal(t, DayMonth, c.dates.order())
}

// Against the fake portal with a day-first layout: the first group's 17/03
// teaches the client DD/MM, so the second group's 04/03 reads as 4 March.
// A client that has not seen an unambiguous date leaves 04/03 zero.
func TestE2EClientLearnsADayFirstPortal(t *testing.T) {
	srv := sonettest.NewServer(sonettest.WithLocation(plus2), sonettest.WithDateLayout("02/01/2006 15:04:05"))
	t.Cleanup(srv.Close)
	first := sonettest.NewGroup("First")
	first.DateCreate = time.Date(2026, 3, 17, 8, 0, 0, 0, plus2)
	second := sonettest.NewGroup("Second")
	second.DateCreate = time.Date(2026, 3, 4, 9, 30, 0, 0, plus2)
	id1, id2 := srv.AddGroup(first), srv.AddGroup(second)
	ctx := context.Background()

	fresh, err := NewWebhookClient(srv.WebhookURL(), WithTestDefaults(), WithPortalLocation(plus2))
	require.NoError(t, err)
	w, err := fresh.GetWorkgroup(ctx, id2, nil)
	require.NoError(t, err)
	assert.True(t, w.DateCreate.IsZero(), "04/03 alone reads two ways")
	assert.Equal(t, "04/03/2026 09:30:00", w.DateCreateText)

	w, err = fresh.GetWorkgroup(ctx, id1, nil)
	require.NoError(t, err)
	assert.Equal(t, time.Date(2026, 3, 17, 8, 0, 0, 0, plus2), w.DateCreate)
	w, err = fresh.GetWorkgroup(ctx, id2, nil)
	require.NoError(t, err)
	assert.Equal(t, time.Date(2026, 3, 4, 9, 30, 0, 0, plus2), w.DateCreate, "learnt DD/MM from 17/03")
}
