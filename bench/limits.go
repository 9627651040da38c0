package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/b24kit/sonet"
	"github.com/b24kit/sonet/sonettest"
)

// limitsPortal is a portal on a virtual clock with server time: n groups,
// the standard plan's rate limit, the cloud operating limit and the given
// time per command, serving `serving` requests at once.
type limitsPortal struct {
	srv *sonettest.Server
	clk *vclock
}

func newLimitsPortal(n, serving int, perCommand time.Duration) *limitsPortal {
	clk := newVClock(time.Date(2026, 3, 19, 9, 0, 0, 0, time.UTC))
	srv := sonettest.NewServer(
		sonettest.WithClock(clk.portalNow),
		sonettest.WithRateLimit(sonet.StandardPlan.PerSecond, sonet.StandardPlan.Burst),
		sonettest.WithOperatingLimit(sonet.CloudOperatingBudget.Limit),
		sonettest.WithServerTime(sonettest.ServerTime{PerCommand: perCommand, Parallel: serving, Wait: clk.Sleep}),
	)
	for i := 1; i <= n; i++ {
		srv.AddGroup(sonettest.NewGroup(fmt.Sprint("Group ", i)))
	}
	return &limitsPortal{srv: srv, clk: clk}
}

func (p *limitsPortal) Close() { p.srv.Close(); p.clk.Close() }

// scanResult is what one scan on a limits portal measured.
type scanResult struct {
	virtual    time.Duration
	requests   int
	queryLimit int // 503 QUERY_LIMIT_EXCEEDED answers
	cutOff     int
	refused    int // OPERATION_TIME_LIMIT refusals (commands)
	repeated   int // requests sent again with the same body
	serverTime time.Duration
	rows       int
	inOrder    bool
	real       time.Duration
}

// scan runs ScanGroups with tuning against p with a fresh client (its own
// limiter), after the portal's rate bucket has drained.
func (p *limitsPortal) scan(n int, tuning sonet.ScanTuning) scanResult {
	ctx := context.Background()
	_ = p.clk.Sleep(ctx, time.Duration(float64(sonet.StandardPlan.Burst)/sonet.StandardPlan.PerSecond*float64(time.Second)))
	c, err := sonet.NewWebhookClient(p.srv.WebhookURL(), sonet.WithClock(p.clk), sonet.WithPlan(sonet.StandardPlan),
		sonet.WithHTTPClient(&http.Client{Transport: inproc{h: p.srv.Handler(), clk: p.clk}}))
	must(err)
	p.srv.ResetRequests()
	before := p.srv.Stats()

	realStart := time.Now()
	start := p.clk.Now()
	r := scanResult{inOrder: true}
	for g, err := range c.ScanGroups(ctx, &sonet.GroupScanOptions{ScanTuning: tuning}) {
		must(err)
		r.rows++
		if g.ID != r.rows { // the portal holds IDs 1..n
			r.inOrder = false
		}
	}
	r.virtual = p.clk.Now().Sub(start)
	r.real = time.Since(realStart)
	after := p.srv.Stats()
	r.cutOff = after.CutOff - before.CutOff
	r.refused = after.OperatingRefused - before.OperatingRefused
	r.serverTime = after.ServerTime - before.ServerTime
	seen := map[string]bool{}
	for _, q := range p.srv.Requests() {
		r.requests++
		if q.HTTPStatus == http.StatusServiceUnavailable {
			r.queryLimit++
		}
		if seen[q.Body] {
			r.repeated++
		}
		seen[q.Body] = true
	}
	return r
}

// budgetMinimum is the least wall time commands of total server time can
// take under a budget of limit per window with `serving` at once: every
// full budget needs its own window, the rest runs in parallel.
func budgetMinimum(total, limit, window time.Duration, serving int) time.Duration {
	full := total / limit
	if full*limit == total {
		full--
	}
	return time.Duration(full)*window + (total-time.Duration(full)*limit)/time.Duration(serving)
}

