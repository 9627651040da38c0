package sonettest

import (
	"strings"
	"time"
)

// Faults makes a share of the answers fail, deterministically for a given
// Seed and sequence of requests. Each share is a probability from 0 to 1;
// the first seven are exclusive (their sum should not exceed 1) and are
// drawn with one random number per eligible request, Delay with a second
// one.
//
// Only requests that passed authentication and the rate limit and name a
// known method are eligible (a batch is one request, named "batch").
type Faults struct {
	Seed int64

	QueryLimit     float64 // 503 QUERY_LIMIT_EXCEEDED; the call does not run
	InternalBefore float64 // 500 INTERNAL_SERVER_ERROR; the call does not run
	InternalAfter  float64 // 500 INTERNAL_SERVER_ERROR; the call ran and its changes stay
	HTMLBadGateway float64 // 502 with an nginx HTML page; the call does not run
	Truncated      float64 // the real answer cut in half; the call ran
	Drop           float64 // connection closed without an answer; the call ran
	Late           float64 // the call runs only DelayFor later, whether or not the client still waits (PHP runs on after a disconnect), then answers
	Delay          float64 // the answer is held back for DelayFor; combines with the others

	DelayFor time.Duration
	Methods  []string // limit faults to these methods (case-insensitive); empty means all
}

const (
	faultQueryLimit     = "query_limit"
	faultInternalBefore = "internal_before"
	faultInternalAfter  = "internal_after"
	faultBadGateway     = "bad_gateway"
	faultTruncated      = "truncated"
	faultDrop           = "drop"
	faultLate           = "late"
)

// drawFault picks the fault for one request and its delay.
func (s *Server) drawFault(method string) (string, time.Duration) {
	f := s.cfg.faults
	if f == nil {
		return "", 0
	}
	if len(f.Methods) > 0 {
		found := false
		for _, m := range f.Methods {
			if strings.EqualFold(m, method) {
				found = true
				break
			}
		}
		if !found {
			return "", 0
		}
	}
	u, d := s.rng.Float64(), s.rng.Float64()
	var delay time.Duration
	if d < f.Delay {
		delay = f.DelayFor
	}
	shares := []struct {
		p    float64
		kind string
	}{
		{f.QueryLimit, faultQueryLimit},
		{f.InternalBefore, faultInternalBefore},
		{f.InternalAfter, faultInternalAfter},
		{f.HTMLBadGateway, faultBadGateway},
		{f.Truncated, faultTruncated},
		{f.Drop, faultDrop},
		{f.Late, faultLate},
	}
	acc := 0.0
	for _, sh := range shares {
		acc += sh.p
		if u < acc {
			return sh.kind, delay
		}
	}
	return "", delay
}
