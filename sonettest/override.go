package sonettest

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/b24kit/sonet/internal/phpjson"
)

// Answer is an HTTP answer the fake portal sends instead of running a
// method; see Server.Override. Build one with ResultAnswer, ErrorAnswer and
// the named error answers, or write the fields yourself.
type Answer struct {
	Status      int    // HTTP status; 0 means 200
	ContentType string // "" means "application/json; charset=utf-8"
	Body        []byte
}

// OverrideFunc decides the answer to one call of a method. n counts the
// calls of that method since the server started (1 for the first), r is
// the request as recorded. Returning nil lets the fake portal answer as
// usual.
type OverrideFunc func(n int, r Request) *Answer

// Override replaces the answer of one REST method (as in a URL, any case,
// with or without ".json"), next to the stateful defaults of every other
// method, in the manner of slacktest's per-method handlers:
//
//	srv.Override("sonet_group.update", sonettest.Nth(2, sonettest.SonetErrorAnswer("User has no permissions to update group")))
//
// fn runs for every direct HTTP call of the method, before authentication,
// rate limit and fault injection, and outside the server's lock (it may
// call Groups, AddGroup...); concurrent calls run it concurrently, so a fn
// that keeps state guards it (n itself is counted under the lock: Nth
// picks exactly one call). An overridden call changes no state and is
// recorded in Requests with the status fn chose. Commands inside a batch
// are not overridden; override "batch" itself for that. A nil fn removes
// the override.
func (s *Server) Override(method string, fn OverrideFunc) {
	_, _, m, _, _ := splitRESTPath("/rest/" + method)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.overrides == nil {
		s.overrides = map[string]OverrideFunc{}
	}
	if fn == nil {
		delete(s.overrides, m)
		return
	}
	s.overrides[m] = fn
}

// Always answers every call with a.
func Always(a Answer) OverrideFunc { return func(int, Request) *Answer { return &a } }

// Nth answers the n-th call (1-based) with a and lets the others through.
func Nth(n int, a Answer) OverrideFunc {
	return func(call int, _ Request) *Answer {
		if call == n {
			return &a
		}
		return nil
	}
}

// overridden counts the call and asks the method's override, if any.
func (s *Server) overridden(path string, rec *Request) (answer, bool) {
	_, _, method, _, ok := splitRESTPath(path)
	if !ok {
		return answer{}, false
	}
	s.mu.Lock()
	if s.calls == nil {
		s.calls = map[string]int{}
	}
	s.calls[method]++
	n, fn := s.calls[method], s.overrides[method]
	rec.Method, rec.Time = method, s.cfg.now()
	s.mu.Unlock()
	if fn == nil {
		return answer{}, false
	}
	a := fn(n, *rec)
	if a == nil {
		return answer{}, false
	}
	ans := answer{status: a.Status, ctype: a.ContentType, body: a.Body}
	if ans.status == 0 {
		ans.status = http.StatusOK
	}
	if ans.ctype == "" {
		ans.ctype = "application/json; charset=utf-8"
	}
	return ans, true
}

// ResultAnswer is a 200 success answer {"result": result, "time": {...}}
// with a time block for now; page adds "next" (when HasNext) and "total"
// (nil for neither). result is written by encoding/json with PHP's escaping
// ("\/", \uXXXX), so give it the portal's own shapes: strings for IDs and
// flags inside rows ("7", "Y"), a number for a created or updated ID, true
// for a delete. Package sonetmock builds these from the SDK's typed values.
func ResultAnswer(result any, page *Page) Answer {
	raw, err := phpjson.Marshal(result)
	if err != nil {
		return ErrorAnswer(http.StatusInternalServerError, "INTERNAL_SERVER_ERROR", "sonettest: cannot encode result: "+err.Error())
	}
	o := obj{{"result", json.RawMessage(raw)}}
	if page != nil && page.HasNext {
		o = append(o, kv{"next", page.Next})
	}
	if page != nil {
		o = append(o, kv{"total", page.Total})
	}
	now := time.Now()
	t := timing{start: now, finish: now.Add(DefaultCallCost), withOperating: true, operatingReset: now}
	o = append(o, kv{"time", t.block(defaultConfig().loc)})
	return Answer{Status: http.StatusOK, Body: encodeJSON(o)}
}

// Page is the list part of a ResultAnswer: total, and next when HasNext.
type Page struct {
	Total   int
	Next    int
	HasNext bool
}

// ErrorAnswer is an error answer {"error": code, "error_description": desc}
// with the given HTTP status, without a time block (as the portal sends it).
func ErrorAnswer(status int, code, description string) Answer {
	return Answer{Status: status, Body: (&apiError{status, code, description}).body()}
}

// SonetErrorAnswer is how sonet_group.* methods fail: HTTP 400 with an
// empty error code and an English message, e.g. "Socialnetwork group not
// found".
func SonetErrorAnswer(description string) Answer {
	return ErrorAnswer(http.StatusBadRequest, "", description)
}

// QueryLimitAnswer is the portal's rate-limit refusal: 503
// QUERY_LIMIT_EXCEEDED. The call did not run.
func QueryLimitAnswer() Answer { return errAnswerOf(errQueryLimit) }

// ExpiredTokenAnswer is 401 expired_token, the answer to an expired OAuth
// access token.
func ExpiredTokenAnswer() Answer { return errAnswerOf(errExpired) }

// OperatingLimitAnswer is 429 OPERATION_TIME_LIMIT: the method's operating
// time budget is spent.
func OperatingLimitAnswer() Answer { return errAnswerOf(errOperating) }

// InternalErrorAnswer is 500 INTERNAL_SERVER_ERROR.
func InternalErrorAnswer() Answer { return errAnswerOf(errInternal) }

// BadGatewayAnswer is the HTML page nginx sends with 502 when the portal's
// backend is down: not JSON at all.
func BadGatewayAnswer() Answer {
	return Answer{Status: http.StatusBadGateway, ContentType: "text/html", Body: []byte(badGatewayHTML)}
}

func errAnswerOf(e *apiError) Answer { return Answer{Status: e.status, Body: e.body()} }
