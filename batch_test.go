package sonet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunBatchSendsDoubleEncodedChainAndDecodesTypedResults(t *testing.T) {
	c, mt := newMockClient(t)
	var rec recorded
	mt.RegisterResponder("POST", testEndpoint+"batch", rec.respond(200, fixture(t, "batch/create_then_get.json")))

	b := NewBatch()
	b.Halt = true
	created := BatchCreateGroup(b, &GroupCreateRequest{Name: "Q3 & Co", Visible: Yes})
	got := BatchGetGroup(b, 0, SetParam("GROUP_ID", created.Ref()))
	require.NoError(t, c.RunBatch(context.Background(), b))

	assert.Equal(t, []string{
		"cmd[c0]=sonet_group.create%3FNAME%3DQ3%2520%2526%2520Co%26VISIBLE%3DY" +
			"&cmd[c1]=sonet_group.get%3FGROUP_ID%3D%2524result%255Bc0%255D&halt=1",
	}, rec.Bodies())
	assert.Equal(t, 77, created.Value())
	assert.True(t, created.Ran())
	assert.NoError(t, created.Err())
	g, err := got.Result()
	require.NoError(t, err)
	assert.Equal(t, 77, g.ID)
	assert.Equal(t, "Q3 & Co", g.Name)
	assert.Equal(t, 1271, g.OwnerID)
	assert.Equal(t, BatchMeta{Total: 1, HasTotal: true, Time: got.Meta().Time}, got.Meta())
	assert.Equal(t, 6574*time.Microsecond, got.Meta().Time.Duration)
	assert.Equal(t, time.Date(2026, 3, 19, 15, 1, 27, 0, time.FixedZone("", 2*3600)).Unix(), got.Meta().Time.DateStart.Unix())
}

func TestRunBatchMixedSuccessAndFailureWithoutHalt(t *testing.T) {
	c, mt := newMockClient(t)
	var rec recorded
	mt.RegisterResponder("POST", testEndpoint+"batch", rec.respond(200, fixture(t, "batch/mixed_halt0.json")))

	b := NewBatch()
	upd := BatchUpdateGroup(b, &GroupUpdateRequest{GroupID: 77, Description: String("")})
	bad := BatchUpdateGroup(b, &GroupUpdateRequest{GroupID: 99999, Name: String("X")})
	del := BatchDeleteGroup(b, 79)
	err := c.RunBatch(context.Background(), b)

	assert.Equal(t, []string{"cmd[c0]=sonet_group.update%3FGROUP_ID%3D77%26DESCRIPTION%3D" +
		"&cmd[c1]=sonet_group.update%3FGROUP_ID%3D99999%26NAME%3DX" +
		"&cmd[c2]=sonet_group.delete%3FGROUP_ID%3D79&halt=0"}, rec.Bodies())
	var be *BatchError
	require.ErrorAs(t, err, &be)
	assert.Equal(t, []string{"c1"}, be.Failed)
	assert.Empty(t, be.NotRun)
	assert.Empty(t, be.Unknown)
	assert.NoError(t, be.Cause)
	assert.Equal(t, "sonet: batch of 3 commands: 1 failed; c1: sonet_group.update: Wrong group ID; 0 did not run; 0 outcome unknown", err.Error())
	assert.ErrorIs(t, err, ErrWrongGroupID)

	assert.Equal(t, 77, upd.Value())
	assert.True(t, del.Value())
	assert.True(t, bad.Ran())
	assert.Equal(t, 0, bad.Value())
	var ae *APIError
	require.ErrorAs(t, bad.Err(), &ae)
	assert.Equal(t, APIError{HTTPStatus: 0, Code: "", Description: "Wrong group ID", Method: "sonet_group.update"}, *ae)
}

