package sonettest

import (
	"context"
	"math/rand"
	"net/http"
	"time"
)

// DefaultCutOff is how long a cloud portal lets one request run before it
// cuts it off (spec §6.2: 60 seconds).
const DefaultCutOff = 60 * time.Second

// ServerTime models the time a portal spends serving requests. Without it
// every call takes no time at all and is charged WithCallCost's figure.
//
// Each method call (a plain call, or each command of a batch, one after the
// other) takes a server time; a request takes the sum of its calls. At most
// Parallel requests are served at once: a request arriving when every
// serving slot is busy waits for the first slot to free up. A request whose
// server time would pass CutOff is cut off at that point: the calls that
// started before it ran (and are charged), the others do not run, and the
// answer is HTTP 504 with nginx's HTML page. The answer is held back until
// the request's finish on the server clock, through Wait.
type ServerTime struct {
	// PerCommand is the server time of one method call.
	PerCommand time.Duration
	// Spread, from 0 to 1, draws each call's time uniformly between
	// PerCommand×(1-Spread) and PerCommand×(1+Spread), from a random
	// source seeded with Seed.
	Spread float64
	Seed   int64
	// Cost, if set, gives the time of each call instead of PerCommand and
	// Spread (any distribution). It is called with the server locked.
	Cost func(method string) time.Duration
	// Parallel is the number of requests served at once (0: no limit).
	Parallel int
	// CutOff is the longest a request may run (0: DefaultCutOff; negative:
	// never cut off).
	CutOff time.Duration
	// Wait holds an answer back for d before it is written. The default
	// waits on a real timer; a simulation passes its virtual clock's Sleep
	// (together with WithClock) so that no real time passes.
	Wait func(ctx context.Context, d time.Duration) error
}

// WithServerTime switches server-time modelling on; see ServerTime. The
// operating limit (WithOperatingLimit) then charges each call its drawn
// time, and the time blocks report it (a batch command's result_time entry
// starts where the previous command finished).
func WithServerTime(st ServerTime) Option {
	return func(c *config) { c.serverTime = &st }
}

// Stats counts what the portal did since it started.
type Stats struct {
	// Calls counts the method calls run, per method in lower case; each
	// batch command counts once, a batch request itself not at all.
	Calls map[string]int
	// OperatingRefused counts calls refused with OPERATION_TIME_LIMIT
	// (plain calls and batch commands).
	OperatingRefused int
	// CutOff counts requests cut off for running past the cut-off.
	CutOff int
	// ServerTime is the server time of all requests served.
	ServerTime time.Duration
}

// Stats returns the portal's counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.stats
	out.Calls = map[string]int{}
	for k, v := range s.stats.Calls {
		out.Calls[k] = v
	}
	return out
}

// timeModel is the state of the server-time model; callers hold s.mu.
type timeModel struct {
	cfg    ServerTime
	rng    *rand.Rand
	slots  []time.Time // when each serving slot is free
	start  time.Time   // start of the request being run
	spent  time.Duration
	cutOff time.Duration
}

func (s *Server) timeModel() *timeModel {
	if s.tm == nil && s.cfg.serverTime != nil {
		st := *s.cfg.serverTime
		tm := &timeModel{cfg: st, rng: rand.New(rand.NewSource(st.Seed)), cutOff: st.CutOff}
		if tm.cutOff == 0 {
			tm.cutOff = DefaultCutOff
		}
		if st.Parallel > 0 {
			tm.slots = make([]time.Time, st.Parallel)
		}
		s.tm = tm
	}
	return s.tm
}

// timed runs one request under the server-time model: it waits for a
// serving slot, runs the request, cuts it off when it ran too long, and
// marks when the answer may leave. Callers hold s.mu.
func (s *Server) timed(c *call, run func() answer) answer {
	tm := s.timeModel()
	if tm == nil {
		return run()
	}
	slot := -1
	for i, free := range tm.slots {
		if slot < 0 || free.Before(tm.slots[slot]) {
			slot = i
		}
	}
	if slot >= 0 && tm.slots[slot].After(c.now) {
		c.now = tm.slots[slot]
	}
	tm.start, tm.spent = c.now, 0
	ans := run()
	total := tm.spent
	if tm.cutOff > 0 && total > tm.cutOff {
		total = tm.cutOff
		s.stats.CutOff++
		ans = answer{status: http.StatusGatewayTimeout, ctype: "text/html", body: []byte(gatewayTimeoutHTML)}
	}
	finish := c.now.Add(total)
	if slot >= 0 {
		tm.slots[slot] = finish
	}
	s.stats.ServerTime += total
	ans.until = finish
	return ans
}

// admit decides whether one method call may run: not once its request
// has passed the cut-off, not while the method's operating budget is
// spent. It counts the calls. Callers hold s.mu.
func (s *Server) admit(c *call) *apiError {
	if tm := s.tm; tm != nil && tm.cutOff > 0 && tm.spent >= tm.cutOff {
		return errInternal // never seen: the request is answered 504
	}
	if !s.operatingAllowed(c) {
		s.stats.OperatingRefused++
		return errOperating
	}
	if s.stats.Calls == nil {
		s.stats.Calls = map[string]int{}
	}
	s.stats.Calls[c.method]++
	return nil
}

// callTime draws the server time of one call that just ran, moves the
// call's clock to where it started inside its request and records the
// time. It returns what the operating limit charges. Callers hold s.mu.
func (s *Server) callTime(c *call) time.Duration {
	tm := s.tm
	if tm == nil {
		c.cost = s.cfg.callCost
		return c.cost
	}
	d := tm.cfg.PerCommand
	switch {
	case tm.cfg.Cost != nil:
		d = tm.cfg.Cost(c.method)
	case tm.cfg.Spread > 0:
		d = time.Duration(float64(d) * (1 + tm.cfg.Spread*(2*tm.rng.Float64()-1)))
	case d == 0:
		d = s.cfg.callCost
	}
	if tm.cutOff > 0 && tm.spent+d > tm.cutOff {
		// Cut off while it ran: charged up to the cut-off, and the
		// request's own time passes it so timed answers 504.
		charged := tm.cutOff - tm.spent
		c.now, c.cost = tm.start.Add(tm.spent), charged
		tm.spent += d
		return charged
	}
	c.now, c.cost = tm.start.Add(tm.spent), d
	tm.spent += d
	return d
}

// callDuration is the time a call's time block reports.
func (s *Server) callDuration(c *call) time.Duration {
	if c.method == "batch" && s.tm != nil {
		return s.tm.spent
	}
	if c.cost > 0 || s.tm != nil {
		return c.cost
	}
	return s.cfg.callCost
}

// hold keeps an answer back until its finish on the server clock.
func (s *Server) hold(ctx context.Context, until time.Time) {
	if until.IsZero() {
		return
	}
	s.mu.Lock()
	d := until.Sub(s.cfg.now())
	var wait func(context.Context, time.Duration) error
	if s.tm != nil {
		wait = s.tm.cfg.Wait
	}
	s.mu.Unlock()
	if d <= 0 {
		return
	}
	if wait != nil {
		_ = wait(ctx, d)
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// Handler returns the portal's HTTP handler, for serving it in-process
// (for example behind an http.RoundTripper in a simulation) instead of
// through URL.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

const gatewayTimeoutHTML = "<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n" +
	"<center><h1>504 Gateway Time-out</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