func limitRow(name string, r scanResult, target string, ok bool) {
	met := "yes"
	if !ok {
		met = "**no**"
	}
	fmt.Printf("| %s | %d | %d | %d | %d | %s | %s | %s |\n", name, r.requests, r.queryLimit, r.cutOff, r.refused,
		r.virtual.Round(100*time.Millisecond), target, met)
}

// limitsCases runs issue #14's three scenarios on n groups.
func limitsCases(n int) {
	fmt.Println()
	fmt.Printf("Portal at its real limits (issue #14): %d groups, standard plan (2 requests/s, burst 50), cloud operating budget %s per %s, "+
		"server time simulated on a virtual clock shared by client and portal (client CPU time not counted).\n\n",
		n, sonet.CloudOperatingBudget.Limit, sonet.CloudOperatingBudget.Window)
	fmt.Println("| Case | HTTP requests | 503 | 504 cut off | OPERATION_TIME_LIMIT | Time (virtual) | Target | Met |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---|---|")
	const serving = 8
	reqCap := 45

	// 1. 50 ms a command: parallel ranges against one walk.
	p := newLimitsPortal(n, serving, 50*time.Millisecond)
	seq := p.scan(n, sonet.ScanTuning{})
	par := p.scan(n, sonet.ScanTuning{Parallel: serving})
	p.Close()
	limitRow(fmt.Sprintf("50 ms/command, %d served at once: ScanGroups, one walk (%d rows)", serving, seq.rows), seq,
		"baseline", seq.rows == n && seq.inOrder)
	ratio := float64(par.virtual) / float64(seq.virtual)
	// The heap is measured in the memory case, with the portal in a child
	// process: here the portal's own allocations would count.
	limitRow(fmt.Sprintf("same, Parallel: %d (%d rows, in ID order: %v): **%.2f× the one walk's time**", serving, par.rows, par.inOrder, ratio), par,
		fmt.Sprintf("≤ 0.25×, ≤ %d requests, zero 503, rows identical in order (heap: memory case)", reqCap),
		ratio <= 0.25 && par.requests <= reqCap && par.queryLimit == 0 && par.rows == n && par.inOrder)

	// 2. 2 s a command: sized under the cut-off, bound by the budget.
	p = newLimitsPortal(n, serving, 2*time.Second)
	slow := p.scan(n, sonet.ScanTuning{Parallel: serving})
	p.Close()
	b := sonet.CloudOperatingBudget
	bound := budgetMinimum(slow.serverTime, b.Limit, b.Window, serving)
	limitRow(fmt.Sprintf("2 s/command, Parallel: %d (%d rows; %s of server time; budget-bound minimum %s): **%.2f× the minimum**",
		serving, slow.rows, slow.serverTime.Round(time.Second), bound.Round(time.Second), float64(slow.virtual)/float64(bound)), slow,
		"no cut-off, no read repeated, ≤ 1.2× the minimum",
		slow.cutOff == 0 && slow.repeated == 0 && slow.virtual <= bound*12/10 && slow.rows == n && slow.inOrder)

	// 3. 0.3 s a command, 480 s per 600 s: paced against unpaced.
	for _, unpaced := range []bool{false, true} {
		p = newLimitsPortal(n, serving, 300*time.Millisecond)
		r := p.scan(n, sonet.ScanTuning{Parallel: serving, Unpaced: unpaced})
		p.Close()
		bound := budgetMinimum(r.serverTime, b.Limit, b.Window, serving)
		name := "paced"
		target, ok := "zero OPERATION_TIME_LIMIT", r.refused == 0
		if unpaced {
			name, target, ok = "pacing off (refusals waited out)", "for comparison", true
		}
		limitRow(fmt.Sprintf("0.3 s/command, Parallel: %d, %s (%d rows; budget-bound minimum %s): **%.2f× the minimum**",
			serving, name, r.rows, bound.Round(time.Second), float64(r.virtual)/float64(bound)), r, target, ok && r.rows == n && r.inOrder)
	}
}
