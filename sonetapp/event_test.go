package sonetapp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The doc examples' tokens; every one of them is searched for in outputs.
const (
	docAppToken     = "51856fefc120afa4b628cc82d3935cce"
	docAccessToken  = "s6p6eclrvim6da22ft9ch94ekreb52lv"
	docRefreshToken = "4s386p3q0tr8dy89xvmt96234v3dljg8"
)

func eventRequest(t *testing.T, body string) *http.Request {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "https://app.example/events", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r
}

func eventFixture(t *testing.T, name string) string {
	t.Helper()
	return string(fixture(t, "events/"+name+".form"))
}

func docAuth() EventAuth {
	return EventAuth{Domain: "some-domain.bitrix24.com", MemberID: "a223c6b3710f85df22e9377d6c4f7553",
		ApplicationToken: docAppToken, AccessToken: docAccessToken, RefreshToken: docRefreshToken,
		ExpiresIn: time.Hour, Scope: "sonet", Status: "L", ServerEndpoint: "https://oauth.bitrix.info/rest/",
		ClientEndpoint: "https://some-domain.bitrix24.com/rest/"}
}

func TestParseGroupEventDocExamples(t *testing.T) {
	for _, name := range []EventName{EventGroupAdd, EventGroupUpdate, EventGroupDelete} {
		ev, err := ParseGroupEvent(eventRequest(t, eventFixture(t, string(name))), docAppToken)
		require.NoError(t, err, name)
		assert.Equal(t, GroupEvent{Name: name, HandlerID: 655, GroupID: 6675,
			Time: time.Date(2025, 1, 9, 12, 3, 2, 0, time.UTC), Auth: docAuth()}, *ev)
	}
}

func TestParseGroupEventWithoutUserTokens(t *testing.T) {
	ev, err := ParseGroupEvent(eventRequest(t, eventFixture(t, "no_user_tokens")), docAppToken)
	require.NoError(t, err)
	want := docAuth()
	want.AccessToken, want.RefreshToken = "", ""
	assert.Equal(t, want, ev.Auth)
}

func TestParseGroupEventLenientForms(t *testing.T) {
	body := "event=onSonetGroupAdd&data[FIELDS][ID]=12&auth[application_token]=" + docAppToken
	r := eventRequest(t, body)
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	ev, err := ParseGroupEvent(r, docAppToken)
	require.NoError(t, err)
	assert.Equal(t, GroupEvent{Name: EventGroupAdd, GroupID: 12, Auth: EventAuth{ApplicationToken: docAppToken}}, *ev,
		"brackets unescaped, name in the docs' case, no handler ID, ts or user tokens")

	r = eventRequest(t, body)
	r.Header.Del("Content-Type")
	_, err = ParseGroupEvent(r, docAppToken)
	assert.NoError(t, err)
}

func TestParseGroupEventRejectsUntrustedRequests(t *testing.T) {
	add := eventFixture(t, "ONSONETGROUPADD")
	for name, tc := range map[string]struct{ body, expected string }{
		"forged token":          {eventFixture(t, "forged_token"), docAppToken},
		"missing token":         {strings.Replace(add, "auth%5Bapplication_token%5D", "auth%5Bother%5D", 1), docAppToken},
		"empty token":           {strings.Replace(add, docAppToken, "", 1), docAppToken},
		"token prefix":          {strings.Replace(add, docAppToken, docAppToken[:10], 1), docAppToken},
		"token twice":           {add + "&auth%5Bapplication_token%5D=forged", docAppToken},
		"nothing expected":      {add, ""},
		"forged, unknown event": {strings.Replace(eventFixture(t, "forged_token"), "ONSONETGROUPDELETE", "ONX", 1), docAppToken},
		"forged, no group ID":   {strings.Replace(eventFixture(t, "forged_token"), "=6675", "=", 1), docAppToken},
	} {
		ev, err := ParseGroupEvent(eventRequest(t, tc.body), tc.expected)
		assert.Nil(t, ev, name)
		assert.ErrorIs(t, err, ErrEventTokenMismatch, name)
		assert.NotErrorIs(t, err, ErrBadEvent, name)
		assert.NotContains(t, err.Error(), docAppToken, name)
	}
}

