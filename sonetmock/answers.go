package sonetmock

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/b24kit/sonet"
	"github.com/b24kit/sonet/internal/phpjson"
	"github.com/b24kit/sonet/sonettest"
)

// Answer is one HTTP answer of the portal: status, content type and body.
// It is sonettest.Answer, so the same value can steer the fake portal
// (sonettest.Server.Override) and an httpmock responder (Responder, On).
type Answer = sonettest.Answer

// portalDate is how sonet_group.get writes dates: ISO-8601 with the
// portal's offset.
const portalDate = "2006-01-02T15:04:05-07:00"

// groupRow is a sonet_group.get row in the portal's key order: every
// scalar a string, flags Y/N, empty text null, IMAGE only with an avatar.
type groupRow struct {
	ID              string  `json:"ID"`
	SiteID          string  `json:"SITE_ID"`
	Name            string  `json:"NAME"`
	Description     *string `json:"DESCRIPTION"`
	DateCreate      *string `json:"DATE_CREATE"`
	DateUpdate      *string `json:"DATE_UPDATE"`
	Active          string  `json:"ACTIVE"`
	Visible         string  `json:"VISIBLE"`
	Opened          string  `json:"OPENED"`
	Closed          string  `json:"CLOSED"`
	SubjectID       string  `json:"SUBJECT_ID"`
	OwnerID         string  `json:"OWNER_ID"`
	Keywords        *string `json:"KEYWORDS"`
	NumberOfMembers string  `json:"NUMBER_OF_MEMBERS"`
	DateActivity    *string `json:"DATE_ACTIVITY"`
	SubjectName     string  `json:"SUBJECT_NAME"`
	Image           string  `json:"IMAGE,omitempty"`
	Project         string  `json:"PROJECT"`
	IsExtranet      string  `json:"IS_EXTRANET"`
}

func yn(b bool) string {
	if b {
		return "Y"
	}
	return "N"
}

func nullIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func date(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.Format(portalDate)
	return &s
}

func row(g sonet.Group) groupRow {
	return groupRow{
		ID: strconv.Itoa(g.ID), SiteID: g.SiteID, Name: g.Name,
		Description: nullIfEmpty(g.Description),
		DateCreate:  date(g.DateCreate), DateUpdate: date(g.DateUpdate),
		Active: yn(g.Active), Visible: yn(g.Visible), Opened: yn(g.Opened), Closed: yn(g.Closed),
		SubjectID: strconv.Itoa(g.SubjectID), OwnerID: strconv.Itoa(g.OwnerID),
		Keywords:        nullIfEmpty(g.Keywords),
		NumberOfMembers: strconv.Itoa(g.NumberOfMembers),
		DateActivity:    date(g.DateActivity), SubjectName: g.SubjectName, Image: g.Image,
		Project: yn(g.Project), IsExtranet: yn(g.IsExtranet),
	}
}

// Groups is a sonet_group.get answer holding every group given, on one
// page: total is their number and there is no next. Use it for GetGroup
// (one group) and for lists that fit one page. Dates left zero are sent as
// null, which the SDK reads as zero again.
//
// Fields left zero are sent as they are: OwnerID 0 goes out as OWNER_ID 0,
// which no portal sends. Client.EnsureGroup compares the owner with the
// webhook's user (1 for the client of New), so a group it should find needs
// OwnerID: 1; without it EnsureGroup creates another one.
func Groups(groups ...sonet.Group) Answer {
	return GroupPage(sonet.Page[sonet.Group]{Items: groups, Total: len(groups), HasTotal: true})
}

// GroupPage is one page of sonet_group.get as the portal writes it: the
// rows, "next" when p.HasNext, "total" when p.HasTotal, and p.Time as the
// time block (one for now when p.Time is zero). ListGroups decodes it back
// into p.
func GroupPage(p sonet.Page[sonet.Group]) Answer {
	rows := make([]groupRow, len(p.Items))
	for i, g := range p.Items {
		rows[i] = row(g)
	}
	return envelope(rows, p.HasTotal, p.Total, p.HasNext, p.Next, p.Time)
}

