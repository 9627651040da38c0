package sonet

import (
	"context"
	"sync"
	"time"
)

// OperatingBudget is a method's operating-time budget: the server time its
// calls may use, per application or webhook, within a sliding window
// (spec §6.3). Every command of a batch is billed to its own method.
type OperatingBudget struct {
	// Limit is the server time the method may use within Window.
	Limit time.Duration
	// Window is the sliding window, kept by the portal in one-minute
	// baskets.
	Window time.Duration
}

var (
	// CloudOperatingBudget is the cloud portals' figure: 480 s of server
	// time per method in 10 minutes.
	CloudOperatingBudget = OperatingBudget{Limit: 480 * time.Second, Window: 10 * time.Minute}
	// SelfHostedOperatingBudget is the figure of a self-hosted portal that
	// switched the limit on (it is off by default there): 420 s in 10
	// minutes. Portals may configure other figures.
	SelfHostedOperatingBudget = OperatingBudget{Limit: 420 * time.Second, Window: 10 * time.Minute}
)

// portalCutOff is how long a cloud portal lets one request run (spec §6.2);
// a request that failed after cutOffSeen of it is taken as cut off.
const (
	portalCutOff = 60 * time.Second
	cutOffSeen   = portalCutOff * 9 / 10
)

// DefaultMaxRequestTime is the server time a scan sizes one batch request
// to: a third of the 60-second cut-off (spec §6.2), so that commands three
// times slower than measured still finish.
const DefaultMaxRequestTime = 20 * time.Second

// budgetShare is the share of the budget a paced scan plans to use: the
// rest absorbs commands that take longer than estimated.
const budgetShare = 0.97

// basketGuard keeps a basket here a little past its leaving time: a
// command stamped into the next minute here may sit in the portal's basket
// of a later first call (clock skew, latency).
const basketGuard = 5 * time.Second

// sizer chooses how many commands a scan request carries from the server
// time earlier commands took. Safe for concurrent use.
type sizer struct {
	mu     sync.Mutex
	target time.Duration // server time one request may take
	est    time.Duration // per-command estimate; 0: nothing measured yet
	cap    int           // upper bound after a failure, else limit
	limit  int           // the caller's upper bound (PagesPerRequest)
}

func newSizer(target time.Duration, limit int) *sizer {
	return &sizer{target: target, cap: limit, limit: limit}
}

// n returns the most commands the next request may carry.
func (z *sizer) n() int {
	z.mu.Lock()
	defer z.mu.Unlock()
	n := z.cap
	if z.est > 0 {
		n = min(n, max(1, int(z.target/z.est)))
	}
	return n
}

// estimate returns the per-command estimate (0: unknown).
func (z *sizer) estimate() time.Duration {
	z.mu.Lock()
	defer z.mu.Unlock()
	return z.est
}

// observe takes the server times of the commands of one answered request.
func (z *sizer) observe(times []time.Duration) {
	if len(times) == 0 {
		return
	}
	var sum time.Duration
	for _, d := range times {
		sum += d
	}
	mean := sum / time.Duration(len(times))
	z.mu.Lock()
	defer z.mu.Unlock()
	if z.est == 0 {
		z.est = mean
	} else {
		z.est = (z.est + mean) / 2
	}
	z.cap = z.limit
}

// failed takes a request of n commands that got no usable answer after
// elapsed: it may have been cut off, so the next request is at most half
// as large, and the estimate is at least elapsed/n.
func (z *sizer) failed(n int, elapsed time.Duration) {
	z.mu.Lock()
	defer z.mu.Unlock()
	z.cap = max(1, n/2)
	if per := elapsed / time.Duration(max(n, 1)); per > z.est {
		z.est = per
	}
}

// pacer keeps the server time a scan's commands use under the method's
// operating budget. It books what requests in flight are expected to use
// and what answered commands used, the way the portal counts (spec §6.3):
// in one-minute baskets, each leaving the window a Window after the first
// command recorded in it. A command is stamped with the client's clock at
// the answer less the server time of the commands from it to the end of
// its request: no earlier than the portal's own stamp (the network only
// adds), so no basket leaves here before it leaves there, whatever the
// skew between the two clocks. Safe for concurrent use.
type pacer struct {
	mu       sync.Mutex
	clock    Clock
	off      bool
	budget   OperatingBudget
	spent    []spend // baskets of answered commands, by minute
	inflight time.Duration
	blocked  time.Time // the portal refused the method until then
	reset    time.Time // the last operating_reset_at seen
	seeded   bool      // the portal's figure for others' usage was taken
	changed  chan struct{}
	waited   time.Duration
}

// spend is one basket: the minute, its first stamp and its sum.
type spend struct {
	minute int64
	at     time.Time
	cost   time.Duration
}

// bookLocked adds cost at stamp to its minute's basket.
func (p *pacer) bookLocked(at time.Time, cost time.Duration) {
	m := at.Unix() / 60
	i := len(p.spent)
	for i > 0 && p.spent[i-1].minute > m {
		i--
	}
	if i > 0 && p.spent[i-1].minute == m {
		b := &p.spent[i-1]
		b.cost += cost
		if at.Before(b.at) {
			b.at = at
		}
		return
	}
	p.spent = append(p.spent, spend{})
	copy(p.spent[i+1:], p.spent[i:])
	p.spent[i] = spend{minute: m, at: at, cost: cost}
}

