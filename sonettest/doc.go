// Package sonettest provides an in-memory fake Bitrix24 portal for tests,
// in the spirit of net/http/httptest. NewServer starts it on 127.0.0.1; it
// serves the sonet_group.* methods, socialnetwork.api.workgroup.get/list,
// batch and the OAuth token endpoint, and answers like a real portal on
// the wire (status codes, error bodies, envelopes with a time block, IDs as
// strings or numbers where the portal uses them).
//
// # Requests
//
// Webhook calls go to /rest/{USER_ID}/{CODE}/{method} and OAuth calls to
// /rest/{method} with an auth parameter; a ".json" suffix and a trailing
// slash are accepted. The query string and the body are parsed into one
// nested structure with PHP's rules: urlencoded and multipart bodies and
// the query use parse_str bracket syntax, and a JSON body is read with its
// numbers kept as text, true as "1" and false and null as "" — what PHP
// gives when it casts those values to strings. Body keys override query
// keys of the same name. A JSON body that does not parse is answered 400
// INVALID_REQUEST (a choice of this fake).
//
// # Behaviour chosen where the documentation is silent
//
//   - Errors carry no time block. Success answers list result, next, total,
//     time in that order.
//   - sonet_group.create: a missing or empty NAME and malformed field values
//     are "Incorrect input data"; an unknown OWNER_ID is "Cannot create
//     group". Y/N flags are "Y" only when the value is exactly "Y". A
//     SCRUM_MASTER_ID makes the group a project and the scrum master a
//     moderator. IMAGE accepts [name, base64] (or a bare base64 string named
//     avatar.png); the name must end in .png, .jpg, .jpeg, .gif, .webp or
//     .bmp and the content must not be empty, else ERROR_IMAGE_ID. Extranet
//     groups are never created through REST.
//   - sonet_group.update also accepts ACTIVE, PROJECT, SUBJECT_ID and
//     SCRUM_MASTER_ID; bad values are "Cannot update group"; OWNER_ID there
//     works like setowner. Empty IMAGE removes the avatar.
//   - Groups a non-admin cannot see (not visible and not a member) are
//     "Socialnetwork group not found" for every method.
//   - sonet_group.setowner uses the texts "Wrong group ID", "Wrong new owner
//     ID", "Socialnetwork group not found" and "User has no permissions to
//     change group owner"; the owner or an administrator may call it; the
//     previous owner stays as an ordinary member (K), or as moderator (E)
//     when they are the scrum master.
//   - sonet_group.get: string comparisons are case-insensitive (like MySQL's
//     default collation); an empty array for = matches everything; a
//     malformed >< or !>< is ignored; ties in ORDER are broken by ID
//     ascending; start < 0 reads from 0 and sends neither total nor next.
//     DESCRIPTION, KEYWORDS, SUBJECT_ID, SITE_ID and NUMBER_OF_MEMBERS are
//     sortable too.
//   - Member methods: add, delete and update need an administrator; add
//     skips users with any relation to the group, pending requests (Z)
//     included, and adds the others as members (K); invite needs a role at
//     least as high as the group's INITIATE_PERMS (or admin) and otherwise
//     returns an empty list.
//   - sonet_group.feature.access: administrators and the owner may do
//     everything; moderators everything except delete_tasks, full_post,
//     full_comment and forum full; members the view, write, create,
//     premoderate, newtopic and answer operations; non-members only the view
//     operations of a visible, opened group.
//   - batch: more than 50 commands is a whole-call 400
//     ERROR_BATCH_LENGTH_EXCEEDED and a nested batch a whole-call 405
//     ERROR_BATCH_METHOD_NOT_ALLOWED; no command runs in either case. halt
//     is true unless it is "", "0" or absent (PHP's cast, so "false" is
//     true). Only $result[...] references are substituted.
//   - OAuth: tokens belong to user 1. After a refresh the old access token
//     stays valid until it expires; the old refresh token is refused with
//     400 invalid_grant; a wrong client is 401 invalid_client.
//   - Faults: a dropped connection happens after the call ran.
package sonettest