type memberRow struct {
	UserID string `json:"USER_ID"`
	Role   string `json:"ROLE"`
}

// Members is a sonet_group.user.get answer: one row per member, IDs as
// strings.
func Members(members ...sonet.Member) Answer {
	rows := make([]memberRow, len(members))
	for i, m := range members {
		rows[i] = memberRow{strconv.Itoa(m.UserID), string(m.Role)}
	}
	return Result(rows)
}

type userGroupRow struct {
	GroupID    string  `json:"GROUP_ID"`
	GroupName  string  `json:"GROUP_NAME"`
	Role       string  `json:"ROLE"`
	ImageID    *string `json:"GROUP_IMAGE_ID"`
	Image      string  `json:"GROUP_IMAGE"`
	IsExtranet string  `json:"IS_EXTRANET,omitempty"`
}

// UserGroups is a sonet_group.user.groups answer. A group without an avatar
// has GROUP_IMAGE_ID null and GROUP_IMAGE ""; IS_EXTRANET is sent only for extranet groups ("Y").
func UserGroups(groups ...sonet.UserGroup) Answer {
	rows := make([]userGroupRow, len(groups))
	for i, g := range groups {
		r := userGroupRow{GroupID: strconv.Itoa(g.GroupID), GroupName: g.GroupName, Role: string(g.Role), Image: g.Image}
		if g.ImageID != 0 {
			r.ImageID = nullIfEmpty(strconv.Itoa(g.ImageID))
		}
		if g.IsExtranet {
			r.IsExtranet = "Y"
		}
		rows[i] = r
	}
	return Result(rows)
}

// Created is the answer of sonet_group.create: the new group's ID, a number.
func Created(id int) Answer { return Result(id) }

// Updated is the answer of sonet_group.update: the group's ID, a number.
func Updated(id int) Answer { return Result(id) }

// OK is the answer true: sonet_group.delete, sonet_group.setowner,
// sonet_group.user.request.
func OK() Answer { return Result(true) }

// Access is the answer of sonet_group.feature.access.
func Access(allowed bool) Answer { return Result(allowed) }

// UserIDs is the answer of sonet_group.user.add, .delete, .update and
// .invite: the IDs the portal acted on, as strings.
func UserIDs(ids ...int) Answer {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = strconv.Itoa(id)
	}
	return Result(out)
}

// Result is a success answer {"result": v, "time": {...}} for any method;
// v is written by encoding/json with PHP's escaping.
func Result(v any) Answer { return envelope(v, false, 0, false, 0, sonet.Timing{}) }

// SonetError is how the sonet_group.* methods fail: HTTP 400, an empty
// error code and an English message, e.g. string(sonet.ErrGroupNotFound),
// "Socialnetwork group not found".
func SonetError(description string) Answer { return sonettest.SonetErrorAnswer(description) }

// Error is an error answer with any status, code and description.
func Error(status int, code, description string) Answer {
	return sonettest.ErrorAnswer(status, code, description)
}

// QueryLimitExceeded is 503 QUERY_LIMIT_EXCEEDED: the rate limit refused
// the call before it ran, so the SDK retries it.
func QueryLimitExceeded() Answer { return sonettest.QueryLimitAnswer() }

// ExpiredToken is 401 expired_token, which makes an OAuth app client
// refresh its token.
func ExpiredToken() Answer { return sonettest.ExpiredTokenAnswer() }

// OperationTimeLimit is 429 OPERATION_TIME_LIMIT.
func OperationTimeLimit() Answer { return sonettest.OperatingLimitAnswer() }

// InternalError is 500 INTERNAL_SERVER_ERROR.
func InternalError() Answer { return sonettest.InternalErrorAnswer() }