func newPacer(clk Clock, b OperatingBudget, off bool) *pacer {
	return &pacer{clock: clk, budget: b, off: off, changed: make(chan struct{})}
}

// usedLocked drops what left the window and returns what is in it.
func (p *pacer) usedLocked(now time.Time) time.Duration {
	cut := 0
	for cut < len(p.spent) && !p.spent[cut].at.Add(p.budget.Window+basketGuard).After(now) {
		cut++
	}
	p.spent = p.spent[cut:]
	var sum time.Duration
	for _, s := range p.spent {
		sum += s.cost
	}
	return sum
}

// acquire books up to n commands of est each (the expected server time of
// a request) and returns how many it booked and their booking: it waits
// for a refusal to expire, then books as many commands as fit the budget
// now (at least one), or waits until one fits. A request that alone
// exceeds the budget goes when nothing else is booked.
func (p *pacer) acquire(ctx context.Context, n int, est time.Duration) (int, time.Duration, error) {
	for {
		p.mu.Lock()
		now := p.clock.Now()
		wait := p.blocked.Sub(now)
		var changed chan struct{}
		if wait <= 0 {
			need := time.Duration(n) * est
			used := p.usedLocked(now) + p.inflight
			room := time.Duration(float64(p.budget.Limit) * budgetShare)
			if k := p.fit(n, est, room-used); p.off || used == 0 || k == n {
				p.inflight += need
				p.mu.Unlock()
				return n, need, nil
			} else if k > 0 {
				// Fewer commands now rather than all of them a basket later.
				need = time.Duration(k) * est
				p.inflight += need
				p.mu.Unlock()
				return k, need, nil
			}
			need = est
			// Wait until enough answered commands leave the window; if
			// in-flight bookings are in the way, until one is settled.
			wait = -1
			freed := time.Duration(0)
			for _, s := range p.spent {
				freed += s.cost
				if used-freed+need <= room {
					wait = s.at.Add(p.budget.Window + basketGuard).Sub(now)
					break
				}
			}
			switch {
			case wait >= 0:
			case p.inflight > 0:
				changed = p.changed
			default:
				// Not even an empty window has room for one command (a
				// budget smaller than a command): nothing in flight will
				// settle, so wait until the window is empty; then the
				// request goes alone.
				wait = p.spent[len(p.spent)-1].at.Add(p.budget.Window + basketGuard).Sub(now)
			}
		}
		p.mu.Unlock()
		if changed != nil {
			select {
			case <-changed:
				continue
			case <-ctx.Done():
				return 0, 0, ctx.Err()
			}
		}
		p.mu.Lock()
		p.waited += wait
		p.mu.Unlock()
		if err := p.clock.Sleep(ctx, wait); err != nil {
			return 0, 0, err
		}
	}
}

// fit returns how many of n commands of est each fit in free (n when est
// is not known yet).
func (p *pacer) fit(n int, est, free time.Duration) int {
	if est <= 0 {
		return n
	}
	if free <= 0 {
		return 0
	}
	return min(n, int(free/est))
}

// settle replaces a booking of need by what the answered commands cost.
// last is the time block of the last answered command: when the portal
// reports more operating time than this scan has booked (other callers of
// the same webhook or application), the difference is booked too.
func (p *pacer) settle(need time.Duration, costs []time.Duration, last Timing) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.inflight -= need
	now := p.clock.Now()
	end := now
	for i := len(costs) - 1; i >= 0; i-- {
		end = end.Add(-costs[i])
		p.bookLocked(end, costs[i])
	}
	if !last.OperatingResetAt.IsZero() {
		p.reset = last.OperatingResetAt
	}
	// Usage by other callers of the same webhook or application before the
	// scan: the portal's figure at the scan's first answer (nothing else of
	// the scan in flight then) less what the scan booked. Later figures are
	// not compared: with requests in flight they mix the scan's own usage
	// at other moments. Usage that others add during the scan shows as a
	// refusal, which is waited out.
	if !p.seeded && last.Operating > 0 {
		p.seeded = true
		var own time.Duration
		for _, s := range p.spent {
			own += s.cost
		}
		if ext := last.Operating - own - p.inflight; ext > 0 {
			p.bookLocked(now, ext)
		}
	}
	close(p.changed)
	p.changed = make(chan struct{})
}

// refused records that the portal refused the method until resetAt (the
// last operating_reset_at seen; a minute on, the next basket, when unknown
// or past).
func (p *pacer) refused(resetAt time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.clock.Now()
	if !resetAt.After(now) {
		resetAt = now.Add(time.Minute)
	}
	if resetAt.After(p.blocked) {
		p.blocked = resetAt
	}
}

// lastReset returns the last operating_reset_at seen.
func (p *pacer) lastReset() time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.reset
}

// totalWaited returns how long acquire slept for the budget.
func (p *pacer) totalWaited() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.waited
}
