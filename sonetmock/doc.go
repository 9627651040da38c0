// Package sonetmock tests code that uses sonet without a portal, through
// github.com/jarcoal/httpmock: answers built from typed values, a mock
// portal with a ready client, and recording of real exchanges for offline
// replay.
//
// # Answers from typed values
//
// Groups, GroupPage, Workgroup, WorkgroupPage, Members, UserGroups,
// Created, Updated, OK, Access, UserIDs, Batch and the errors (SonetError,
// QueryLimitExceeded, ExpiredToken, OperationTimeLimit, InternalError,
// BadGateway, Error) return exactly what a portal sends: string IDs, Y/N
// flags, null for empty text, ISO-8601 dates with an offset, the time
// block, PHP's JSON escaping, empty-code sonet errors, an HTML 502. They
// are tested against the fake portal in package sonettest (for the same
// state, group pages, members, writes and the sonet errors are the same
// bytes, time block aside; batch answers, workgroups and the other errors
// decode to the same values) and against the documentation's example
// answers.
//
// # A mock portal
//
//	p := sonetmock.New(t) // p.Client: sonet.WithTransport(p.Transport), sonet.WithTestDefaults()
//	p.On("sonet_group.get", sonetmock.Groups(sonet.Group{ID: 7, Name: "Old"}))
//	p.On("sonet_group.update", sonetmock.Updated(7))
//	err := yourCode(ctx, p.Client)
//	p.Sent("sonet_group.update")[0].Get("NAME") // the body as url.Values with PHP bracket keys
//
// With a MockTransport of your own, Responder turns answers into an
// httpmock.Responder and Form reads a request body into url.Values.
//
// # Record and replay
//
// NewRecorder wraps a transport and writes every exchange to a JSON file
// under testdata/, scrubbing secrets before anything is written: the
// webhook code in the path, auth, access_token, refresh_token,
// client_secret and application_token in the query, the form or JSON, and
// Authorization and Cookie headers, and then every echo of them anywhere
// in the exchange (see Recorder). Replay registers a recording with a
// MockTransport, so the test runs offline afterwards; a call gets the
// first unused recorded exchange of its method with the same query and
// body, a REDACTED value matching any value:
//
//	rec, err := sonetmock.NewRecorder("testdata/archive.json", http.DefaultTransport)
//	c, err := sonet.NewWebhookClient(os.Getenv("BITRIX24_WEBHOOK_URL"), sonet.WithTransport(rec))
//	// ... run once against the portal; then, offline:
//	mt := httpmock.NewMockTransport()
//	err = sonetmock.Replay(mt, "testdata/archive.json")
//	c, err = sonet.NewWebhookClient("https://portal.example/rest/1/any/", sonet.WithTransport(mt), sonet.WithTestDefaults())
//
// sonetmock imports sonet, so the SDK's own package tests cannot use it;
// its own tests and examples (package sonetmock_test) can.
package sonetmock
