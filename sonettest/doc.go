// Package sonettest provides an in-memory fake Bitrix24 portal for tests,
// in the spirit of net/http/httptest. NewServer starts it on 127.0.0.1; it
// serves the sonet_group.* methods, socialnetwork.api.workgroup.get/list,
// batch and the OAuth token endpoint, and answers like a real portal on
// the wire (status codes, error bodies, envelopes with a time block, IDs as
// strings or numbers where the portal uses them).
//
// # Seeding and steering
//
// Start(t) is NewServer closed by t.Cleanup. NewGroup and NewProject return
// groups with the create defaults and an empty, never nil, Members map;
// roles are typed (Role, the portal's letters, the same values as
// sonet.Role): g.WithMember(2, sonettest.RoleModerator), srv.SetMember,
// srv.AddUsers("Bob", "Carol"). Override replaces the answer of one method,
// or of its n-th call (Nth), while every other method keeps its stateful
// default; ResultAnswer, ErrorAnswer, SonetErrorAnswer and the named error
// answers build what a portal sends. The SDK's test preset is
// sonet.WithTestDefaults():
//
//	srv := sonettest.Start(t)
//	srv.AddGroup(sonettest.NewProject("Launch"))
//	srv.Override("sonet_group.update", sonettest.Nth(1, sonettest.SonetErrorAnswer("User has no permissions to update group")))
//	c, err := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithTestDefaults())
//
// # Requests
//
// Webhook calls go to /rest/{USER_ID}/{CODE}/{method} and OAuth calls to
// /rest/{method}; a trailing slash is accepted. The query string and, for a
// POST, the body are parsed into one nested structure with PHP's rules:
// urlencoded and multipart bodies and the query use parse_str bracket
// syntax, and a body sent as exactly application/json is read with its
// numbers kept as text, true as "1" and false and null as "" — what PHP
// gives when it casts those values to strings. Body keys override query
// keys of the same name. As CRestUtil::getRequestData does, a JSON body
// that does not decode (or is not an object or list) is ignored: the call
// runs with the query's parameters only. The body of a GET is not read.
//
// # Routing, credentials and the envelope (the rest module's order)
//
//   - Every /rest/ request counts against the rate bucket (WithRateLimit),
//     whatever its answer: unknown methods and bad credentials included.
//   - The method is looked up before the credentials are checked, so an
//     unknown method is 404 ERROR_METHOD_NOT_FOUND even with a wrong
//     webhook code or token.
//   - OAuth credentials: an "Authorization: Bearer TOKEN" header, else the
//     first of the auth and access_token parameters that is present and not
//     an array (an empty one fails). Both parameters are removed before the
//     method sees its parameters.
//   - A last ".json" or ".xml" method segment, in any case, picks the
//     format. XML answers (errors included) are CRestServer::outputXml's:
//     <response> around one element per key, <item> for integer keys, text
//     escaped for & < > " ', Content-Type text/xml; charset=utf-8.
//   - time.start and time.processing are whole seconds, finish and duration
//     keep their fractions: the current rest module keeps the start and the
//     processing bounds in int-typed properties (the docs' examples show
//     "start": 1773921687 next to "finish": 1773921688.071989). Portals
//     on older rest modules still send fractions there (answers captured
//     in 2025 show "start": 1757403098.343457), so code under test should
//     read both; the SDK does.
//
// # sonet_group.get as the portal's code runs it
//
// The list follows CSocNetLogRestService::getGroup, CSocNetGroup::GetList,
// CSqlUtil::PrepareWhere and CDBResult::NavQuery, including where they
// surprise:
//
//   - FILTER keys: the run of characters before the first letter is the
//     operator; a key whose operator is not "", "!", "=", "!=", "<", "<=",
//     ">", ">=", "><", "!><", "%", "!%" or "?" is dropped without an error.
//     The SQL layer then reads what is left: "><ID" and "!><ID" become ">"
//     on a field "<ID" and are dropped too; the "!" of "!%" is never
//     applied (a negated LIKE matches like LIKE). Field names are
//     case-sensitive: "%name" is an unknown field and dropped.
//   - Fields are those of GetList: ID, NAME, DESCRIPTION, KEYWORDS,
//     SUBJECT_ID, SUBJECT_NAME, OWNER_ID, OWNER_NAME (the user's name;
//     OWNER_LAST_NAME, OWNER_LOGIN, OWNER_EMAIL are empty here), ACTIVE,
//     VISIBLE, OPENED, CLOSED, PROJECT, SITE_ID, IMAGE_ID,
//     NUMBER_OF_MEMBERS, NUMBER_OF_MODERATORS (A and E), INITIATE_PERMS,
//     SPAM_PERMS (always A), DATE_CREATE, DATE_UPDATE, DATE_ACTIVITY,
//     PROJECT_DATE_START, PROJECT_DATE_FINISH. Unknown fields are dropped.
//     IS_EXTRANET=Y or N (exactly) selects extranet groups or the others,
//     whatever its operator; CHECK_PERMISSIONS is removed.
//   - Text compares case-insensitively (the database collation); "%" is a
//     literal substring; an empty DESCRIPTION or KEYWORDS is NULL. "?" is
//     main's filter syntax (CFilterQuery, not the search module's): a
//     space, + or & is AND, | is OR, ~ negates, parentheses group, "..."
//     or '...' is one word; "and", "or", "not" are plain words; each word
//     is a LIKE '%word%' in which % and _ are wildcards. A query it cannot
//     read (unbalanced parentheses, words split by a tab or newline, an
//     empty value) becomes the condition 0 and matches nothing. "%" and
//     "?" on a number or date compare with =.
//     Several values are OR-ed (AND-ed when negated); an empty list adds no
//     condition; FILTER[LOGIC]=OR joins the conditions with OR. (Not
//     modelled: on a real portal GetList then writes "G.VISIBLE = 'Y' AND
//     (a) OR (b)", so a caller also sees hidden groups matching a later
//     condition; here the permission check always holds.)
//   - Dates: DATE_* values may be ISO-8601 (the REST layer converts them),
//     the site format "01.01.2026 00:03:00" or "2026-01-01 00:05";
//     PROJECT_DATE_* take only the last two. A DATE_* value the REST
//     layer's strtotime cannot read becomes false, which the SQL layer
//     reads as empty (IS NULL: nothing matches; negated, every group); an
//     unreadable PROJECT_DATE_* value is NULL in SQL (nothing matches;
//     negated, the groups without that date). NOW is the server clock.
//   - GROUP_ID whose intval is above 0 replaces the "ID" key of the filter
//     (other ID keys stay); 0, negative or non-numeric is ignored.
//   - IS_ADMIN must be exactly the string "Y" (the current code compares
//     with ===; a JSON true does not switch admin mode on), and only for an
//     administrator.
//   - ORDER not given (or not an array) is ID descending; keys are upper
//     cased; any direction but ASC sorts descending; unknown keys are
//     skipped, and with none left there is no ORDER BY: rows come in ID
//     order.
//   - Unless an administrator sends IS_ADMIN=Y, GetList reads the rows as a
//     UNION (visible groups, then the caller's hidden ones) and strips
//     " G.", " UG." and " S." from the ORDER BY: ORDER[SUBJECT_NAME] then
//     sorts by the group's NAME. (The owner fields, U.*, make that UNION
//     fail with an SQL error on a real portal; here they sort as asked.)
//   - Paging: start is PHP's intval (a JSON true is 1, "75.9" is 75, 1e2
//     is 100); the page read is floor(start/50)+1, and a page past the last
//     one reads page 1 again, with next=50 when there is more than one
//     page; next is page*50 while pages remain. start < 0 reads the first
//     50 rows without counting: "total" is 0 and there is no next.
//
// # Stored text
//
//   - NAME, DESCRIPTION and KEYWORDS are stored cut at their first NUL byte
//     (sonet_group.create and update).
//   - Filters compare NAME and DESCRIPTION with their stored, emoji-encoded
//     form (see Emoji below), on sonet_group.get and on
//     socialnetwork.api.workgroup.list alike (WorkgroupTable's Emoji
//     modifiers apply on save and fetch, not to filter values):
//     FILTER[NAME]="🚀 Launch" matches nothing, ":f09f9a80: Launch" matches.
//   - Any answer that would contain a string that is not valid UTF-8 (a
//     group name stored with bad bytes, on a sonet_group.get page, in a
//     batch...) is replaced as a whole by
//     {"error":"WRONG_ENCODING","error_description":"Wrong request encoding"}
//     with HTTP status 200 and no time block: CRestServer::outputJson
//     catches Json::encode's exception after the method ran.
//
// # Behaviour chosen where the documentation is silent
//
//   - Errors carry no time block. Success answers list result, next, total,
//     time in that order.
//   - sonet_group.create: a missing or empty NAME and malformed field values
//     are "Incorrect input data"; OWNER_ID counts only when positive and
//     sent by an administrator; an unknown OWNER_ID, an unknown SUBJECT_ID
//     (a missing or <= 0 one is subject 1, the site's first) and a
//     SPAM_PERMS other than A, E, K or N are "Cannot create group". A
//     missing or wrong INITIATE_PERMS is K. Flags follow CSocNetGroup's
//     CheckFields: VISIBLE and ACTIVE are Y unless exactly "N", OPENED,
//     CLOSED and PROJECT are N unless exactly "Y". A SCRUM_MASTER_ID makes
//     the group a project, the scrum master a moderator and, unless
//     SCRUM_OWNER_ID is sent, the group's owner the scrum's owner;
//     SCRUM_SPRINT_DURATION (seconds) is stored as sent. Server.AddSubject
//     adds subjects; AddGroup registers a seeded group's subject. Extranet
//     groups are never created through REST.
//   - A positive IMAGE_FILE_ID (any ID is taken as a readable disk file)
//     wins over IMAGE; on update 0 removes the avatar; any other value
//     (0 or less on create, less than 0 on update) is dropped and IMAGE
//     counts, as the REST class does.
//   - IMAGE follows CRestUtil::saveFile and CFile::CheckImageFile: it is
//     [name, base64]; the name must end in .jpg, .bmp, .jpeg, .jpe, .gif,
//     .png or .webp (any case) and the content must be a picture
//     getimagesize measures (PNG, GIF, JPEG with a readable header, BMP,
//     WebP), else ERROR_IMAGE_ID "Image is incorrect: Invalid file type"
//     (the documented answer). A GIF named .png passes; a PNG named .txt
//     does not; a bare base64 string gets a random name without an
//     extension and is refused. Base64 is decoded as PHP does (characters
//     outside the alphabet skipped); content that is empty, "false",
//     missing (a list of fewer than two entries) or decodes to nothing is
//     no file: ignored on create, on update it removes the avatar.
//   - sonet_group.update also accepts ACTIVE, PROJECT, SUBJECT_ID and
//     SCRUM_MASTER_ID; malformed values, an unknown or <= 0 SUBJECT_ID, a
//     wrong SPAM_PERMS or INITIATE_PERMS are "Cannot update group"; OWNER_ID
//     there works like setowner.
//   - Groups a non-admin cannot see (not visible and not a member) are
//     "Socialnetwork group not found" for the sonet_group methods that look
//     a group up (feature.access answers false instead; workgroup.get says
//     SONET_CONTROLLER_WORKGROUP_NOT_FOUND).
//   - sonet_group.setowner uses the texts "Wrong group ID", "Wrong new owner
//     ID", "Socialnetwork group not found" and "User has no permissions to
//     change group owner"; the owner or an administrator may call it; the
//     previous owner stays as an ordinary member (K), or as moderator (E)
//     when they are the scrum master.
//   - sonet_group.get: ties in ORDER are broken by ID ascending.
//   - Member methods check in the portal's order: GROUP_ID, administrator
//     (add, update, delete), ROLE (update: only E or K), USER_ID (one ID
//     must be positive, a list must not be empty; its entries are not
//     checked), then the group (an administrator finds secret groups).
//     add adds the listed existing users in ascending ID order, each once
//     (0 and unknown IDs skipped, as the portal's user table returns
//     them), skipping users with any relation to the group; update and
//     delete work on the listed relations in relation order, pending ones
//     (Z) included, never on the owner (nor, for delete, the scrum
//     master); invite needs a role at least as high as the group's
//     INITIATE_PERMS (or admin) and otherwise returns an empty list.
//   - user.invite and user.request look the group up with the permission
//     check for every caller: an administrator inviting to, or asking to
//     join, a secret group he is not in gets "Socialnetwork group not
//     found" (user.add still finds it). A relation remembers who started
//     it: requests are initiated by the user (U), invitations and
//     additions by the group (G).
//   - sonet_group.user.groups lists memberships in the order they were
//     made (relation ID), not by group ID.
//   - sonet_group.feature.access: GROUP_ID <= 0 is "Wrong socialnetwork
//     group ID"; a group that does not exist or that the caller cannot see
//     answers false. Administrators and the owner may do everything;
//     moderators everything except delete_tasks, full_post, full_comment
//     and forum full; members the view, write, create, premoderate,
//     newtopic and answer operations; non-members only the view
//     operations of a visible, opened group.
//   - socialnetwork.api.workgroup.get answers the group's table row in the
//     ORM's field order. Its dates are portal-format text without an
//     offset, in the portal's time zone (WithLocation) and regional layout
//     (WithDateLayout; month first, "04/17/2025 19:37:55", by default). A
//     client reads them into time.Time only when told both, as with a real
//     portal: sonet.WithPortalLocation (UTC+2, time.FixedZone("UTC+2",
//     2*3600), unless WithLocation) and sonet.WithDateOrder(sonet.MonthDay)
//     for the default layout (or the order learnt from a date whose day is
//     above 12); sonet.WithTestDefaults sets neither, so without them such
//     dates stay zero and only their text is kept;
//     empty DESCRIPTION and KEYWORDS are null,
//     SCRUM_OWNER_ID (the scrum's owner), SCRUM_MASTER_ID and
//     SCRUM_SPRINT_DURATION are separate fields; SEARCH_INDEX is the text
//     the docs show (name, description, each tag plain and with #, the
//     owner's name); MEMBERS, ORDINARY_MEMBERS, MODERATOR_MEMBERS and
//     INVITED_MEMBERS (invitations only, not join requests) are in user-ID
//     order. params[select] names are compared exactly (case-sensitive);
//     the modelled blocks are AVATAR, OWNER_DATA (PHOTO null),
//     SUBJECT_DATA, TAGS (alphabetical, the tag table's key order),
//     ACTIONS, USER_DATA (false for no relation; members count as
//     subscribed), DEPARTMENTS ([]), PIN (IS_PIN false) and PRIVACY_TYPE
//     (PRIVACY_CODE open/closed/secret), in the controller's order, then
//     NUMBER_OF_MEMBERS_PLURAL (English plural form, absent for 0
//     members) and, with params[mode]=mobile, ADDITIONAL_DATA ("" for no
//     relation; FEATURES when params[features] is sent).
//   - socialnetwork.api.workgroup.list: columns in select order with ID
//     appended when missing (AVATAR becomes IMAGE_ID and AVATAR_TYPE, its
//     URL added last), then additionalData (params[mode]=mobile, keys in
//     camelCase) and dialogId (params[shouldSelectDialogId]=Y). No order
//     is ID ascending (the primary key); order keys are table fields
//     (case-insensitive here), numeric keys sort by their value
//     ascending, TYPE sorts and filters; an unknown field or a direction
//     other than ASC/DESC is HTTP 400 with the numeric code 0 and the
//     ORM's message plus " (internal error)", raised only when some group
//     matched. The caller's SITE_ID key and any IS_EXTRANET key are
//     ignored: the method filters by params[siteId] (default s1) itself.
//   - batch (CRestProvider::methodsBatch): the keys cmd and halt in any
//     case; halt is PHP's bool cast ("", "0", an empty array, absence and a
//     JSON number equal to zero are false, so "false" and "0.0" as text are
//     true). The first 50 cmd entries run in order;
//     each further one is ERROR_BATCH_LENGTH_EXCEEDED in result_error and
//     the call is still 200. An entry that is not a string is skipped but
//     counted. A command's method is parse_url's path as written (no
//     ".json" suffix, no leading space: those are ERROR_METHOD_NOT_FOUND),
//     looked up in lower case; batch, download and upload inside a batch
//     fail with ERROR_BATCH_METHOD_NOT_ALLOWED for that command only. With
//     halt the first error, a refused command included, ends the batch.
//     result_time entries carry operating figures like any answer.
//   - batch references (CRestUtil::processBatchElement): $result[...],
//     $next[...], $total[...], $time[...] and $error[...] (the section name
//     matches in any case but is looked up as written, so $RESULT finds
//     nothing); the reference runs to the next whitespace. Its path is
//     walked key by key while PHP's isset holds (a null value stops it; a
//     string takes an integer offset) and stops at the part it reached: a
//     reference to a failed or unknown command gives the whole section, to a
//     missing row the whole row list. A value that is exactly one reference
//     becomes that part, arrays included; inside a longer value a number or
//     string replaces the matched text, anything else leaves it as it is.
//     Floats print as PHP's (string) cast does (14 significant digits).
//   - ID and number parameters are read with PHP's (int) cast: an array is
//     0 when empty and 1 otherwise. A write whose GROUP_ID references a row
//     a list did not return (so the whole row list is substituted) therefore
//     acts on group 1, as it would on a portal.
//   - OAuth: tokens belong to user 1. After a refresh the old access token
//     stays valid until it expires; the old refresh token is refused with
//     400 invalid_grant; a wrong client is 401 invalid_client.
//   - user.get (served so tools can check user IDs before writing) models
//     only the ID filter (FILTER[ID] or ID, one value or a list), lists
//     fired users with ACTIVE false, and answers ID, ACTIVE and NAME.
//   - Emoji (Bitrix\Main\Text\Emoji::encode in CSocNetGroup::CheckFields):
//     NAME and DESCRIPTION (not KEYWORDS) are stored with each character
//     outside the Basic Multilingual Plane written as ":" + its UTF-8 bytes
//     in hex + ":" ("🚀" is ":f09f9a80:"). Filters (sonet_group.get and
//     workgroup.list, both through CSocNetGroup::GetList) compare, and ORDER
//     sorts, that stored form: FILTER[NAME]=🚀 finds nothing, ":f09f9a80:"
//     finds it. The read methods answer it decoded again with
//     Emoji::decode, as the current portal does (getGroup and getUserGroups
//     call it; WorkgroupTable has it as NAME's and DESCRIPTION's fetch
//     modifier, which workgroup.get and list read through): every
//     ":" + 8 hex digits + ":" that spells such a character, in any case,
//     left to right without overlap. Emoji::encode does not escape colons,
//     so a name typed as ":f09f9a80:" is stored like "🚀" and answered as
//     "🚀" (":deadbeef:" spells nothing and stays). Portals before the
//     decoding answered sonet_group.get and user.groups in the stored form.
//     Events carry only the group's ID. Groups() keeps the text as given.
//   - Faults: a dropped connection happens after the call ran. Late runs
//     the call DelayFor after it arrived whether or not the client still
//     waits, as PHP runs on after a gateway timeout or a client that left.
//
// # Server time
//
// By default every call takes no time. WithServerTime models what a real
// portal spends (spec §6.2, §6.3), so that code meets its limits in tests
// and benchmarks are reproducible:
//
//   - each method call takes a time (fixed, a seeded uniform spread, or any
//     distribution through ServerTime.Cost); a batch runs its commands one
//     after the other, each command's result_time entry starting where the
//     previous one finished, and the request takes their sum;
//   - at most ServerTime.Parallel requests are served at once; others wait
//     for a slot;
//   - a request whose time would pass 60 s (ServerTime.CutOff) is cut off:
//     the commands started before the cut ran and are billed, the rest do
//     not run, and the answer is HTTP 504 with nginx's "Gateway Time-out"
//     page (what the cut-off looks like on the wire is this fake's choice;
//     the docs only say the request is cut off, not whether the portal's
//     PHP runs on and bills the rest of the batch, as it does after a
//     client leaves: this fake takes the reading that it stops);
//   - the operating limit (WithOperatingLimit) bills each call, batch
//     commands included, its own time in one-minute baskets keyed by when
//     it ran;
//   - the answer is held back until the request's finish on the server
//     clock through ServerTime.Wait: a simulation passes a virtual clock's
//     Sleep with WithClock, and Handler serves the portal in-process.
//
// Stats counts the calls run per method, OPERATION_TIME_LIMIT refusals,
// cut-offs and the server time spent.
package sonettest
