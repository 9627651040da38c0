// Command bench measures the SDK against the sonettest fake portal with the
// portal's rate limits switched on and prints a markdown table:
//
//	go run ./bench                 # every case
//	go run ./bench -case list      # list, create, batch, memory or limits
//
// By default time is simulated: client and portal share a clock that is the
// real clock plus every rate-limit wait, skipped at once. The figures are
// then what a real run would take (the waits are exact, the work is real),
// and the naive 100,000-group listing takes seconds instead of 1,000 s.
// -realtime waits for real.
//
// The limits case (issue #14) simulates the portal's server time too: the
// portal serves 8 requests at once, each command takes a fixed time, long
// requests are cut off at 60 s and every command is billed to the
// operating budget; client and portal share a virtual clock (vclock.go)
// that stands still while anyone works and jumps when everyone waits.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/b24kit/sonet"
	"github.com/b24kit/sonet/internal/simclock"
	"github.com/b24kit/sonet/sonettest"
)

func main() {
	which := flag.String("case", "all", "list, create, batch, memory, limits or all")
	groups := flag.Int("groups", 100_000, "groups on the portal for the listing and memory cases")
	creates := flag.Int("creates", 300, "groups to create in the create cases")
	realtime := flag.Bool("realtime", false, "wait for rate limits in real time instead of simulating the waits")
	serve := flag.Int("serve", -1, "internal: serve a fake portal with this many groups and print its webhook URL")
	flag.Parse()
	if *serve >= 0 {
		serveFake(*serve)
		return
	}
	var clk clock = simclock.Real{}
	mode := "real time"
	if !*realtime {
		clk = &simclock.Skipping{}
		mode = "simulated waits (real work, rate-limit waits skipped and added to the clock)"
	}
	fmt.Printf("Clock: %s. Portal: sonettest, Go %s, %s/%s, %d CPU.\n\n", mode, runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
	fmt.Println("| Case | HTTP requests | 503 answers | Time | Target | Met |")
	fmt.Println("|---|---:|---:|---:|---|---|")
	run := func(name string) bool { return *which == "all" || *which == name }
	if run("list") {
		listCases(clk, *groups)
	}
	if run("create") {
		createCase(clk, *creates, false)
	}
	if run("batch") {
		createCase(clk, *creates, true)
	}
	if run("memory") {
		memoryCase(*groups, 0)
		memoryCase(*groups, 8)
	}
	if run("limits") {
		limitsCases(*groups)
	}
}

type clock interface {
	sonet.Clock
}

func row(name string, reqs, fails int, d time.Duration, target string, ok bool) {
	met := "yes"
	if !ok {
		met = "**no**"
	}
	fmt.Printf("| %s | %d | %d | %s | %s | %s |\n", name, reqs, fails, d.Round(10*time.Millisecond), target, met)
}

func stats(srv *sonettest.Server) (reqs, fails int) {
	for _, r := range srv.Requests() {
		reqs++
		if r.HTTPStatus == 503 {
			fails++
		}
	}
	return reqs, fails
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func newPortal(clk clock, n int, opts ...sonettest.Option) *sonettest.Server {
	srv := sonettest.NewServer(append(opts, sonettest.WithClock(clk.Now))...)
	for i := 1; i <= n; i++ {
		srv.AddGroup(sonettest.NewGroup(fmt.Sprint("Group ", i)))
	}
	return srv
}

// listCases lists every group page by page and with ScanGroups, under the
// standard plan (2 requests/s, burst 50) on both sides.
func listCases(clk clock, n int) {
	srv := newPortal(clk, n, sonettest.WithRateLimit(sonet.StandardPlan.PerSecond, sonet.StandardPlan.Burst))
	defer srv.Close()
	ctx := context.Background()
	walk := func(name string, seq func(func(sonet.Group, error) bool), target string, maxReqs int) {
		srv.ResetRequests()
		start := clk.Now()
		rows, last := 0, 0
		for g, err := range seq {
			must(err)
			if g.ID <= last {
				must(fmt.Errorf("%s: ID %d after %d", name, g.ID, last))
			}
			last = g.ID
			rows++
		}
		d := clk.Now().Sub(start)
		reqs, fails := stats(srv)
		row(fmt.Sprintf("%s, %d groups (%d rows read)", name, n, rows), reqs, fails, d, target, rows == n && fails == 0 && reqs <= maxReqs)
	}
	// The walks are lazy: each starts when walk ranges over it.
	c, err := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithClock(clk), sonet.WithPlan(sonet.StandardPlan))
	must(err)
	pages := (n + sonet.PageSize - 1) / sonet.PageSize
	walk("List page by page (AllGroups, ORDER ID ASC)", c.AllGroups(ctx, &sonet.GroupListOptions{Order: sonet.Order{sonet.FieldID.Asc()}}),
		fmt.Sprintf("%d requests, zero 503", max(pages, 1)), max(pages, 1))
	// A fresh portal bucket for the second walk: wait until it has drained.
	_ = clk.Sleep(ctx, time.Duration(float64(sonet.StandardPlan.Burst)/sonet.StandardPlan.PerSecond*float64(time.Second)))
	c2, err := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithClock(clk), sonet.WithPlan(sonet.StandardPlan))
	must(err)
	fast := pages/sonet.MaxBatchCommands + 1
	walk("List fast (ScanGroups: chained ID cursor in batch)", c2.ScanGroups(ctx, nil), fmt.Sprintf("<= %d requests, zero 503", fast), fast)
}

