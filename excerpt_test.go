package sonet

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pieces returns every piece of the webhook code of 4 bytes or more that
// text holds.
func pieces(text string) []string {
	var found []string
	for n := 4; n <= len(testWebhookCode); n++ {
		for i := 0; i+n <= len(testWebhookCode); i++ {
			if p := testWebhookCode[i : i+n]; strings.Contains(text, p) {
				found = append(found, p)
			}
		}
	}
	return found
}

// The webhook code echoed in an unreadable result, at every offset from 0
// to past the longest cut (120 runes for the excerpt, 40 for a value),
// through GetGroup, CreateGroup and a batch command: no piece of it is in
// the error string or the Excerpt.
func TestExcerptsNeverHoldAPieceOfASecretAtAnyOffset(t *testing.T) {
	c, mt := newMockClient(t, WithRetryPolicy(RetryPolicy{MaxAttempts: 1}))
	var result string
	answer := func(body func() string) httpmock.Responder {
		return func(*http.Request) (*http.Response, error) {
			return httpmock.NewStringResponse(200, body()), nil
		}
	}
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", answer(func() string { return `{"result":` + result + `}` }))
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.create", answer(func() string { return `{"result":` + result + `}` }))
	mt.RegisterResponder("POST", testEndpoint+"batch", answer(func() string {
		return `{"result":{"result":{"c0":` + result + `,"c1":` + result + `},"result_error":[],"result_total":[],"result_next":[],"result_time":[]}}`
	}))
	for offset := 0; offset <= 140; offset++ {
		result = `"` + strings.Repeat("a", offset) + "/rest/1/" + testWebhookCode + `/sonet_group.get"`
		var errs []error
		_, err := c.GetGroup(context.Background(), 77)
		errs = append(errs, err)
		_, err = c.CreateGroup(context.Background(), &GroupCreateRequest{Name: "x"})
		errs = append(errs, err)
		b := NewBatch()
		get := BatchGetGroup(b, 77)
		create := BatchCreateGroup(b, &GroupCreateRequest{Name: "x"})
		require.Error(t, c.RunBatch(context.Background(), b))
		errs = append(errs, get.Err(), create.Err())
		for i, err := range errs {
			require.Error(t, err)
			var re *ResponseError
			require.ErrorAs(t, err, &re)
			where := fmt.Sprintf("offset %d, call %d", offset, i)
			assert.Empty(t, pieces(err.Error()), where)
			assert.Empty(t, pieces(re.Excerpt), where)
			assert.Empty(t, pieces(re.Reason), where)
		}
	}
}
