package sonettest

import "time"

// operatingWindow is the sliding window of the operating limit; it is kept
// in one-minute baskets.
const operatingWindow = 10 * time.Minute

// opCounter holds the baskets of one method for one credential, oldest
// first.
type opCounter struct {
	baskets []basket
}

type basket struct {
	minute int64     // unix minute the basket covers
	first  time.Time // first call recorded in it
	sum    time.Duration
}

// takeBucket applies the leaky-bucket rate limit; it reports whether the
// request may run, and counts it when it may.
func (s *Server) takeBucket(now time.Time) bool {
	if s.cfg.rate <= 0 && s.cfg.burst <= 0 {
		return true
	}
	if !s.bucketAt.IsZero() && now.After(s.bucketAt) {
		s.bucket -= now.Sub(s.bucketAt).Seconds() * s.cfg.rate
		if s.bucket < 0 {
			s.bucket = 0
		}
	}
	if s.bucketAt.IsZero() || now.After(s.bucketAt) {
		s.bucketAt = now
	}
	if s.bucket+1 > float64(s.cfg.burst)+1e-9 {
		return false
	}
	s.bucket++
	return true
}

func opKey(c *call) string { return c.cred + "|" + c.method }

// prune drops the baskets that left the window.
func (o *opCounter) prune(now time.Time) {
	cut := 0
	for cut < len(o.baskets) && !o.baskets[cut].first.Add(operatingWindow).After(now) {
		cut++
	}
	o.baskets = o.baskets[cut:]
}

func (o *opCounter) sum() time.Duration {
	var d time.Duration
	for _, b := range o.baskets {
		d += b.sum
	}
	return d
}

// operatingAllowed reports whether the method may run for this credential.
func (s *Server) operatingAllowed(c *call) bool {
	if s.cfg.opLimit <= 0 {
		return true
	}
	o := s.operating[opKey(c)]
	if o == nil {
		return true
	}
	o.prune(c.now)
	return o.sum() < s.cfg.opLimit
}

// chargeOperating records the cost of one call.
func (s *Server) chargeOperating(c *call) {
	cost := s.callTime(c)
	k := opKey(c)
	o := s.operating[k]
	if o == nil {
		o = &opCounter{}
		s.operating[k] = o
	}
	o.prune(c.now)
	o.add(c.now, cost)
}

// add records cost at t in its minute's basket. With server time, requests
// served at once charge their calls out of time order: the basket of t's
// minute is found wherever it is, and the baskets stay in minute order.
func (o *opCounter) add(t time.Time, cost time.Duration) {
	m := t.Unix() / 60
	i := len(o.baskets)
	for i > 0 && o.baskets[i-1].minute > m {
		i--
	}
	if i > 0 && o.baskets[i-1].minute == m {
		b := &o.baskets[i-1]
		b.sum += cost
		if t.Before(b.first) {
			b.first = t
		}
		return
	}
	o.baskets = append(o.baskets, basket{})
	copy(o.baskets[i+1:], o.baskets[i:])
	o.baskets[i] = basket{minute: m, first: t, sum: cost}
}

// operatingState returns the method's operating sum and when its oldest
// basket leaves the window (now plus the window when nothing is recorded).
func (s *Server) operatingState(c *call) (time.Duration, time.Time) {
	o := s.operating[opKey(c)]
	if o == nil {
		return 0, c.now.Add(operatingWindow)
	}
	o.prune(c.now)
	if len(o.baskets) == 0 {
		return 0, c.now.Add(operatingWindow)
	}
	return o.sum(), o.baskets[0].first.Add(operatingWindow)
}
