package sonettest

import (
	"io"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Server is a fake Bitrix24 portal serving the sonet_group.* REST methods,
// batch and the OAuth token endpoint over HTTP on 127.0.0.1. It is safe for
// concurrent use.
type Server struct {
	ts  *httptest.Server
	cfg config

	mu        sync.Mutex
	users     map[int]*User
	nextUser  int
	groups    map[int]*gstate
	ids       []int // the keys of groups, ascending
	nextGroup int
	requests  []Request
	oauth     oauthState
	bucket    float64
	bucketAt  time.Time
	operating map[string]*opCounter
	rng       *rand.Rand
	nextFile  int
	nextRel   int // last relation ID handed out
	subjects  map[int]string
	overrides map[string]OverrideFunc // see Override
	calls     map[string]int          // direct calls per method, for Override
	tm        *timeModel              // server-time model (servertime.go)
	stats     Stats
}

// NewServer starts a fake portal on 127.0.0.1 and returns it; call Close
// when done.
func NewServer(opts ...Option) *Server {
	s := &Server{
		cfg:       defaultConfig(),
		users:     map[int]*User{1: {ID: 1, Name: "Admin", Admin: true}},
		nextUser:  2,
		groups:    map[int]*gstate{},
		nextGroup: 1,
		operating: map[string]*opCounter{},
	}
	for _, o := range opts {
		o(&s.cfg)
	}
	if s.cfg.faults != nil {
		s.rng = rand.New(rand.NewSource(s.cfg.faults.Seed))
	}
	s.initOAuth()
	s.ts = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	return s
}

// Close shuts the server down.
func (s *Server) Close() { s.ts.Close() }

// URL returns the server's base URL, "http://127.0.0.1:PORT".
func (s *Server) URL() string { return s.ts.URL }

// WebhookURL returns the base URL of the admin's incoming webhook,
// URL()+"/rest/1/CODE/"; append a method name to call it.
func (s *Server) WebhookURL() string { return s.WebhookURLFor(1) }

// WebhookURLFor returns the base URL of a webhook acting as the given user.
// User 1's code is the configured webhook code; user N's code is that code
// followed by "-N".
func (s *Server) WebhookURLFor(userID int) string {
	return s.ts.URL + "/rest/" + strconv.Itoa(userID) + "/" + s.webhookCode(userID) + "/"
}

func (s *Server) webhookCode(userID int) string {
	if userID == 1 {
		return s.cfg.code
	}
	return s.cfg.code + "-" + strconv.Itoa(userID)
}

// PortalURL returns URL()+"/", the base for OAuth clients: they call
// PortalURL()+"rest/METHOD" with the access token in the auth parameter.
func (s *Server) PortalURL() string { return s.ts.URL + "/" }

// AddUser adds a portal user and returns its ID. A zero ID takes the next
// free one; a user with an existing ID replaces it.
func (s *Server) AddUser(u User) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u.ID <= 0 {
		u.ID = s.nextUser
	}
	if u.ID >= s.nextUser {
		s.nextUser = u.ID + 1
	}
	s.users[u.ID] = &u
	return u.ID
}

// AddGroup stores a group as given and returns its ID. A zero ID takes the
// next one from the counter sonet_group.create uses. Empty SiteID,
// SubjectID, SubjectName, InitiatePerms, OwnerID and dates get the create
// defaults (s1, 1, "Workgroups", K, user 1, now) and the owner is made a
// member with role A.
func (s *Server) AddGroup(g Group) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.cfg.now()
	if g.ID <= 0 {
		g.ID = s.nextGroup
	}
	if g.ID >= s.nextGroup {
		s.nextGroup = g.ID + 1
	}
	if g.SiteID == "" {
		g.SiteID = "s1"
	}
	if g.SubjectID == 0 {
		g.SubjectID = 1
	}
	if g.SubjectName == "" {
		g.SubjectName = "Workgroups"
	}
	if g.InitiatePerms == "" {
		g.InitiatePerms = "K"
	}
	s.registerSubject(g.SubjectID, g.SubjectName)
	if g.OwnerID == 0 {
		g.OwnerID = 1
	}
	if g.DateCreate.IsZero() {
		g.DateCreate = now
	}
	if g.DateUpdate.IsZero() {
		g.DateUpdate = g.DateCreate
	}
	if g.DateActivity.IsZero() {
		g.DateActivity = g.DateCreate
	}
	members, by := g.Members, g.InitiatedBy
	st := s.newState(g)
	st.setRoleBy(g.OwnerID, RoleOwner, "U")
	for _, uid := range sortedIDs(members) {
		if uid != g.OwnerID {
			who := by[uid]
			if who != "U" {
				who = "G"
			}
			st.setRoleBy(uid, members[uid], who)
		}
	}
	s.putGroup(st)
	return g.ID
}

// putGroup stores st and keeps ids sorted. Callers hold s.mu.
func (s *Server) putGroup(st *gstate) {
	if _, ok := s.groups[st.g.ID]; !ok {
		i := sort.SearchInts(s.ids, st.g.ID)
		s.ids = append(s.ids, 0)
		copy(s.ids[i+1:], s.ids[i:])
		s.ids[i] = st.g.ID
	}
	s.groups[st.g.ID] = st
}

// dropGroup removes a group. Callers hold s.mu.
func (s *Server) dropGroup(id int) {
	if _, ok := s.groups[id]; !ok {
		return
	}
	delete(s.groups, id)
	i := sort.SearchInts(s.ids, id)
	s.ids = append(s.ids[:i], s.ids[i+1:]...)
}

// Groups returns a snapshot of every group, ordered by ID ascending.
func (s *Server) Groups() []Group {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Group, 0, len(s.groups))
	for _, id := range s.ids {
		out = append(out, s.groups[id].snapshot())
	}
	return out
}