func TestParseGroupEventRejectsBadPayloads(t *testing.T) {
	add := eventFixture(t, "ONSONETGROUPADD")
	for name, tc := range map[string]struct {
		method, ctype, body string
		also                error
	}{
		"GET":            {http.MethodGet, "", "", nil},
		"JSON":           {"", "application/json", `{"event":"ONSONETGROUPADD"}`, nil},
		"multipart":      {"", "multipart/form-data; boundary=x", add, nil},
		"not a form":     {"", "", add + "&x=%zz", nil},
		"too large":      {"", "", add + "&pad=" + strings.Repeat("a", MaxEventBytes), ErrEventTooLarge},
		"other event":    {"", "", eventFixture(t, "other_event"), ErrUnknownEvent},
		"no event":       {"", "", strings.Replace(add, "event=ONSONETGROUPADD&", "", 1), ErrUnknownEvent},
		"no group ID":    {"", "", strings.Replace(add, "data%5BFIELDS%5D%5BID%5D=6675&", "", 1), nil},
		"group ID 0":     {"", "", strings.Replace(add, "=6675", "=0", 1), nil},
		"group ID text":  {"", "", strings.Replace(add, "=6675", "=abc", 1), nil},
		"group ID twice": {"", "", add + "&data%5BFIELDS%5D%5BID%5D=1", nil},
		"event twice":    {"", "", add + "&event=ONSONETGROUPDELETE", nil},
		"bad ts":         {"", "", strings.Replace(add, "ts=1736424182", "ts=yesterday", 1), nil},
		"bad expires_in": {"", "", strings.Replace(add, "expires_in%5D=3600", "expires_in%5D=-1", 1), nil},
		"bad handler ID": {"", "", strings.Replace(add, "event_handler_id=655", "event_handler_id=6.5", 1), nil},
		"domain twice":   {"", "", add + "&auth%5Bdomain%5D=evil.example", nil},
	} {
		r := eventRequest(t, tc.body)
		if tc.method != "" {
			r.Method = tc.method
		}
		if tc.ctype != "" {
			r.Header.Set("Content-Type", tc.ctype)
		}
		ev, err := ParseGroupEvent(r, docAppToken)
		assert.Nil(t, ev, name)
		assert.ErrorIs(t, err, ErrBadEvent, name)
		assert.NotErrorIs(t, err, ErrEventTokenMismatch, name)
		if tc.also != nil {
			assert.ErrorIs(t, err, tc.also, name)
		}
	}
}

// Several bad auth fields: the error names the first in the form's
// documented order, every time (the fields were read in a map's random
// order, so the message changed from run to run).
func TestParseGroupEventNamesTheSameBadFieldEveryTime(t *testing.T) {
	body := eventFixture(t, "ONSONETGROUPADD") + "&auth%5Bstatus%5D=F&auth%5Bscope%5D=x&auth%5Bdomain%5D=evil.example"
	for range 50 {
		ev, err := ParseGroupEvent(eventRequest(t, body), docAppToken)
		require.Nil(t, ev)
		require.ErrorIs(t, err, ErrBadEvent)
		require.Contains(t, err.Error(), "auth[domain] sent 2 times")
	}
}

func TestParseGroupEventNilRequest(t *testing.T) {
	ev, err := ParseGroupEvent(nil, docAppToken)
	assert.Nil(t, ev)
	assert.ErrorIs(t, err, ErrBadEvent)
	assert.EqualError(t, err, "sonetapp: event: nil request")
}

