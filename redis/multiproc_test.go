package sonetredis_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/url"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/b24kit/sonet"
	sonetredis "github.com/b24kit/sonet/redis"
	"github.com/b24kit/sonet/sonettest"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The multi-process proof: the test binary runs again as a portal process
// (one sonettest server at the standard plan, 2 requests/s, burst 50) and
// as N worker processes that call it as fast as their limiter lets them,
// sharing one OAuth grant in a Redis TokenStore. The token is expired
// before the workers start (all of them meet it on their first call) and
// again mid-run. The run's phases follow what the portal saw, not the
// wall clock, so a slow start on a loaded machine shortens nothing: the
// steady state is measured for a fixed time after the burst is through.

const roleEnv = "SONET_MULTI_ROLE"

// portalInfo is what the portal process prints on its first line. The
// tokens are the fake portal's, handed to the parent over a pipe.
type portalInfo struct {
	URL          string `json:"url"`
	Access       string `json:"access"`
	Refresh      string `json:"refresh"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
}

type wireRecord struct {
	Method string `json:"m"`
	Status int    `json:"s"`
	At     int64  `json:"t"` // server time, unix nanoseconds
}

// runPortal serves a fake portal until its standard input closes. Commands
// on standard input: "expire" (expire the access token), "stats" (print
// every request as JSON), "quit".
func runPortal() int {
	srv := sonettest.NewServer(sonettest.WithRateLimit(sonet.StandardPlan.PerSecond, sonet.StandardPlan.Burst))
	defer srv.Close()
	out := json.NewEncoder(os.Stdout)
	out.Encode(portalInfo{srv.PortalURL(), srv.AccessToken(), srv.RefreshToken(), srv.ClientID(), srv.ClientSecret()})
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		switch in.Text() {
		case "expire":
			srv.ExpireAccessToken()
			out.Encode(time.Now().UnixNano())
		case "stats":
			var recs []wireRecord
			for _, r := range srv.Requests() {
				recs = append(recs, wireRecord{r.Method, r.HTTPStatus, r.Time.UnixNano()})
			}
			out.Encode(recs)
		case "quit":
			return 0
		}
	}
	return 0
}

type workerReport struct {
	OK     int            `json:"ok"`
	Errors map[string]int `json:"errors"`
}

// runWorker calls the portal until its standard input closes (or, as a
// safety net, the stop time), with the Redis limiter
// (SONET_MULTI_LIMITER=redis) or an in-process one (local), and prints a
// workerReport.
func runWorker() int {
	fail := func(err error) int { fmt.Fprintln(os.Stderr, "worker:", err); return 1 }
	var info portalInfo
	if err := json.Unmarshal([]byte(os.Getenv("SONET_MULTI_PORTAL")), &info); err != nil {
		return fail(err)
	}
	stopNano, _ := strconv.ParseInt(os.Getenv("SONET_MULTI_STOP"), 10, 64)
	ctx, cancel := context.WithDeadline(context.Background(), time.Unix(0, stopNano))
	defer cancel()
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		cancel()
	}()
	rdb := redis.NewClient(&redis.Options{Addr: os.Getenv("SONET_REDIS_ADDR")})
	defer rdb.Close()
	u, _ := url.Parse(info.URL)
	prefix := os.Getenv("SONET_MULTI_PREFIX")
	appScope := sonetredis.AppScope(u.Host, info.ClientID)
	appScope.Prefix = prefix
	store, err := sonetredis.NewTokenStore(rdb, appScope)
	if err != nil {
		return fail(err)
	}
	var lim sonet.Limiter = sonet.NewRateLimiter(sonet.StandardPlan.PerSecond, sonet.StandardPlan.Burst)
	if os.Getenv("SONET_MULTI_LIMITER") == "redis" {
		if lim, err = sonetredis.NewLimiter(rdb, appScope, sonet.StandardPlan); err != nil {
			return fail(err)
		}
	}
	app, err := sonet.NewOAuthApp(info.ClientID, info.ClientSecret, sonet.WithTokenURL(info.URL+"oauth/token/"))
	if err != nil {
		return fail(err)
	}
	c, err := sonet.NewOAuthAppClient(ctx, app, store, sonet.WithLimiter(lim))
	if err != nil {
		return fail(err)
	}
	rep := workerReport{Errors: map[string]int{}}
	for ctx.Err() == nil {
		_, err := c.ListGroups(ctx, nil)
		switch {
		case err == nil:
			rep.OK++
		case ctx.Err() != nil:
		default:
			rep.Errors[err.Error()]++
		}
	}
	json.NewEncoder(os.Stdout).Encode(rep)
	return 0
}

// multiResult holds the figures of one run.
type multiResult struct {
	Procs         int
	Limiter       string
	Requests      int // REST requests on the wire
	QueryLimit    int // 503 QUERY_LIMIT_EXCEEDED answers
	Expired       int // 401 answers (calls made with the expired token)
	TokenRequests int // requests to the token endpoint
	Expiries      int
	Rate          float64 // steady-state successful requests per second
	Share         float64 // Rate / the plan's rate
	Window        time.Duration
	// Excess is how far, in requests, the REST requests that reached the
	// portal ran ahead of a leaky bucket of the plan's burst and rate
	// started at the first one: at most 0 for a limiter that keeps the
	// plan, whatever the delays between the grant and the arrival (a
	// delay only makes a request later).
	Excess         float64
	WorkerErrors   map[string]int
	WorkerOK       int
	TokenSucceeded int
}

// runMulti runs procs workers: through the first burst, steadyFor of
// steady state, a second expiry, three more seconds; then measures.
func runMulti(t *testing.T, procs int, limiter string, steadyFor time.Duration) multiResult {
	t.Helper()
	addr := needRedis(t)
	rdb, prefix := newRedis(t)

	portal := exec.Command(os.Args[0], "-test.run=^$")
	portal.Env = append(os.Environ(), roleEnv+"=portal")
	portal.Stderr = os.Stderr
	stdin, err := portal.StdinPipe()
	require.NoError(t, err)
	stdout, err := portal.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, portal.Start())
	var workers []*exec.Cmd
	var ins []io.Closer // the workers' standard input
	// Whatever happens (a failed require included), no process outlives
	// the test: closed pipes end the portal and the workers, and any still
	// running is killed.
	t.Cleanup(func() {
		stdin.Close()
		for _, in := range ins {
			in.Close()
		}
		for _, p := range append(workers, portal) {
			if p.ProcessState == nil {
				done := make(chan struct{})
				go func() { p.Wait(); close(done) }()
				select {
				case <-done:
				case <-time.After(5 * time.Second):
					p.Process.Kill()
					<-done
				}
			}
		}
	})
	dec := json.NewDecoder(stdout)
	var info portalInfo
	require.NoError(t, dec.Decode(&info))
	ask := func(cmd string, v any) {
		t.Helper()
		_, err := io.WriteString(stdin, cmd+"\n")
		require.NoError(t, err)
		require.NoError(t, dec.Decode(v))
	}

	// The stored pair is expired before anyone starts.
	u, err := url.Parse(info.URL)
	require.NoError(t, err)
	scope := sonetredis.AppScope(u.Host, info.ClientID)
	scope.Prefix = prefix
	store, err := sonetredis.NewTokenStore(rdb, scope)
	require.NoError(t, err)
	require.NoError(t, store.Save(context.Background(), sonet.Token{AccessToken: info.Access, RefreshToken: info.Refresh, ClientEndpoint: info.URL + "rest/"}))
	var expiredAt int64
	ask("expire", &expiredAt)

	infoJSON, _ := json.Marshal(info)
	// The workers stop when their standard input closes; the stop time
	// only bounds a run whose parent died.
	stop := time.Now().Add(3 * time.Minute)
	outs := make([]*json.Decoder, procs)
	for i := range outs {
		w := exec.Command(os.Args[0], "-test.run=^$")
		w.Env = append(os.Environ(), roleEnv+"=worker", "SONET_REDIS_ADDR="+addr, "SONET_MULTI_PREFIX="+prefix,
			"SONET_MULTI_PORTAL="+string(infoJSON), "SONET_MULTI_LIMITER="+limiter,
			"SONET_MULTI_STOP="+strconv.FormatInt(stop.UnixNano(), 10))
		w.Stderr = os.Stderr
		out, err := w.StdoutPipe()
		require.NoError(t, err)
		in, err := w.StdinPipe()
		require.NoError(t, err)
		require.NoError(t, w.Start())
		workers = append(workers, w)
		outs[i] = json.NewDecoder(out)
		ins = append(ins, in)
	}
	// Wait (a minute at most) until the portal has answered the burst and
	// the first steady requests, then measure for steadyFor.
	from := sonet.StandardPlan.Burst + 5
	for deadline := time.Now().Add(time.Minute); ; {
		var recs []wireRecord
		ask("stats", &recs)
		ok := 0
		for _, r := range recs {
			if r.Method != "oauth/token" && r.Status == 200 {
				ok++
			}
		}
		if ok > from {
			break
		}
		require.True(t, time.Now().Before(deadline), "after a minute the portal has answered only %d calls", ok)
		time.Sleep(250 * time.Millisecond)
	}
	time.Sleep(steadyFor)
	var midAt int64
	ask("expire", &midAt)
	time.Sleep(3 * time.Second)
	for _, in := range ins {
		in.Close()
	}

	res := multiResult{Procs: procs, Limiter: limiter, Expiries: 2, WorkerErrors: map[string]int{}}
	for i, w := range workers {
		var rep workerReport
		require.NoError(t, outs[i].Decode(&rep), "worker %d report", i)
		require.NoError(t, w.Wait())
		res.WorkerOK += rep.OK
		for k, v := range rep.Errors {
			res.WorkerErrors[k] += v
		}
	}
	var recs []wireRecord
	ask("stats", &recs)
	_, _ = io.WriteString(stdin, "quit\n")

	var okTimes, allTimes []int64
	for _, r := range recs {
		if r.Method != "oauth/token" {
			allTimes = append(allTimes, r.At)
		}
		if r.Method == "oauth/token" {
			res.TokenRequests++
			if r.Status == 200 {
				res.TokenSucceeded++
			}
			continue
		}
		res.Requests++
		switch r.Status {
		case 503:
			res.QueryLimit++
		case 401:
			res.Expired++
		case 200:
			if r.At < midAt {
				okTimes = append(okTimes, r.At)
			}
		}
	}
	// Steady state: from the burst's end plus a margin to the second
	// expiry. The rate is the least-squares slope of the successful
	// requests' times, so one request a little late or early at either end
	// of the window (a loaded machine) does not move it.
	sort.Slice(allTimes, func(i, j int) bool { return allTimes[i] < allTimes[j] })
	res.Excess = bucketExcess(allTimes, sonet.StandardPlan.Burst, sonet.StandardPlan.PerSecond)
	sort.Slice(okTimes, func(i, j int) bool { return okTimes[i] < okTimes[j] })
	if len(okTimes) > from+2 {
		w := okTimes[from:]
		res.Window = time.Duration(w[len(w)-1] - w[0])
		res.Rate = 1 / secondsPerRequest(w)
		res.Share = res.Rate / sonet.StandardPlan.PerSecond
	}
	return res
}

// bucketExcess returns the most the requests at times (unix nanoseconds,
// sorted) ran ahead of a leaky bucket of burst requests draining at rate
// per second from the first of them: max over k of k+1 - burst - rate*(t_k
// - t_0). The requests never let the bucket run empty here (the workers
// call without pause), so this is the level the portal's own bucket saw.
func bucketExcess(times []int64, burst int, rate float64) float64 {
	excess := math.Inf(-1)
	for k, at := range times {
		excess = max(excess, float64(k+1-burst)-rate*float64(at-times[0])/1e9)
	}
	return excess
}

// secondsPerRequest fits times (unix nanoseconds, sorted) against their
// index by least squares and returns the slope in seconds.
func secondsPerRequest(times []int64) float64 {
	n := float64(len(times))
	var mi, mt float64
	for i, at := range times {
		mi += float64(i)
		mt += float64(at-times[0]) / 1e9
	}
	mi, mt = mi/n, mt/n
	var cov, vari float64
	for i, at := range times {
		di := float64(i) - mi
		cov += di * (float64(at-times[0])/1e9 - mt)
		vari += di * di
	}
	return cov / vari
}

func (r multiResult) row() string {
	return fmt.Sprintf("| %d | %s | %.1f%% (%.3f/s over %s) | %d of %d | %d per expiry (%d token requests, %d expiries) | %d |",
		r.Procs, r.Limiter, r.Share*100, r.Rate, r.Window.Round(100*time.Millisecond), r.QueryLimit, r.Requests,
		r.TokenRequests/r.Expiries, r.TokenRequests, r.Expiries, sumErrors(r.WorkerErrors))
}

func sumErrors(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// Four processes, one budget: not one QUERY_LIMIT_EXCEEDED, at least 95%
// of the allowed rate in steady state, one refresh per expiry.
func TestFourProcessesShareOneBudgetAndOneGrant(t *testing.T) {
	needRedis(t)
	// Fifteen seconds of steady state (about 30 arrivals), not six (about
	// 13): the fitted slope moves by about 12δ/n² of the rate when one
	// arrival is late by δ seconds, so a loaded machine that delayed one
	// request by half a second took a 13-arrival fit below the 95% bound
	// (94.6%, no 503, every call answered); with 30 it takes a delay of
	// several seconds.
	r := runMulti(t, 4, "redis", 15*time.Second)
	t.Log("| processes | limiter | steady rate / allowed | 503 on the wire | refreshes | failed calls |")
	t.Log(r.row())
	t.Logf("ahead of the plan's bucket by at most %.2f requests", r.Excess)
	assert.Zero(t, r.QueryLimit, "QUERY_LIMIT_EXCEEDED on the wire")
	assert.GreaterOrEqual(t, r.Share, 0.95, "steady-state rate %.3f/s over %s", r.Rate, r.Window)
	// Not faster than the plan: a fitted slope over a dozen arrivals moves
	// by a few percent when a loaded machine delays one of them (a run
	// measured 104%), so the bound is the bucket itself, which delays
	// cannot raise. One request of slack covers the first arrival being
	// later than its grant; a limiter 10% fast, or one request over the
	// burst, exceeds it.
	assert.LessOrEqual(t, r.Excess, 1.0, "ran ahead of the plan's bucket (burst %d, %.0f/s)", sonet.StandardPlan.Burst, sonet.StandardPlan.PerSecond)
	assert.GreaterOrEqual(t, r.Window, 5*time.Second)
	assert.Equal(t, 2, r.TokenRequests, "one refresh per expiry across four processes")
	assert.Equal(t, 2, r.TokenSucceeded)
	assert.Empty(t, r.WorkerErrors)
	assert.Positive(t, r.Expired, "the workers met the expired tokens")
}

// The figures of the README: 1, 2 and 4 processes on the Redis limiter and
// 4 on in-process limiters. About a minute; run with
// SONET_MULTI_FIGURES=1 go test -run TestMultiProcessFigures -v .
func TestMultiProcessFigures(t *testing.T) {
	if os.Getenv("SONET_MULTI_FIGURES") == "" {
		t.Skip("set SONET_MULTI_FIGURES=1 to measure the README's table")
	}
	needRedis(t)
	rows := []string{"| processes | limiter | steady rate / allowed | 503 on the wire | refreshes | failed calls |", "|---:|---|---|---|---|---:|"}
	for _, tc := range []struct {
		procs   int
		limiter string
	}{{1, "redis"}, {2, "redis"}, {4, "redis"}, {4, "local"}} {
		r := runMulti(t, tc.procs, tc.limiter, 6*time.Second)
		rows = append(rows, r.row())
		if len(r.WorkerErrors) > 0 {
			b, _ := json.Marshal(r.WorkerErrors)
			t.Logf("%d x %s: errors %s", tc.procs, tc.limiter, b)
		}
	}
	for _, row := range rows {
		t.Log(row)
	}
}