// Group returns a snapshot of one group.
func (s *Server) Group(id int) (Group, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.groups[id]
	if !ok {
		return Group{}, false
	}
	return st.snapshot(), true
}

// Requests returns every request received so far, in order, including the
// rejected ones.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// ResetRequests forgets the recorded requests.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// call is one method invocation, from HTTP or from a batch.
type call struct {
	s      *Server
	user   int
	admin  bool
	cred   string
	method string
	p      *pnode
	now    time.Time
	cost   time.Duration // server time of the call, once it ran
}

// page carries the list fields of an answer.
type page struct {
	total, next       int
	hasTotal, hasNext bool
}

type handler func(c *call) (any, *page, *apiError)

// answer is what the server writes back.
type answer struct {
	status int
	ctype  string
	body   []byte
	fault  string // faultTruncated or faultDrop, applied when writing
	delay  time.Duration
	// late, when set, runs the call lateAfter from now (fault Late), under
	// s.mu, and gives the answer.
	late      func() answer
	lateAfter time.Duration
	until     time.Time // with server time: not written before this
}

func jsonAnswer(status int, body []byte) answer {
	return answer{status: status, ctype: "application/json; charset=utf-8", body: body}
}

func errAnswer(e *apiError) answer { return jsonAnswer(e.status, e.body()) }

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	ctype := r.Header.Get("Content-Type")
	params := parseRequest(r.Method, r.URL.RawQuery, raw, ctype)
	rec := Request{Path: r.URL.Path, Params: params.toAny().(map[string]any), ContentType: ctype, Body: string(raw)}
	if len(raw) == 0 {
		rec.Body = r.URL.RawQuery
	}
	var ans answer
	switch {
	case r.URL.Path == "/oauth/token/" || r.URL.Path == "/oauth/token":
		rec.Method = "oauth/token"
		ans = s.tokenEndpoint(params, &rec)
	case strings.HasPrefix(r.URL.Path, "/rest/"):
		var over bool
		if ans, over = s.overridden(r.URL.Path, &rec); !over {
			ans = s.serveREST(r.URL.Path, r.Header.Get("Authorization"), params, &rec)
		}
	default:
		s.mu.Lock()
		rec.Time = s.cfg.now()
		s.mu.Unlock()
		ans = answer{status: http.StatusNotFound, ctype: "text/plain; charset=utf-8", body: []byte("404 page not found\n")}
	}
	if ans.late != nil {
		time.Sleep(ans.lateAfter) // not cut short by a client that left: the portal runs on
		s.mu.Lock()
		ans = ans.late()
		s.mu.Unlock()
	}
	s.hold(r.Context(), ans.until)
	if ans.delay > 0 {
		t := time.NewTimer(ans.delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
		}
	}
	rec.HTTPStatus = ans.status
	if ans.fault == faultDrop {
		rec.HTTPStatus = 0
	}
	s.mu.Lock()
	s.requests = append(s.requests, rec)
	s.mu.Unlock()
	s.write(w, ans)
}

func (s *Server) write(w http.ResponseWriter, ans answer) {
	switch ans.fault {
	case faultDrop:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	case faultTruncated:
		ans.body = ans.body[:len(ans.body)/2]
	}
	w.Header().Set("Content-Type", ans.ctype)
	w.WriteHeader(ans.status)
	w.Write(ans.body)
}

// runFaulted runs the call unless the fault forbids it and shapes the answer.
func (s *Server) runFaulted(c *call, method string, h handler, params *pnode, kind string) answer {
	switch kind {
	case faultQueryLimit:
		return errAnswer(errQueryLimit)
	case faultInternalBefore:
		return errAnswer(errInternal)
	case faultBadGateway:
		return answer{status: http.StatusBadGateway, ctype: "text/html", body: []byte(badGatewayHTML)}
	case faultLate:
		return answer{lateAfter: s.cfg.faults.DelayFor, late: func() answer {
			c.now = s.cfg.now()
			return s.runFaulted(c, method, h, params, "")
		}}
	}
	c.p = params.clone()
	dropKey(c.p, "auth")
	dropKey(c.p, "access_token")
	var ans answer
	if method == "batch" {
		ans = s.runBatch(c)
	} else {
		ans = s.runOne(c, h)
	}
	switch kind {
	case faultInternalAfter:
		return errAnswer(errInternal)
	case faultTruncated, faultDrop:
		ans.fault = kind
	}
	return ans
}

// runOne runs a single method with the operating limit and builds the
// envelope.
func (s *Server) runOne(c *call, h handler) answer {
	res, pg, e := s.invoke(c, h)
	if e != nil {
		return errAnswer(e)
	}
	o := obj{{"result", res}}
	if pg != nil && pg.hasNext {
		o = append(o, kv{"next", pg.next})
	}
	if pg != nil && pg.hasTotal {
		o = append(o, kv{"total", pg.total})
	}
	o = append(o, kv{"time", s.timeBlock(c, true).block(s.cfg.loc)})
	return restJSON(o)
}

// invoke checks and charges the operating limit around one handler call.
func (s *Server) invoke(c *call, h handler) (any, *page, *apiError) {
	if e := s.admit(c); e != nil {
		return nil, nil, e
	}
	res, pg, e := h(c)
	s.chargeOperating(c)
	return res, pg, e
}

func (s *Server) timeBlock(c *call, withOperating bool) timing {
	t := timing{start: c.now, finish: c.now.Add(s.callDuration(c)), withOperating: withOperating}
	if withOperating {
		t.operating, t.operatingReset = s.operatingState(c)
	}
	return t
}

const badGatewayHTML = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n" +
	"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
