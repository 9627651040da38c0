package sonet

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The webhook code echoed inside a result of every shape the decoders
// meet (a bare string, a field, a list entry, the workgroup wrappers), at
// every offset across the 40- and 120-rune cuts, through every public call
// that reads a result: no piece of 4 bytes or more is in any error or log
// line. A decoder that cut a value before the redactor saw it would leave
// the part of the code before the cut.
func TestNoCallQuotesAPieceOfASecretFromAnyResultShape(t *testing.T) {
	var logs bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(lockedBuffer{&mu, &logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, mt := newMockClient(t, WithRetryPolicy(RetryPolicy{MaxAttempts: 1}), WithLogger(logger))
	var result string
	mt.RegisterNoResponder(func(*http.Request) (*http.Response, error) {
		return httpmock.NewStringResponse(200, `{"result":`+result+`,"total":1}`), nil
	})
	ctx := context.Background()
	calls := map[string]func() error{
		"GetGroup":    func() error { _, err := c.GetGroup(ctx, 77); return err },
		"ListGroups":  func() error { _, err := c.ListGroups(ctx, nil); return err },
		"CreateGroup": func() error { _, err := c.CreateGroup(ctx, &GroupCreateRequest{Name: "x"}); return err },
		"UpdateGroup": func() error {
			_, err := c.UpdateGroup(ctx, &GroupUpdateRequest{GroupID: 77, Name: String("x")})
			return err
		},
		"DeleteGroup":      func() error { return c.DeleteGroup(ctx, 77) },
		"SetGroupOwner":    func() error { return c.SetGroupOwner(ctx, 77, 5) },
		"ListGroupMembers": func() error { _, err := c.ListGroupMembers(ctx, 77); return err },
		"AddGroupMembers":  func() error { _, err := c.AddGroupMembers(ctx, 77, 5); return err },
		"CanAccessFeature": func() error { _, err := c.CanAccessFeature(ctx, 77, FeatureTasks, OperationView); return err },
		"ListMyGroups":     func() error { _, err := c.ListMyGroups(ctx); return err },
		"GetWorkgroup":     func() error { _, err := c.GetWorkgroup(ctx, 77, nil); return err },
		"ListWorkgroups":   func() error { _, err := c.ListWorkgroups(ctx, nil); return err },
		"Call":             func() error { var v struct{ ID int }; _, err := c.Call(ctx, "x.y", nil, &v); return err },
		"RunBatch(create)": func() error {
			b := NewBatch()
			h := BatchCreateGroup(b, &GroupCreateRequest{Name: "x"})
			_ = c.RunBatch(ctx, b)
			return h.Err()
		},
		"RunBatch(get)": func() error { b := NewBatch(); h := BatchGetGroup(b, 77); _ = c.RunBatch(ctx, b); return h.Err() },
		"RunBatch(members)": func() error {
			b := NewBatch()
			h := BatchCall[[]int](b, "sonet_group.user.get", nil)
			_ = c.RunBatch(ctx, b)
			return h.Err()
		},
	}
	for offset := 0; offset <= 130; offset++ {
		s := `"` + strings.Repeat("a", offset) + "/rest/1/" + testWebhookCode + `/x"`
		for _, shape := range []string{
			s, `[` + s + `]`, `{"ID":` + s + `}`, `[{"ID":` + s + `}]`, `{"ID":"77","NAME":` + s + `}`,
			`{"group":` + s + `}`, `{"workgroups":` + s + `}`, `{"workgroups":[` + s + `]}`,
			`{"result":{"c0":` + s + `}}`,
		} {
			result = shape
			for name, call := range calls {
				if err := call(); err != nil {
					assert.Empty(t, pieces(err.Error()), "%s, offset %d, result %.60s", name, offset, shape)
				}
			}
		}
	}
	mu.Lock()
	defer mu.Unlock()
	require.NotZero(t, logs.Len(), "debug logging was on")
	assert.Empty(t, pieces(logs.String()), "logs")
}

type lockedBuffer struct {
	mu *sync.Mutex
	b  *bytes.Buffer
}

func (w lockedBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

// The token endpoint's error code goes through the redactor like its
// description: an echo of the refresh token in either leaves nothing.
func TestTokenAnswerErrorCodeIsRedacted(t *testing.T) {
	redact := redactor([]string{sentinelRefresh})
	for _, status := range []int{200, 400} {
		_, err := decodeTokenAnswer(status, "application/json",
			[]byte(`{"error":"bad `+sentinelRefresh+`","error_description":"for `+sentinelRefresh+`"}`), redact, time.Now())
		var oe *OAuthError
		require.ErrorAs(t, err, &oe)
		assert.NotContains(t, err.Error(), sentinelRefresh)
		assert.Equal(t, "bad [REDACTED]", oe.Code)
		assert.Equal(t, "for [REDACTED]", oe.Description)
	}
}
