// Package sonetapp is the server side of a Bitrix24 application that uses
// package sonet: what the portal sends to the application rather than what
// the application asks the portal.
//
//   - ParseInstallEvent reads ONAPPINSTALL, the one event that carries a
//     refresh token and the application_token; NewClientFromInstall calls
//     the portal with its access token.
//   - ParseAppPage reads what the portal posts when it opens the
//     application's page or a widget; NewClientFromAppPage calls the portal
//     as the user looking at it.
//   - ParseGroupEvent and NewEventHandler receive the group events
//     ONSONETGROUPADD, ONSONETGROUPUPDATE and ONSONETGROUPDELETE, checking
//     the application token in constant time before reading anything else.
//
// The OAuth flow itself (sonet.NewOAuthApp, AuthorizeURL, ExchangeCode,
// refresh) and token storage (sonet.TokenStore) stay in package sonet: the
// client refreshes through them.
//
// No value in this package prints, logs or returns a token in an error.
package sonetapp
