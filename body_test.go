package sonet

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// endless is a body that never ends: {"result":"aaaa...
type endless struct{ started bool }

func (e *endless) Read(p []byte) (int, error) {
	n := 0
	if !e.started {
		n = copy(p, `{"result":"`)
		e.started = true
	}
	for i := n; i < len(p); i++ {
		p[i] = 'a'
	}
	return len(p), nil
}

func endlessResponder(contentLength int64) httpmock.Responder {
	return func(*http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(&endless{}), ContentLength: contentLength}, nil
	}
}

// allocated returns the bytes allocated while f ran.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// Reading an endless body allocates about the cap, once: it is read in
// chunks that are never copied to grow, refused at the cap and not read
// again (the same answer would come again). Measured in bytes allocated,
// not time.
func TestEndlessBodyCostsTheCapOnce(t *testing.T) {
	const max = 4 << 20
	const slack = 3 << 19 // one chunk and the client's own small allocations
	c, mt := newMockClient(t, WithMaxResponseBytes(max), WithRetryPolicy(RetryPolicy{MaxAttempts: 5}))
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", endlessResponder(-1))
	var err error
	n := allocated(func() { _, err = c.ListGroups(context.Background(), nil) })
	assert.EqualError(t, err, "sonet: sonet_group.get: bad response (HTTP 200, application/json): body larger than 4194304 bytes")
	assert.Equal(t, 1, mt.GetTotalCallCount(), "not retried")
	assert.Less(t, n, uint64(max+slack), "bytes allocated")
	assert.Greater(t, n, uint64(max), "the body was read up to the cap")

	// Eight calls in flight: eight caps, no more.
	const calls = 8
	n = allocated(func() {
		var wg sync.WaitGroup
		for i := 0; i < calls; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := c.ListGroups(context.Background(), nil)
				assert.ErrorIs(t, err, ErrBadResponse)
			}()
		}
		wg.Wait()
	})
	assert.Less(t, n, uint64(calls*(max+slack)), "bytes allocated by %d calls", calls)
}

// A Content-Length above the cap is refused before reading anything.
func TestBodyAnnouncedLargerThanTheCapIsNotRead(t *testing.T) {
	c, mt := newMockClient(t, WithMaxResponseBytes(4<<20))
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", endlessResponder(100<<20))
	var err error
	n := allocated(func() { _, err = c.ListGroups(context.Background(), nil) })
	assert.ErrorIs(t, err, ErrBadResponse)
	assert.Less(t, n, uint64(256<<10), "bytes allocated")
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestReadBodyWithinTheCap(t *testing.T) {
	for _, size := range []int{0, 1, 1000, bodyChunk - 1, bodyChunk, bodyChunk + 1, 3 * bodyChunkMax, 4096 << 10} {
		body := bytes.Repeat([]byte("x"), size)
		got, err := readBody(bytes.NewReader(body), -1, 4096<<10)
		require.NoError(t, err, size)
		assert.Equal(t, body, got, size)
		got, err = readBody(bytes.NewReader(body), int64(size), 4096<<10)
		require.NoError(t, err, size)
		assert.Equal(t, body, got, size)
	}
	_, err := readBody(strings.NewReader(strings.Repeat("x", 4097)), -1, 4096)
	assert.ErrorIs(t, err, errTooLarge)
	_, err = readBody(strings.NewReader(strings.Repeat("x", 4097)), 4096, 4096)
	assert.ErrorIs(t, err, errTooLarge, "a transport reading past Content-Length")
	_, err = readBody(strings.NewReader("xx"), 10, 4096)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
}

// BenchmarkReadEndlessBody reports the bytes one read of an endless body
// allocates with a 4 MiB cap (go test -bench ReadEndlessBody -benchmem).
func BenchmarkReadEndlessBody(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := readBody(&endless{}, -1, 4<<20); err != errTooLarge {
			b.Fatal(err)
		}
	}
}
