/*
Package sonet is a typed client for the Bitrix24 REST methods of workgroups,
projects and scrums: sonet_group.* and socialnetwork.api.workgroup.*.

Requests are Go structs, checked before anything is sent and encoded the way
the portal's PHP reads them; answers are Go values or an error you can match.
Reads are retried through rate limits and server faults; a write that may
have reached the portal is never repeated blindly.

# Credentials

Make one Client and share it: it is immutable and safe for many goroutines,
and it never prints its credentials.

	// An incoming webhook, its URL exactly as the portal shows it:
	client, err := sonet.NewWebhookClient("https://portal.example/rest/1/abc123/")

	// An OAuth access token (calls go to /rest/METHOD with auth=TOKEN):
	client, err := sonet.NewOAuthClient("https://portal.example", accessToken)

	// An OAuth application that refreshes its tokens (see OAuthApp, TokenStore):
	app, err := sonet.NewOAuthApp(clientID, clientSecret)
	client, err := sonet.NewOAuthAppClient(ctx, app, sonet.NewMemoryTokenStore(token))

The webhook URL may come with or without its trailing slash. HTTPS is
required, except for loopback hosts (127.0.0.1, ::1, localhost: the fake
portal) or with the loudly named WithInsecurePlainHTTP. fmt.Printf("%+v",
client) shows only the portal's host and the kind of auth.

Options are With* functions that check their input: WithHTTPClient or
WithTransport, WithUserAgent, WithLogger (*slog.Logger, silent by default),
WithRateLimit, WithPlan, WithLimiter or WithoutRateLimit, WithRetryPolicy,
WithOperatingLimit, WithMaxResponseBytes, WithDateOrder, WithPortalLocation,
WithObserver, WithClock, and WithTestDefaults for tests. Every call has a
timeout of two minutes per HTTP attempt unless you pass your own
*http.Client (its Timeout then applies) or a context with a deadline.

# Which call do I use

The portal has two APIs for the same groups. sonet_group.* is the classic
one (model Group); socialnetwork.api.workgroup.* is newer and returns more
(model Workgroup): project dates, who may invite (INITIATE_PERMS), the scrum
master, member lists, features. Group lacks these because sonet_group.get
does not return them, not because the SDK drops them.

	need                              call                        model              cost
	one group by ID                   GetGroup                    *Group             1 request
	one group with dates, perms,      GetWorkgroup                *Workgroup         1 request
	  scrum master, members
	a page of groups (filter, sort)   ListGroups, ListWorkgroups  *Page[T]           1 request
	every group matching a filter     AllGroups (iter.Seq2)       Group              1 request per 50
	the same, with Workgroup fields   AllWorkgroups               Workgroup          1 request per 50
	a whole export                    ScanGroups, ScanWorkgroups  Group, Workgroup   1 request per 2,500
	groups by exact name              FindGroupsByName            []Group            1 request per 50
	create                            CreateGroup                 int (the ID)       1 request
	create unless it exists           EnsureGroup                 int, created bool  2 or more
	update, delete                    UpdateGroup, DeleteGroup    -                  1 request
	members                           ListGroupMembers,           []Member, []int    1 request
	                                  AddGroupMembers, ...
	the caller's groups               ListMyGroups                []UserGroup        1 request
	many calls in one request         NewBatch, RunBatch          BatchCommand[T]    1 request per 50
	any other REST method             Call                        your type          1 request

socialnetwork.api.workgroup.list does not filter on the project dates (a
Where on PROJECT_DATE_FINISH is refused before sending): for "projects
ending this week", list with FieldProject.Eq(true) and compare
Workgroup.ProjectDateFinish in Go. List rows carry ISO-8601 dates, which
always decode; socialnetwork.api.workgroup.get sends the portal's format
(see Dates).

# Creating and updating

GroupCreateRequest and GroupUpdateRequest differ on purpose. A create sends
what is set: an empty string or zero has nothing to clear, so plain values
are enough. An update sends only what is set and must also be able to set a
field to its empty value ("clear the description"), so its optional fields
are pointers: nil sends nothing, String("") sends an empty value. Flags are
Yes or No on both (a Go bool never goes on the wire: PHP reads "false" as
true), and Unset sends nothing.

	id, err := client.CreateGroup(ctx, &sonet.GroupCreateRequest{
		Name:    "Website relaunch",
		Project: sonet.Yes,
	})
	if err != nil {
		return err
	}
	_, err = client.UpdateGroup(ctx, &sonet.GroupUpdateRequest{
		GroupID:     id,
		Description: sonet.String(""), // clears the description
		Visible:     sonet.No,
	})

Every request type has Validate, which runs the checks the call runs, and
Encode, which returns the exact form body the call would send.

# Requests on the wire

Requests are POSTed as application/x-www-form-urlencoded in PHP's bracket
syntax; what the encoder writes is checked in CI against PHP's own
parse_str, the parser a portal runs:

	body, _ := (&sonet.GroupListOptions{
		Order:  sonet.Order{sonet.FieldName.Asc()},
		Filter: sonet.GroupFilter{sonet.FieldName.Like("Pro"), sonet.FieldID.GTE(10)},
	}).Encode()
	// ORDER[NAME]=ASC&FILTER[%25NAME]=Pro&FILTER[%3E%3DID]=10

ORDER keeps the order given (a multi-field sort); lists go out as KEY[0],
KEY[1], ...; operators in filter keys are percent-encoded; dates are ISO-8601
with an offset; text the portal cannot store (a NUL byte, invalid UTF-8,
more than its column holds) is refused before sending. Each list method has
its own filter type holding only what that method honours (GroupFilter for
sonet_group.get, WorkgroupFilter for socialnetwork.api.workgroup.list);
operators are methods of the field constants (Eq, In, GT, Like, ...), so a
condition the method would drop does not compile. Where is the raw escape
hatch, checked like the typed conditions (also against what
sonet_group.get keeps but misreads: an operator on IS_EXTRANET, % and ? on
numbers and dates, a value its SQL would read as another); WhereUnchecked
sends anything. A typed filter given to Call or BatchCall, and a
hand-written FILTER map for either list method, are checked the same way.
sonet_group.get does not sort by SUBJECT_NAME or the owner fields for a
caller whose permissions it checks: such an Order is refused.

Call sends any REST method with the same auth, encoding, limits and errors:

	var res []map[string]any
	_, err := client.Call(ctx, "sonet_group.user.groups", nil, &res)

It is treated as a write (never repeated once sent) unless given
Idempotent().

# Lists and scans

ListGroups and ListWorkgroups return one page: Items, Total, Next (test
HasNext) and the portal's Time block, filtered by the method's own filter
type (see Requests on the wire). Text conditions compare the way the
portal's database does: case-insensitively, so FieldName.Eq("alpha") also
matches "Alpha". AllGroups and AllWorkgroups walk every page:

	for g, err := range client.AllGroups(ctx, &sonet.GroupListOptions{}) {
		if err != nil {
			return err // yielded once; the walk stops
		}
		fmt.Println(g.ID, g.Name)
	}

Start is an offset on the portal's 50-row pages and must be a multiple of
50 (the portal would silently round it down). Asked for a page past the
last, the portal answers its first page again; the SDK returns an empty
last page instead, and past the first page an answer without a total (which
could be that fallback) is an ErrBadResponse. Breaking out of the loop sends
no further request; a portal that does not advance gives ErrCursorStalled
rather than an endless loop, and a next past the following page (it would
skip rows) is an ErrBadResponse. For whole
exports ScanGroups and ScanWorkgroups walk by ID cursor with up to 50 chained
pages per batch request (100,000 groups in 41 requests), the same rows in ID
order, requests sized from the server time the portal reports and paced by
the operating budget; ScanTuning walks ID ranges in parallel.

The workgroup list sends the fields most callers expect (DefaultWorkgroupFields)
when Select is empty; pass an explicit Select to ask for less or more.

# Dates

sonet_group.get sends ISO-8601 dates with an offset: they always decode.
socialnetwork.api.workgroup.get sends dates in the portal's own format and
time zone without an offset, "04/17/2025 19:37:55" or "17.04.2025 19:37:55".
Such a date becomes a time.Time when the client knows the portal's time zone
(WithPortalLocation, or Location on the call) and, for slashed dates whose
day is 12 or less, the portal's order: WithDateOrder(sonet.DayMonth) or
MonthDay, or learnt by the client from the first unambiguous slashed date
the portal sends (a day above 12). Until then such a date stays zero; its
text is always kept in the matching ...Text field of Workgroup (DateCreate,
DateUpdate, DateActivity, ProjectDateStart, ProjectDateFinish).

# Errors

Every error reads as one sentence starting "sonet: " and is matched with
errors.Is and errors.As:

	*APIError                 the portal answered an error: HTTPStatus, Code, Description, Method
	errors.Is(err, Code)      a code: ErrQueryLimitExceeded, ErrNoAuthFound, Code("ANY_NEW_CODE")
	errors.Is(err, Message)   a sonet_group failure: these arrive as HTTP 400 with an
	                          empty code and English text: ErrGroupNotFound, ErrWrongGroupID, ...
	ErrNotFound               any "no such group"; ErrPermissionDenied: any "no permission"
	ErrValidation             a request refused before sending (*ValidationError; its Field is
	                          the wire key, its Reason says why)
	ErrBadResponse            an answer that is not the JSON envelope: HTML 502, truncated,
	                          wrong types, over the body cap (*ResponseError with an excerpt)
	ErrOutcomeUnknown         a write whose answer was lost, or answered with a result that is
	                          not its documented success: look before writing again
	ErrDuplicateGroups        EnsureGroup found several matching groups (*DuplicateGroupsError)
	ErrCursorStalled          a list walk whose portal did not advance
	context.Canceled          cancellation and deadlines keep the context's error

For example:

	_, err := client.GetGroup(ctx, 999)
	if errors.Is(err, sonet.ErrNotFound) {
		// no such group, or the caller may not see it
	}
	var apiErr *sonet.APIError
	if errors.As(err, &apiErr) {
		log.Print(apiErr.Method, apiErr.HTTPStatus, apiErr.Description)
	}

No error, log line or %+v holds the webhook code or a token.

# Limits and retries

A client-side leaky bucket paces requests below the portal's limit (standard
plan 2 per second, burst 50; WithPlan(EnterprisePlan); WithLimiter to share
one budget between processes). If the portal still answers
QUERY_LIMIT_EXCEEDED the call waits and is sent again: the portal did not run
it. A method refused with OPERATION_TIME_LIMIT waits for its reset
(WithOperatingLimit(FailOnOperatingLimit) returns the error instead). Reads
are retried through network errors and 5xx answers (WithRetryPolicy); writes
only when the request provably never left. A write whose answer was lost
returns an error matching ErrOutcomeUnknown: EnsureGroup is the create that
looks before it writes again. A batch is never retried; *BatchError says
which commands ran, failed or have an unknown outcome.

# Testing

Give every test client WithTestDefaults: no pacing, no wait between retries,
no wait for an operating limit. Three ways to test code that uses a Client:

	// The fake portal (package sonettest), stateful, like net/http/httptest:
	srv := sonettest.Start(t)
	srv.AddGroup(sonettest.NewGroup("Marketing"))
	client, err := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithTestDefaults())

	// Canned answers (package sonetmock) on a private httpmock transport:
	p := sonetmock.New(t)
	p.On("sonet_group.get", sonetmock.Groups(sonet.Group{ID: 7, Name: "Launch"}))
	// p.Client is ready; p.Sent("sonet_group.get") is what it sent.

	// Record once against a portal, replay offline: sonetmock.NewRecorder
	// (secrets scrubbed when written) and sonetmock.Replay.

WithTransport hands any http.RoundTripper to the client (an
httpmock.NewMockTransport(), a recorder). sonettest answers as the real
portal does, oddities included; its package doc lists them.

# Several processes and observability

The portal counts its rate limit per portal, its operating-time budget per
method, and rotates the OAuth refresh token on every refresh. Processes that
share one portal share these through a Limiter given to WithLimiter (a
SharedLimiter takes part in operating-limit blocks too) and a TokenStore (a
RefreshLocker refreshes once for all); the github.com/b24kit/sonet/redis
module provides both. WithObserver hands every call, attempt and wait to an
Observer for traces and metrics; github.com/b24kit/sonet/otel implements one
for OpenTelemetry. The library itself has no dependency on either.

# Application side

Install events, the application page and group event handlers are the
server side of a Bitrix24 application; they live in package
github.com/b24kit/sonet/sonetapp (ParseInstallEvent, ParseAppPage,
ParseGroupEvent, NewEventHandler). The OAuth flow (NewOAuthApp, AuthorizeURL,
ExchangeCode, NewOAuthAppClient) and TokenStore stay here: the client
refreshes through them.

REST documentation: https://apidocs.bitrix24.com/api-reference/sonet-group/index.html
*/
package sonet
