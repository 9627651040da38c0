package sonet

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// errorTexts makes one error of each main kind through the real call path
// and returns it with the exact text it must read as.
func errorTexts(t *testing.T) map[string]struct {
	err  error
	want string
} {
	t.Helper()
	ctx := context.Background()
	c, mt := newMockClient(t)
	answer := func(method string, status int, ctype, body string) {
		mt.RegisterResponder("POST", testEndpoint+method, func(*http.Request) (*http.Response, error) {
			r := httpmock.NewStringResponse(status, body)
			r.Header.Set("Content-Type", ctype)
			return r, nil
		})
	}
	const js = "application/json"
	out := map[string]struct {
		err  error
		want string
	}{}
	add := func(name string, err error, want string) {
		out[name] = struct {
			err  error
			want string
		}{err, want}
	}

	answer("sonet_group.update", 400, js, `{"error":"","error_description":"Cannot update group"}`)
	_, err := c.UpdateGroup(ctx, &GroupUpdateRequest{GroupID: 7, Name: String("x")})
	add("sonet_group failure (empty code)", err, "sonet: sonet_group.update: Cannot update group (HTTP 400)")

	answer("sonet_group.setowner", 401, js, `{"error":"NO_AUTH_FOUND","error_description":"Wrong authorization data"}`)
	err = c.SetGroupOwner(ctx, 7, 8)
	add("system code", err, "sonet: sonet_group.setowner: NO_AUTH_FOUND: Wrong authorization data (HTTP 401)")

	answer("sonet_group.get", 200, js, `{"result":[],"total":0}`)
	_, err = c.GetGroup(ctx, 999)
	add("group not found", err, "sonet: sonet_group.get: group 999 not found (no such group, or the caller may not see it)")

	_, err = c.CreateGroup(ctx, &GroupCreateRequest{Name: " "})
	add("validation", err, "sonet: invalid NAME: required and empty")

	answer("sonet_group.create", 502, "text/html", `<html>Bad gateway</html>`)
	_, err = c.CreateGroup(ctx, &GroupCreateRequest{Name: "X"})
	add("outcome unknown", err, "sonet: sonet_group.create: outcome unknown, not retried (the write may have been applied): "+
		`bad response (HTTP 502, text/html): not a JSON object; body starts "<html>Bad gateway</html>"`)

	answer("sonet_group.user.groups", 200, js, `{"result":"nonsense"}`)
	_, err = c.ListMyGroups(ctx)
	add("bad response", err, "sonet: sonet_group.user.groups: bad response (HTTP 200): result of the wrong shape: "+
		`json: cannot unmarshal string into Go value of type []sonet.UserGroup; body starts "\"nonsense\""`)

	mt.RegisterResponder("POST", testEndpoint+"sonet_group.feature.access", httpmock.NewErrorResponder(errors.New("connection reset")))
	_, err = c.CanAccessFeature(ctx, 7, FeatureTasks, OperationView)
	add("transport", err, `sonet: sonet_group.feature.access: transport: Post "https://portal.example/rest/1/[REDACTED]/sonet_group.feature.access": connection reset`)

	answer("sonet_group.user.get", 200, js, `{"result":[{"USER_ID":"5","ROLE":"K"}],"next":0}`)
	_, err = c.ListGroupMembers(ctx, 7)
	add("list walk", err, "sonet: sonet_group.user.get: list walk stalled: the portal did not advance: next=0 after start=0")

	answer("batch", 200, js, `{"result":{"result":[],"result_error":{"c0":{"error":"","error_description":"Cannot delete group"}},`+
		`"result_total":[],"result_next":[],"result_time":[]}}`)
	b := NewBatch()
	b.Halt = true // the portal stopped after c0 failed
	BatchDeleteGroup(b, 7)
	second := BatchDeleteGroup(b, 8)
	_ = c.RunBatch(ctx, b)
	add("batch command not run", second.Err(), "sonet: batch command c1 (sonet_group.delete) did not run")
	return out
}

func TestErrorTextsReadAsOneSentence(t *testing.T) {
	for name, tc := range errorTexts(t) {
		require.Error(t, tc.err, name)
		assert.Equal(t, tc.want, tc.err.Error(), name)
		assert.Equal(t, 1, strings.Count(tc.err.Error(), "sonet:"), "%s: one prefix: %s", name, tc.err)
	}
}

func TestErrorTextsKeepTheirMatches(t *testing.T) {
	errs := errorTexts(t)
	assert.ErrorIs(t, errs["sonet_group failure (empty code)"].err, ErrCannotUpdateGroup)
	assert.ErrorIs(t, errs["system code"].err, ErrNoAuthFound)
	assert.ErrorIs(t, errs["group not found"].err, ErrGroupNotFound)
	assert.ErrorIs(t, errs["group not found"].err, ErrNotFound)
	assert.ErrorIs(t, errs["validation"].err, ErrValidation)
	assert.ErrorIs(t, errs["outcome unknown"].err, ErrOutcomeUnknown)
	assert.ErrorIs(t, errs["outcome unknown"].err, ErrBadResponse)
	assert.ErrorIs(t, errs["bad response"].err, ErrBadResponse)
	var te *TransportError
	assert.ErrorAs(t, errs["transport"].err, &te)
	assert.ErrorIs(t, errs["batch command not run"].err, ErrNotRun)
	assert.ErrorIs(t, errs["list walk"].err, ErrCursorStalled)
}

func TestBatchErrorQuotesItsCommandsWithoutTheirPrefix(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c, _ := newMockClient(t)
	b := NewBatch()
	cmd := BatchDeleteGroup(b, 7)
	err := c.RunBatch(ctx, b)
	assert.EqualError(t, err, "sonet: batch of 1 command: 0 failed; 1 did not run; 0 outcome unknown; request failed: context canceled")
	assert.EqualError(t, cmd.Err(), "sonet: batch command c0 (sonet_group.delete) did not run: batch: context canceled")
	assert.ErrorIs(t, cmd.Err(), context.Canceled)
	assert.ErrorIs(t, cmd.Err(), ErrNotRun)
}

func TestDuplicateGroupsErrorQuotesTheLostCreateOnce(t *testing.T) {
	lost := outcomeUnknown("sonet_group.create", &TransportError{Method: "sonet_group.create", Err: errors.New("connection reset")})
	err := &DuplicateGroupsError{Name: "Launch", IDs: []int{4, 9}, Err: lost}
	assert.EqualError(t, err, `sonet: 2 groups named "Launch" match (IDs [4 9]) after a create whose answer was lost: `+
		"sonet_group.create: outcome unknown, not retried (the write may have been applied): transport: connection reset")
	assert.ErrorIs(t, err, ErrDuplicateGroups)
	assert.ErrorIs(t, err, ErrOutcomeUnknown)
}