// createCase creates groups one call each, or through batch, with the
// portal and the client at 20 requests/s, burst 10.
func createCase(clk clock, n int, batch bool) {
	srv := newPortal(clk, 0, sonettest.WithRateLimit(20, 10))
	defer srv.Close()
	c, err := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithClock(clk), sonet.WithRateLimit(20, 10))
	must(err)
	ctx := context.Background()
	start := clk.Now()
	if batch {
		b := sonet.NewBatch()
		for i := 0; i < n; i++ {
			sonet.BatchCreateGroup(b, &sonet.GroupCreateRequest{Name: fmt.Sprint("Batch ", i)})
		}
		must(c.RunBatch(ctx, b))
	} else {
		for i := 0; i < n; i++ {
			_, err := c.CreateGroup(ctx, &sonet.GroupCreateRequest{Name: fmt.Sprint("Create ", i)})
			must(err)
		}
	}
	d := clk.Now().Sub(start)
	reqs, fails := stats(srv)
	made := len(srv.Groups())
	if batch {
		want := (n + sonet.MaxBatchCommands - 1) / sonet.MaxBatchCommands
		row(fmt.Sprintf("%d creates through batch at 20/s, burst 10 (%d made)", n, made), reqs, fails, d,
			fmt.Sprintf("%d requests, zero 503", want), made == n && fails == 0 && reqs == want)
		return
	}
	ideal := time.Duration(float64(n-10) / 20 * float64(time.Second))
	row(fmt.Sprintf("%d creates, one call each, at 20/s, burst 10 (%d made)", n, made), reqs, fails, d,
		fmt.Sprintf("zero 503, within 10%% of %s", ideal), made == n && fails == 0 && d <= ideal*11/10 && d >= ideal*9/10)
}

// memoryCase streams every group from a portal in a child process (so the
// portal's own memory is not counted) and samples HeapInuse; parallel > 1
// walks that many ID ranges at once, in ID order.
func memoryCase(n, parallel int) {
	cmd := exec.Command(os.Args[0], "-serve", fmt.Sprint(n))
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	must(err)
	out, err := cmd.StdoutPipe()
	must(err)
	must(cmd.Start())
	defer func() { in.Close(); _ = cmd.Wait() }()
	url, err := bufio.NewReader(out).ReadString('\n')
	must(err)
	c, err := sonet.NewWebhookClient(strings.TrimSpace(url))
	must(err)
	runtime.GC()
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	start := time.Now()
	rows, ordered := 0, true
	for g, err := range c.ScanGroups(context.Background(), &sonet.GroupScanOptions{ScanTuning: sonet.ScanTuning{Parallel: parallel}}) {
		must(err)
		rows++
		ordered = ordered && g.ID == rows
	}
	d := time.Since(start)
	close(stop)
	wg.Wait()
	mib := float64(peak.Load()) / (1 << 20)
	how := "one walk"
	if parallel > 1 {
		how = fmt.Sprintf("Parallel: %d, in ID order", parallel)
	}
	fmt.Printf("| Peak heap streaming %d groups with ScanGroups, %s (%d rows; portal in a child process): **%.1f MiB** HeapInuse | - | - | %s | < 64 MiB | %s |\n",
		n, how, rows, mib, d.Round(10*time.Millisecond), map[bool]string{true: "yes", false: "**no**"}[mib < 64 && rows == n && ordered])
}

// serveFake runs a fake portal with the standard plan's limits until stdin
// closes.
func serveFake(n int) {
	srv := newPortal(simclock.Real{}, n, sonettest.WithRateLimit(sonet.StandardPlan.PerSecond, sonet.StandardPlan.Burst))
	defer srv.Close()
	fmt.Println(srv.WebhookURL())
	_, _ = io.Copy(io.Discard, os.Stdin)
}
