// Package sonetredis shares what a github.com/b24kit/sonet client keeps in
// memory between every process that calls one Bitrix24 portal, on Redis:
//
//   - Limiter is a sonet.SharedLimiter: the portal's leaky bucket (2
//     requests a second, burst 50 on the standard plan) kept in one Redis
//     key and updated by one Lua script per request, with the time taken
//     from the Redis server (TIME), so N processes together never send more
//     than the portal allows and the hosts' clocks need not agree. A
//     QUERY_LIMIT_EXCEEDED seen by one process fills the shared bucket; an
//     OPERATION_TIME_LIMIT seen by one process holds that method in all of
//     them until the portal's operating_reset_at.
//   - TokenStore is a sonet.TokenStore and sonet.RefreshLocker: the OAuth
//     pair with compare-and-swap and a refresh lock, so that N processes
//     meeting one expired token refresh it exactly once and all go on with
//     the rotated pair.
//
// # Keys
//
// Every key starts with the Scope: a prefix ("sonet" unless set), the
// portal's host in braces (a Redis Cluster hash tag: one portal's keys live
// in one slot) and, where the portal counts per credential, its kind and a
// public ID:
//
//	sonet:{portal.bitrix24.com}:bucket                              the request budget (per portal, as the portal counts it)
//	sonet:{portal.bitrix24.com}:webhook:1:blocked:sonet_group.get   an operating-limit block (per credential and method)
//	sonet:{portal.bitrix24.com}:app:local.abc:token                 the token pair (per application)
//	sonet:{portal.bitrix24.com}:app:local.abc:token:lock            the refresh lock
//
// A webhook is named by its user ID and an application by its client ID:
// no webhook code, token or secret is ever part of a key (WebhookScope
// takes an int so that it cannot be).
//
// # When Redis is gone
//
// A Limiter whose Redis cannot be reached fails each call with an error
// matching sonet.ErrLimiterUnavailable and ErrUnavailable before anything
// is sent: the client never falls back to sending unpaced. WithFallback
// names a limiter to use instead while Redis fails (for example
// sonet.NewRateLimiter with the plan divided by the number of processes),
// and WithErrorHandler is told of every failure, so the switch is never
// silent; when Redis answers again the shared bucket, which never saw the
// fallback's requests, is taken as full. TokenStore calls return the Redis error; a refresh that cannot
// store its pair keeps it in memory and stores it as soon as the store
// works again (see sonet.NewOAuthAppClient).
package sonetredis