// BadGateway is nginx's HTML 502 page: not JSON at all.
func BadGateway() Answer { return sonettest.BadGatewayAnswer() }

// timeBlock is the "time" block in the portal's key order.
type timeBlock struct {
	Start            float64  `json:"start"`
	Finish           float64  `json:"finish"`
	Duration         float64  `json:"duration"`
	Processing       float64  `json:"processing"`
	DateStart        string   `json:"date_start"`
	DateFinish       string   `json:"date_finish"`
	OperatingResetAt *int64   `json:"operating_reset_at,omitempty"`
	Operating        *float64 `json:"operating,omitempty"`
}

func unixFloat(t time.Time) float64 {
	if t.IsZero() {
		return 0
	}
	return float64(t.Unix()) + float64(t.Nanosecond()/1e3)/1e6
}

func blockOf(t sonet.Timing, withOperating bool) timeBlock {
	if t.Start.IsZero() && t.DateStart.IsZero() {
		// As the current rest module writes it (and sonettest): start and
		// processing in whole seconds, finish and duration with fractions.
		now := time.Now().In(time.FixedZone("UTC+2", 2*3600)).Truncate(time.Microsecond)
		start, finish := now.Truncate(time.Second), now.Add(sonettest.DefaultCallCost)
		t = sonet.Timing{Start: start, Finish: finish, Duration: finish.Sub(start),
			Processing: time.Duration(finish.Unix()-start.Unix()) * time.Second,
			DateStart:  start, DateFinish: finish.Truncate(time.Second),
			OperatingResetAt: now.Add(10 * time.Minute).Truncate(time.Second)}
	}
	b := timeBlock{
		Start: unixFloat(t.Start), Finish: unixFloat(t.Finish),
		Duration: t.Duration.Seconds(), Processing: t.Processing.Seconds(),
		DateStart: t.DateStart.Format(portalDate), DateFinish: t.DateFinish.Format(portalDate),
	}
	if withOperating && !t.OperatingResetAt.IsZero() {
		reset, op := t.OperatingResetAt.Unix(), t.Operating.Seconds()
		b.OperatingResetAt, b.Operating = &reset, &op
	}
	return b
}

// envelope writes {"result", "next", "total", "time"} in the portal's order.
func envelope(result any, hasTotal bool, total int, hasNext bool, next int, t sonet.Timing) Answer {
	type env struct {
		Result any       `json:"result"`
		Next   *int      `json:"next,omitempty"`
		Total  *int      `json:"total,omitempty"`
		Time   timeBlock `json:"time"`
	}
	// A json.RawMessage result is spliced in as it is (encoding/json would
	// compact it), so an object kept from a portal goes back byte for byte.
	raw, ok := result.(json.RawMessage)
	if !ok {
		var err error
		if raw, err = phpjson.Marshal(result); err != nil {
			return Error(http.StatusInternalServerError, "INTERNAL_SERVER_ERROR", "sonetmock: cannot encode result: "+err.Error())
		}
	}
	e := env{Time: blockOf(t, true)}
	if hasNext {
		e.Next = &next
	}
	if hasTotal {
		e.Total = &total
	}
	rest, _ := phpjson.Marshal(e) // {"result":null,... of plain values: cannot fail
	body := append([]byte(`{"result":`), raw...)
	body = append(body, rest[len(`{"result":null`):]...)
	return Answer{Status: http.StatusOK, ContentType: jsonType, Body: body}
}

const jsonType = "application/json; charset=utf-8"

var zeroTiming sonet.Timing

// parsed is an answer body read back: what Batch needs of each command.
type parsed struct {
	Result      json.RawMessage  `json:"result"`
	Next        *json.RawMessage `json:"next"`
	Total       *json.RawMessage `json:"total"`
	Time        json.RawMessage  `json:"time"`
	Error       *string          `json:"error"`
	Description string           `json:"error_description"`
}
