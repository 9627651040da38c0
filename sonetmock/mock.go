package sonetmock

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/b24kit/sonet"
	"github.com/jarcoal/httpmock"
)

// WebhookURL is the webhook of the client New builds. Its code is not a
// secret: the portal is httpmock.
const WebhookURL = "https://portal.example/rest/1/mock-webhook-code/"

// Portal is an httpmock transport standing in for a portal, with a client
// wired to it. Register answers per method with On; read what was sent
// with Sent. A method without answers fails the call with an error that
// names it, never reaching the network.
type Portal struct {
	// Client calls the mock: WithTransport(Transport) and
	// sonet.WithTestDefaults, plus the options given to New.
	Client *sonet.Client
	// Transport is the private httpmock transport, for anything On does
	// not cover (RegisterRegexpResponder, GetCallCountInfo, ...).
	Transport *httpmock.MockTransport

	mu   sync.Mutex
	sent map[string][]url.Values
}

// New returns a Portal for one test. opts are added after the preset, so
// they may override it. tb may be nil outside a test (in an Example); a bad
// option then panics instead of failing the test.
//
//	p := sonetmock.New(t)
//	p.On("sonet_group.get", sonetmock.Groups(sonet.Group{ID: 7, Name: "Old name"}))
//	p.On("sonet_group.update", sonetmock.Updated(7))
//	// ... run code with p.Client, then:
//	p.Sent("sonet_group.update")[0].Get("NAME")
func New(tb testing.TB, opts ...sonet.Option) *Portal {
	if tb != nil {
		tb.Helper()
	}
	mt := httpmock.NewMockTransport()
	p := &Portal{Transport: mt, sent: map[string][]url.Values{}}
	mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		method := methodOf(r.URL.Path)
		if err := p.record(method, r); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("sonetmock: no answer registered for %s %s (use Portal.On)", r.Method, method)
	})
	c, err := sonet.NewWebhookClient(WebhookURL, append([]sonet.Option{sonet.WithTransport(mt), sonet.WithTestDefaults()}, opts...)...)
	if err != nil {
		if tb == nil {
			panic("sonetmock.New: " + err.Error())
		}
		tb.Fatalf("sonetmock.New: %v", err)
	}
	p.Client = c
	return p
}

// record keeps the form of one call of method.
func (p *Portal) record(method string, r *http.Request) error {
	form, err := Form(r)
	if err != nil {
		return err
	}
	p.mu.Lock()
	p.sent[method] = append(p.sent[method], form)
	p.mu.Unlock()
	return nil
}

// On makes the mock answer calls of method (e.g. "sonet_group.get") with
// answers in turn; the last one repeats. Calling On again for the same
// method replaces its answers.
func (p *Portal) On(method string, answers ...Answer) {
	next := Responder(answers...)
	p.Transport.RegisterResponder(http.MethodPost, WebhookURL+method, func(r *http.Request) (*http.Response, error) {
		if err := p.record(method, r); err != nil {
			return nil, err
		}
		return next(r)
	})
}

// Sent returns the bodies of the calls of method so far (answered or not),
// in order, each parsed into url.Values with PHP's bracket keys as the SDK
// wrote them (FILTER[%NAME], ORDER[ID], USER_ID[0]).
func (p *Portal) Sent(method string) []url.Values {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]url.Values(nil), p.sent[method]...)
}

// Calls returns how many calls of method reached the mock, including those
// that failed because no answer was registered for it.
func (p *Portal) Calls(method string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.sent[method])
}

// Responder is an httpmock.Responder that answers with answers in turn
// (the last one repeats), for use with a MockTransport of your own. With no
// answers it answers an empty success.
func Responder(answers ...Answer) httpmock.Responder {
	if len(answers) == 0 {
		answers = []Answer{Result(nil)}
	}
	var mu sync.Mutex
	n := 0
	return func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		a := answers[min(n, len(answers)-1)]
		n++
		mu.Unlock()
		return response(r, a), nil
	}
}

func response(r *http.Request, a Answer) *http.Response {
	status, ctype := a.Status, a.ContentType
	if status == 0 {
		status = http.StatusOK
	}
	if ctype == "" {
		ctype = jsonType
	}
	resp := httpmock.NewBytesResponse(status, a.Body)
	resp.Header.Set("Content-Type", ctype)
	resp.Request = r
	return resp
}

// Form reads a request's form body (and query) into url.Values with PHP's
// bracket keys, and puts the body back so a responder can read it again.
func Form(r *http.Request) (url.Values, error) {
	body, err := readAndRestore(r)
	if err != nil {
		return nil, err
	}
	v, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, fmt.Errorf("sonetmock: body is not a form: %w", err)
	}
	for k, vs := range r.URL.Query() {
		if _, ok := v[k]; !ok {
			v[k] = vs
		}
	}
	return v, nil
}

// methodOf returns the REST method at the end of a /rest/... path.
func methodOf(path string) string {
	path = strings.TrimSuffix(path, "/")
	return strings.TrimSuffix(path[strings.LastIndex(path, "/")+1:], ".json")
}