func TestRunBatchHaltStopsAtFirstFailure(t *testing.T) {
	c, mt := newMockClient(t)
	var rec recorded
	mt.RegisterResponder("POST", testEndpoint+"batch", rec.respond(200, fixture(t, "batch/halt1_first_failed.json")))

	b := NewBatch()
	b.Halt = true
	first := BatchListGroups(b, nil)
	second := BatchCall[json.RawMessage](b, "sonet_group.user.groups", nil)
	// Past 50 commands a second request would be needed; Halt keeps it unsent.
	var rest []*BatchCommand[bool]
	for i := 0; i < 50; i++ {
		rest = append(rest, BatchDeleteGroup(b, 100+i))
	}
	err := c.RunBatch(context.Background(), b)

	require.Len(t, rec.Bodies(), 1)
	assert.True(t, strings.HasPrefix(rec.Bodies()[0], "cmd[c0]=sonet_group.get&cmd[c1]=sonet_group.user.groups&cmd[c2]=sonet_group.delete%3FGROUP_ID%3D100&"))
	assert.True(t, strings.HasSuffix(rec.Bodies()[0], "&cmd[c49]=sonet_group.delete%3FGROUP_ID%3D147&halt=1"))
	var be *BatchError
	require.ErrorAs(t, err, &be)
	assert.Equal(t, []string{"c0"}, be.Failed)
	assert.Len(t, be.NotRun, 51)
	assert.Equal(t, "c1", be.NotRun[0])
	assert.Equal(t, "c51", be.NotRun[50])
	assert.ErrorIs(t, first.Err(), ErrInsufficientScope)
	assert.True(t, first.Ran())
	assert.False(t, second.Ran())
	assert.ErrorIs(t, second.Err(), ErrNotRun)
	assert.EqualError(t, second.Err(), "sonet: batch command c1 (sonet_group.user.groups) did not run")
	assert.ErrorIs(t, rest[49].Err(), ErrNotRun)
	assert.Nil(t, first.Value())
}

func TestRunBatchListPageReadsObjectSectionsAndQuotedNext(t *testing.T) {
	c, mt := newMockClient(t)
	var rec recorded
	mt.RegisterResponder("POST", testEndpoint+"batch", rec.respond(200, fixture(t, "batch/list_page.json")))

	b := NewBatch()
	page := BatchListGroups(b, &GroupListOptions{Order: Order{FieldName.Asc()}, Filter: GroupFilter{FieldName.Like("Pro")}, Start: 50})
	require.NoError(t, c.RunBatch(context.Background(), b))

	assert.Equal(t, []string{"cmd[c0]=sonet_group.get%3FORDER%5BNAME%5D%3DASC%26FILTER%5B%2525NAME%5D%3DPro%26start%3D50&halt=0"}, rec.Bodies())
	p := page.Value()
	require.Len(t, p.Items, 1)
	assert.Equal(t, 79, p.Items[0].ID)
	assert.Equal(t, 51, p.Total)
	assert.True(t, p.HasTotal)
	assert.Equal(t, 50, p.Next)
	assert.True(t, p.HasNext)
}

func TestBatchSectionDecodesListAndObject(t *testing.T) {
	for in, want := range map[string]batchSection{
		`[]`:                {},
		`{}`:                {},
		`null`:              nil,
		`{"c0":1,"c1":"2"}`: {"c0": json.RawMessage(`1`), "c1": json.RawMessage(`"2"`)},
		`[true,{"ID":"7"}]`: {"0": json.RawMessage(`true`), "1": json.RawMessage(`{"ID":"7"}`)},
	} {
		var s batchSection
		require.NoError(t, json.Unmarshal([]byte(in), &s), in)
		assert.Equal(t, want, s, in)
	}
	var s batchSection
	assert.EqualError(t, json.Unmarshal([]byte(`"x"`), &s), "batch section is neither an object nor a list: json: cannot unmarshal string into Go value of type map[string]json.RawMessage")
}

// echoBatch answers every batch request with result[KEY] = the command's
// method, and counts requests and keys per request.
type echoBatch struct {
	mu   sync.Mutex
	keys [][]string
}

