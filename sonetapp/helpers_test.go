package sonetapp

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/b24kit/sonet"
	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"
)

const (
	testMemberID  = "a223c6b3710f85df22e9377d6c4f7553"
	featureBody   = "GROUP_ID=77&FEATURE=blog&OPERATION=write_post"
	featureMethod = "sonet_group.feature.access"
)

// fixture returns the bytes of testdata/<path>.
func fixture(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", filepath.FromSlash(path)))
	require.NoError(t, err)
	return b
}

// callFeature makes one call through a client built from an event or page.
func callFeature(c *sonet.Client) (bool, error) {
	return c.CanAccessFeature(context.Background(), 77, sonet.FeatureBlog, sonet.OperationWritePost)
}

// recorded captures the bodies a mock responder saw, in order.
type recorded struct {
	mu     sync.Mutex
	bodies []string
}

func (r *recorded) Bodies() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.bodies...)
}

// respond returns a responder that records each request body and answers
// with status and body, as JSON.
func (r *recorded) respond(status int, body []byte) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.bodies = append(r.bodies, string(b))
		r.mu.Unlock()
		resp := httpmock.NewBytesResponse(status, body)
		resp.Header.Set("Content-Type", "application/json; charset=utf-8")
		return resp, nil
	}
}