func TestEventHandlerStatuses(t *testing.T) {
	add := eventFixture(t, "ONSONETGROUPADD")
	for name, tc := range map[string]struct {
		method, body string
		fnErr        error
		status       int
		delivered    bool
	}{
		"ok":          {http.MethodPost, add, nil, http.StatusOK, true},
		"fn fails":    {http.MethodPost, add, errors.New("db down: " + docAccessToken), http.StatusInternalServerError, true},
		"forged":      {http.MethodPost, eventFixture(t, "forged_token"), nil, http.StatusForbidden, false},
		"no token":    {http.MethodPost, strings.Replace(add, "application_token", "x", 1), nil, http.StatusForbidden, false},
		"other event": {http.MethodPost, eventFixture(t, "other_event"), nil, http.StatusBadRequest, false},
		"too large":   {http.MethodPost, add + "&pad=" + strings.Repeat("a", MaxEventBytes), nil, http.StatusRequestEntityTooLarge, false},
		"GET":         {http.MethodGet, "", nil, http.StatusMethodNotAllowed, false},
	} {
		var got []*GroupEvent
		h := NewEventHandler(docAppToken, func(ctx context.Context, ev *GroupEvent) error {
			got = append(got, ev)
			return tc.fnErr
		})
		r := eventRequest(t, tc.body)
		r.Method = tc.method
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		assert.Equal(t, tc.status, w.Code, name)
		if tc.delivered {
			require.Len(t, got, 1, name)
			assert.Equal(t, GroupEvent{Name: EventGroupAdd, HandlerID: 655, GroupID: 6675,
				Time: time.Date(2025, 1, 9, 12, 3, 2, 0, time.UTC), Auth: docAuth()}, *got[0], name)
		} else {
			assert.Empty(t, got, name)
		}
		if tc.status == http.StatusOK {
			assert.Equal(t, "", w.Body.String(), name)
		} else {
			assert.Equal(t, http.StatusText(tc.status)+"\n", w.Body.String(), name)
		}
		if tc.status == http.StatusMethodNotAllowed {
			assert.Equal(t, "POST", w.Header().Get("Allow"))
		}
	}

	var calls int
	h := NewEventHandler("", func(context.Context, *GroupEvent) error { calls++; return nil })
	w := httptest.NewRecorder()
	h.ServeHTTP(w, eventRequest(t, add))
	assert.Equal(t, http.StatusForbidden, w.Code, "no token configured: nothing is trusted")
	assert.Zero(t, calls)
	assert.Panics(t, func() { NewEventHandler(docAppToken, nil) })
}

func TestEventAuthNeverPrintsTokens(t *testing.T) {
	ev, err := ParseGroupEvent(eventRequest(t, eventFixture(t, "ONSONETGROUPADD")), docAppToken)
	require.NoError(t, err)
	var buf bytes.Buffer
	for _, h := range []slog.Handler{slog.NewTextHandler(&buf, nil), slog.NewJSONHandler(&buf, nil)} {
		slog.New(h).Info("event", "ev", ev, "auth", ev.Auth, "value", *ev)
	}
	outputs := []string{
		fmt.Sprint(ev.Auth), fmt.Sprintf("%+v", ev.Auth), fmt.Sprintf("%#v", ev.Auth), fmt.Sprintf("%q", ev.Auth),
		fmt.Sprintf("%v", *ev), fmt.Sprintf("%+v", *ev), fmt.Sprintf("%#v", *ev), fmt.Sprintf("%+v", ev), buf.String(),
	}
	for _, out := range outputs {
		for _, secret := range []string{docAppToken, docAccessToken, docRefreshToken} {
			assert.NotContains(t, out, secret)
		}
	}
	assert.Equal(t, `sonetapp.EventAuth{domain: "some-domain.bitrix24.com", member_id: "a223c6b3710f85df22e9377d6c4f7553", `+
		`scope: "sonet", status: "L", client_endpoint: "https://some-domain.bitrix24.com/rest/", `+
		`server_endpoint: "https://oauth.bitrix.info/rest/", expires_in: 1h0m0s, access_token: set, refresh_token: set, `+
		`application_token: set}`, ev.Auth.String())
	assert.Contains(t, buf.String(), `"group_id":6675`)
	assert.Contains(t, buf.String(), `"access_token":"set"`)
}