func (e *echoBatch) respond(req *http.Request) (*http.Response, error) {
	body, _ := io.ReadAll(req.Body)
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, err
	}
	var keys []string
	res := map[string]any{}
	for i := 0; ; i++ {
		k := fmt.Sprintf("c%d", i)
		v, ok := form["cmd["+k+"]"]
		if !ok {
			if len(keys) > 0 || i > 1000 {
				break
			}
			continue
		}
		keys = append(keys, k)
		res[k] = strings.SplitN(v[0], "?", 2)[0]
	}
	e.mu.Lock()
	e.keys = append(e.keys, keys)
	e.mu.Unlock()
	return httpmock.NewJsonResponse(200, map[string]any{"result": map[string]any{
		"result": res, "result_error": []any{}, "result_total": []any{}, "result_next": []any{}, "result_time": []any{},
	}})
}

func (e *echoBatch) sizes() []int {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []int
	for _, k := range e.keys {
		out = append(out, len(k))
	}
	return out
}

func TestRunBatchSplitsAtFiftyCommands(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want []int
	}{{1, []int{1}}, {49, []int{49}}, {50, []int{50}}, {51, []int{50, 1}}, {120, []int{50, 50, 20}}} {
		t.Run(fmt.Sprint(tc.n), func(t *testing.T) {
			c, mt := newMockClient(t)
			var e echoBatch
			mt.RegisterResponder("POST", testEndpoint+"batch", e.respond)
			b := NewBatch()
			var hs []*BatchCommand[string]
			for i := 0; i < tc.n; i++ {
				hs = append(hs, BatchCall[string](b, fmt.Sprintf("m.n%d", i), nil))
			}
			require.NoError(t, c.RunBatch(context.Background(), b))
			assert.Equal(t, tc.want, e.sizes())
			assert.Equal(t, len(tc.want), mt.GetTotalCallCount())
			assert.Equal(t, fmt.Sprintf("m.n%d", tc.n-1), hs[tc.n-1].Value())
			assert.Equal(t, fmt.Sprintf("c%d", tc.n-1), hs[tc.n-1].Key())
		})
	}
}

func TestRunBatchKeepsChainsInOneRequest(t *testing.T) {
	c, mt := newMockClient(t)
	var e echoBatch
	mt.RegisterResponder("POST", testEndpoint+"batch", e.respond)
	b := NewBatch()
	b.Halt = true
	for i := 0; i < 45; i++ {
		BatchCall[string](b, "m.free", nil)
	}
	head := BatchCall[string](b, "m.head", nil)
	prev := BatchHandle(head)
	for i := 0; i < 9; i++ { // c45..c54: a chain across the 50 mark
		prev = BatchCall[string](b, "m.link", map[string]any{"ID": prev.Ref("ID")})
	}
	require.NoError(t, c.RunBatch(context.Background(), b))
	assert.Equal(t, []int{45, 10}, e.sizes())
	assert.Equal(t, "c45", e.keys[1][0])
}

func TestRunBatchRefusesChainsItCannotSend(t *testing.T) {
	c, mt := newMockClient(t)
	b := NewBatch()
	b.Halt = true
	prev := BatchHandle(BatchCall[string](b, "m.head", nil))
	for i := 0; i < 50; i++ {
		prev = BatchCall[string](b, "m.link", map[string]any{"ID": prev.Ref(0, "ID")})
	}
	err := c.RunBatch(context.Background(), b)
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "sonet: invalid batch: commands from c0 on are chained by references over more than 50 commands; a chain must fit in one batch request", err.Error())

	nohalt := NewBatch()
	h := BatchCall[string](nohalt, "m.head", nil)
	BatchCall[string](nohalt, "m.link", map[string]any{"ID": h.Ref(0, "ID")})
	err = c.RunBatch(context.Background(), nohalt)
	assert.ErrorIs(t, err, ErrValidation)
	assert.EqualError(t, err, "sonet: invalid halt: commands chained with Ref need Halt: the portal runs a command whose reference it cannot resolve with whatever part of the path it reached")
	assert.Equal(t, 0, mt.GetTotalCallCount())
}

func TestBatchRefusesMethodsBadRefsAndReuse(t *testing.T) {
	c, mt := newMockClient(t)
	for _, m := range []string{"batch", "BATCH", "disk.folder.uploadfile", "disk.file.downloadfile"} {
		b := NewBatch()
		h := BatchCall[any](b, m, nil)
		assert.ErrorIs(t, h.Err(), ErrBatchMethodNotAllowed, m)
		assert.ErrorIs(t, c.RunBatch(context.Background(), b), ErrBatchMethodNotAllowed, m)
		// A refusal before sending, like every other one.
		assert.ErrorIs(t, h.Err(), ErrValidation, m)
		var ve *ValidationError
		require.ErrorAs(t, h.Err(), &ve, m)
		assert.Equal(t, "method", ve.Field)
		assert.Equal(t, "sonet: invalid method: "+m+" cannot be called inside batch", ve.Error())
		assert.NotErrorIs(t, h.Err(), ErrBatchLengthExceeded, m)
		assert.Equal(t, 0, b.Len())
	}
	assert.False(t, batchRefused("disk.file.getdownloadurl"))

	b := NewBatch()
	other := BatchCall[any](NewBatch(), "m.x", nil)
	other.key = "c7"
	h := BatchUpdateGroup(b, &GroupUpdateRequest{Name: String("x")}, SetParam("GROUP_ID", other.Ref()))
	assert.EqualError(t, h.Err(), `sonet: invalid GROUP_ID: reference to "c7", which is not an earlier command of this batch`)
	assert.Equal(t, h.Err(), b.Err())

	v := BatchUpdateGroup(NewBatch(), &GroupUpdateRequest{Name: String("x")})
	assert.EqualError(t, v.Err(), "sonet: invalid GROUP_ID: required: want a positive group ID, got 0")
	d := BatchDeleteGroup(NewBatch(), 0)
	assert.EqualError(t, d.Err(), "sonet: invalid GROUP_ID: want a positive group ID, got 0")
	assert.EqualError(t, BatchCall[int](nil, "m.x", nil).Err(), "sonet: invalid batch: nil *Batch")

	var e echoBatch
	mt.RegisterResponder("POST", testEndpoint+"batch", e.respond)
	ok := NewBatch()
	BatchCall[string](ok, "m.x", nil)
	require.NoError(t, c.RunBatch(context.Background(), ok))
	assert.EqualError(t, c.RunBatch(context.Background(), ok), "sonet: invalid batch: the batch already ran")
	late := BatchCall[string](ok, "m.y", nil)
	assert.EqualError(t, late.Err(), "sonet: invalid batch: command added after the batch ran")
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestSetParamReplacesEncodedKeysInPlace(t *testing.T) {
	f, err := encodeWithParams(&GroupCreateRequest{Name: "N", SiteIDs: []string{"s1", "s2"}, Keywords: "k"},
		[]BatchParam{SetParam("SITE_ID", "$result[c0][SITE_ID]"), SetParam("OWNER_ID", "$result[c0][ID]")})
	require.NoError(t, err)
	assert.Equal(t, "NAME=N&KEYWORDS=k&OWNER_ID=%24result%5Bc0%5D%5BID%5D&SITE_ID=%24result%5Bc0%5D%5BSITE_ID%5D", f.Encode())
	_, err = encodeWithParams(&GroupCreateRequest{Name: "N"}, []BatchParam{SetParam("A&B", "x")})
	assert.EqualError(t, err, `sonet: invalid params: bad parameter name "A&B"`)
	assert.Equal(t, "$result[c3][49][ID]", (&BatchCommand[int]{key: "c3"}).Ref(49, "ID"))
}

func TestRunBatchIsNotRetriedAfterServerError(t *testing.T) {
	c, mt := newMockClient(t)
	var rec recorded
	mt.RegisterResponder("POST", testEndpoint+"batch", rec.respond(500, fixture(t, "batch/internal_error.json")))
	b := NewBatch()
	h := BatchCreateGroup(b, &GroupCreateRequest{Name: "A"})
	for i := 0; i < 50; i++ {
		BatchCreateGroup(b, &GroupCreateRequest{Name: fmt.Sprint("B", i)})
	}
	err := c.RunBatch(context.Background(), b)

	assert.Equal(t, 1, mt.GetTotalCallCount())
	assert.ErrorIs(t, err, ErrOutcomeUnknown)
	assert.ErrorIs(t, err, ErrInternalServerError)
	var be *BatchError
	require.ErrorAs(t, err, &be)
	assert.Len(t, be.Unknown, 50)
	assert.Equal(t, []string{"c50"}, be.NotRun)
	assert.False(t, h.Ran())
	assert.ErrorIs(t, h.Err(), ErrOutcomeUnknown)
	var ae *APIError
	require.ErrorAs(t, be.Cause, &ae)
	assert.Equal(t, APIError{HTTPStatus: 500, Code: "INTERNAL_SERVER_ERROR", Description: "Internal server error", Method: "batch"}, *ae)
}

func TestRunBatchRetriesQueryLimitRefusal(t *testing.T) {
	clk := newFakeClock()
	c, mt := newMockClient(t, WithClock(clk), WithRetryPolicy(RetryPolicy{MaxAttempts: 3, BaseDelay: time.Second, MaxDelay: time.Second}))
	n := 0
	mt.RegisterResponder("POST", testEndpoint+"batch", func(req *http.Request) (*http.Response, error) {
		n++
		if n == 1 {
			return httpmock.NewBytesResponse(503, fixture(t, "batch/query_limit.json")), nil
		}
		return httpmock.NewBytesResponse(200, fixture(t, "batch/mixed_halt0.json")), nil
	})
	b := NewBatch()
	h := BatchCall[int](b, "sonet_group.update", map[string]any{"GROUP_ID": 77, "NAME": "x"})
	// The answer's c1 and c2 belong to no command of this batch: ignored.
	require.NoError(t, c.RunBatch(context.Background(), b))
	assert.Equal(t, 2, n)
	assert.Equal(t, []time.Duration{time.Second}, clk.Sleeps())
	assert.Equal(t, 77, h.Value())
}

func TestRunBatchCancelledContextSendsNothing(t *testing.T) {
	c, mt := newMockClient(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	b := NewBatch()
	h := BatchDeleteGroup(b, 5)
	err := c.RunBatch(ctx, b)
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, h.Err(), ErrNotRun)
	assert.Equal(t, 0, mt.GetTotalCallCount())
	assert.True(t, errors.Is(err, context.Canceled))
}

func TestWriteCommandRefusesARefPastTheFirstRow(t *testing.T) {
	for _, tc := range []struct {
		method, value string
		refused       bool
	}{
		{"sonet_group.delete", "$result[c0][1][ID]", true},
		{"sonet_group.user.add", "$result[c0][12][USER_ID]", true},
		{"crm.deal.update", "x $result[c0][0][ID] $result[c0][2][ID]", true},
		{"sonet_group.delete", "$result[c0][0][ID]", false},
		{"sonet_group.delete", "$result[c0]", false},
		{"sonet_group.update", "$result[c0][ID]", false},
		{"sonet_group.get", "$result[c0][49][ID]", false},
		{"socialnetwork.api.workgroup.list", "$result[c0][workgroups][49][id]", false},
		{"sonet_group.feature.access", "$result[c0][3][ID]", false},
	} {
		b := NewBatch()
		BatchCall[json.RawMessage](b, "sonet_group.get", nil)
		h := BatchCall[json.RawMessage](b, tc.method, map[string]any{"GROUP_ID": tc.value})
		if tc.refused {
			var ve *ValidationError
			require.ErrorAs(t, h.Err(), &ve, "%s %s", tc.method, tc.value)
			assert.Equal(t, "GROUP_ID", ve.Field)
		} else {
			assert.NoError(t, h.Err(), "%s %s", tc.method, tc.value)
		}
	}
}
