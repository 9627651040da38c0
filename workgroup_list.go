package sonet

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/url"
	"strings"
	"time"

	"github.com/b24kit/sonet/internal/wire"
)

// WorkgroupField is a field socialnetwork.api.workgroup.list can select.
// Names are UPPER_CASE on the way out although rows come back camelCase.
// It is for Select only: filters and sort orders use the Field constants
// (FieldProject, FieldDateCreate, ...), and the list filters on fewer fields
// than it selects (not on the project dates, for one).
type WorkgroupField string

// Fields of socialnetwork.api.workgroup.list's select. The portal itself
// returns only ID for an empty select; the SDK sends DefaultWorkgroupFields
// instead.
const (
	WorkgroupFieldID                   WorkgroupField = "ID"
	WorkgroupFieldActive               WorkgroupField = "ACTIVE"
	WorkgroupFieldSubjectID            WorkgroupField = "SUBJECT_ID"
	WorkgroupFieldName                 WorkgroupField = "NAME"
	WorkgroupFieldDescription          WorkgroupField = "DESCRIPTION"
	WorkgroupFieldKeywords             WorkgroupField = "KEYWORDS"
	WorkgroupFieldClosed               WorkgroupField = "CLOSED"
	WorkgroupFieldVisible              WorkgroupField = "VISIBLE"
	WorkgroupFieldOpened               WorkgroupField = "OPENED"
	WorkgroupFieldProject              WorkgroupField = "PROJECT"
	WorkgroupFieldLanding              WorkgroupField = "LANDING"
	WorkgroupFieldDateCreate           WorkgroupField = "DATE_CREATE"
	WorkgroupFieldDateUpdate           WorkgroupField = "DATE_UPDATE"
	WorkgroupFieldDateActivity         WorkgroupField = "DATE_ACTIVITY"
	WorkgroupFieldImageID              WorkgroupField = "IMAGE_ID"
	WorkgroupFieldAvatarType           WorkgroupField = "AVATAR_TYPE"
	WorkgroupFieldOwnerID              WorkgroupField = "OWNER_ID"
	WorkgroupFieldNumberOfMembers      WorkgroupField = "NUMBER_OF_MEMBERS"
	WorkgroupFieldNumberOfModerators   WorkgroupField = "NUMBER_OF_MODERATORS"
	WorkgroupFieldInitiatePerms        WorkgroupField = "INITIATE_PERMS"
	WorkgroupFieldProjectDateStart     WorkgroupField = "PROJECT_DATE_START"
	WorkgroupFieldProjectDateFinish    WorkgroupField = "PROJECT_DATE_FINISH"
	WorkgroupFieldScrumOwnerID         WorkgroupField = "SCRUM_OWNER_ID"
	WorkgroupFieldScrumMasterID        WorkgroupField = "SCRUM_MASTER_ID"
	WorkgroupFieldScrumSprintDuration  WorkgroupField = "SCRUM_SPRINT_DURATION"
	WorkgroupFieldScrumTaskResponsible WorkgroupField = "SCRUM_TASK_RESPONSIBLE"
	WorkgroupFieldType                 WorkgroupField = "TYPE"
	// WorkgroupFieldAvatar selects the avatar URL; the portal then also
	// sends imageId and avatarType.
	WorkgroupFieldAvatar WorkgroupField = "AVATAR"
)

// DefaultWorkgroupFields returns the fields ListWorkgroups, AllWorkgroups
// and ScanWorkgroups select when Select is empty: every column of the group
// except AVATAR (whose URL costs the portal a resize per row) and LANDING.
// The portal itself would return only ID for an empty select, with names
// empty and counts zero and no error, so the SDK never sends one; to fetch
// less, pass an explicit Select (for example only WorkgroupFieldID).
// It returns a new slice each time: append to it freely.
func DefaultWorkgroupFields() []WorkgroupField {
	return []WorkgroupField{
		WorkgroupFieldID, WorkgroupFieldName, WorkgroupFieldDescription, WorkgroupFieldKeywords,
		WorkgroupFieldActive, WorkgroupFieldVisible, WorkgroupFieldOpened, WorkgroupFieldClosed,
		WorkgroupFieldProject, WorkgroupFieldType, WorkgroupFieldSubjectID, WorkgroupFieldOwnerID,
		WorkgroupFieldNumberOfMembers, WorkgroupFieldNumberOfModerators, WorkgroupFieldInitiatePerms,
		WorkgroupFieldDateCreate, WorkgroupFieldDateUpdate, WorkgroupFieldDateActivity,
		WorkgroupFieldProjectDateStart, WorkgroupFieldProjectDateFinish,
		WorkgroupFieldScrumOwnerID, WorkgroupFieldScrumMasterID, WorkgroupFieldScrumSprintDuration,
		WorkgroupFieldScrumTaskResponsible, WorkgroupFieldImageID, WorkgroupFieldAvatarType,
	}
}

// WorkgroupListParams is the params object of socialnetwork.api.workgroup.list.
type WorkgroupListParams struct {
	// IsAdmin Yes skips the permission check when the caller is an
	// administrator (params[IS_ADMIN]; ignored for others).
	IsAdmin Flag
	// SiteID is the site of the automatic site filter (params[siteId];
	// ignored for extranet users).
	SiteID string
	// Mode WorkgroupModeMobile adds Workgroup.AdditionalData per row.
	Mode WorkgroupMode
	// Features and MandatoryFeatures are tool codes considered in mobile
	// mode (params[features][N], params[mandatoryFeatures][N]).
	Features          []string
	MandatoryFeatures []string
	// ShouldSelectDialogID Yes adds Workgroup.DialogID
	// (params[shouldSelectDialogId]).
	ShouldSelectDialogID Flag
}

func (p WorkgroupListParams) pairs(key string) wire.Form {
	var f wire.Form
	if p.IsAdmin != Unset {
		f.Add(key+"[IS_ADMIN]", p.IsAdmin.String())
	}
	if p.SiteID != "" {
		f.Add(key+"[siteId]", p.SiteID)
	}
	if p.Mode != "" {
		f.Add(key+"[mode]", string(p.Mode))
	}
	for i, s := range p.Features {
		f.Add(key+"[features]["+itoa(i)+"]", s)
	}
	for i, s := range p.MandatoryFeatures {
		f.Add(key+"[mandatoryFeatures]["+itoa(i)+"]", s)
	}
	if p.ShouldSelectDialogID != Unset {
		f.Add(key+"[shouldSelectDialogId]", p.ShouldSelectDialogID.String())
	}
	return f
}

func (p WorkgroupListParams) encodeValues(key string, v *url.Values) error {
	return setPairs(p.pairs(key), v)
}

func (p WorkgroupListParams) keyOrder(key string) []string { return keysOf(p.pairs(key)) }

func (p WorkgroupListParams) validate() error {
	if p.IsAdmin == No {
		return &ValidationError{Field: "params[IS_ADMIN]", Reason: "only Yes has a meaning; leave it unset for permission checks"}
	}
	if err := validateFlags("params[IS_ADMIN]", p.IsAdmin, "params[shouldSelectDialogId]", p.ShouldSelectDialogID); err != nil {
		return err
	}
	for _, s := range append(append([]string(nil), p.Features...), p.MandatoryFeatures...) {
		if strings.TrimSpace(s) == "" {
			return &ValidationError{Field: "params[features]", Reason: "empty tool code"}
		}
	}
	return p.Mode.validate("params[mode]")
}

// WorkgroupListOptions holds the parameters of socialnetwork.api.workgroup.list.
type WorkgroupListOptions struct {
	// Filter selects groups (filter[KEY]); see the Field constants,
	// WorkgroupFilterType, LikePattern and Where. The portal adds a
	// permission check (unless Params.IsAdmin) and a site filter of its own.
	Filter WorkgroupFilter
	// Select lists the fields to return (select[N]). Empty sends
	// DefaultWorkgroupFields; an explicit list is sent as given, so
	// []WorkgroupField{WorkgroupFieldID} fetches IDs only.
	Select []WorkgroupField
	// Order sorts by filter fields (order[FIELD]=ASC|DESC), in the order
	// given.
	Order Order
	// Params are the params[...] switches.
	Params WorkgroupListParams
	// Start is the offset of the page: 0, 50, 100, ... (a multiple of 50,
	// see GroupListOptions.Start).
	Start int
	// NoCount sends start=-1: the portal skips counting the rows, which is
	// much faster on large portals, and returns the first page only, with
	// neither total nor next (the Page has HasTotal and HasNext false even
	// if the portal sends a total). AllWorkgroups then pages by ID. Start
	// must be 0.
	NoCount bool
	// Location is the portal's time zone, used for dates sent without an
	// offset (see Workgroup); nil: the client's WithPortalLocation. Not sent.
	Location *time.Location
}

type workgroupListRequest struct {
	Filter WorkgroupFilter     `url:"filter,omitempty"`
	Select []WorkgroupField    `url:"select,omitempty"`
	Order  Order               `url:"order,omitempty"`
	Params WorkgroupListParams `url:"params"`
	Start  int                 `url:"start,omitempty"`
}

// Validate checks the options as the SDK would before sending them.
func (o *WorkgroupListOptions) Validate() error {
	if o == nil {
		return nil
	}
	if err := o.Filter.validate("filter"); err != nil {
		return err
	}
	for _, s := range o.Select {
		if err := checkName("select", string(s)); err != nil {
			return err
		}
	}
	if err := o.Order.validate("order", workgroupRules.method, workgroupRules.fields); err != nil {
		return err
	}
	if err := o.Params.validate(); err != nil {
		return err
	}
	if o.Start < 0 {
		return &ValidationError{Field: "start", Reason: fmt.Sprintf("negative offset %d; set NoCount for start=-1", o.Start)}
	}
	if err := validateStart(o.Start); err != nil {
		return err
	}
	if o.NoCount && o.Start != 0 {
		return &ValidationError{Field: "start", Reason: "NoCount sends start=-1 and reads the first page only; Start must be 0"}
	}
	return nil
}

func (o *WorkgroupListOptions) form() (wire.Form, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	sel := o.Select
	if len(sel) == 0 {
		sel = DefaultWorkgroupFields()
	}
	req := workgroupListRequest{Filter: o.Filter, Select: sel, Order: o.Order, Params: o.Params, Start: o.Start}
	if o.NoCount {
		req.Start = -1
	}
	return encodeRequest(req)
}

// Encode validates the options and returns the exact form body
// ListWorkgroups would send.
func (o *WorkgroupListOptions) Encode() (string, error) {
	if o == nil {
		o = &WorkgroupListOptions{}
	}
	f, err := o.form()
	if err != nil {
		return "", err
	}
	return f.Encode(), nil
}

// workgroupRows is the result of socialnetwork.api.workgroup.list:
// {"workgroups": [...]}. A bare [] (PHP's empty array) is an empty list.
type workgroupRows []Workgroup

func (w *workgroupRows) UnmarshalJSON(b []byte) error {
	var env map[string]json.RawMessage
	if err := json.Unmarshal(b, &env); err != nil {
		var empty []json.RawMessage
		if json.Unmarshal(b, &empty) == nil && len(empty) == 0 {
			*w = workgroupRows{}
			return nil
		}
		return fmt.Errorf("result is neither {\"workgroups\": [...]} nor []")
	}
	raw, ok := env["workgroups"]
	if !ok {
		return fmt.Errorf(`result has no "workgroups"`)
	}
	var rows seq[Workgroup]
	if err := json.Unmarshal(raw, &rows); err != nil {
		return err
	}
	*w = append(workgroupRows{}, rows...)
	return nil
}

// ListWorkgroups returns one page (up to 50 rows) of
// socialnetwork.api.workgroup.list (scope socialnetwork): groups, projects,
// scrums and collabs the caller may see. opts may be nil; rows then carry
// DefaultWorkgroupFields. An empty list is a page with no items.
//
// Docs: https://apidocs.bitrix24.com/api-reference/sonet-group/socialnetwork-api-workgroup-list.html
func (c *Client) ListWorkgroups(ctx context.Context, opts *WorkgroupListOptions) (*Page[Workgroup], error) {
	if opts == nil {
		opts = &WorkgroupListOptions{}
	}
	f, err := opts.form()
	if err != nil {
		return nil, err
	}
	var rows workgroupRows
	r, err := c.call(ctx, methodWorkgroupList, kindRead, f, &rows)
	if err != nil {
		return nil, err
	}
	c.readPortalDates(opts.Location, rows)
	p, err := listPage(methodWorkgroupList, r, opts.Start, []Workgroup(rows))
	if err != nil {
		return nil, err
	}
	if opts.NoCount {
		p.Total, p.HasTotal, p.Next, p.HasNext = 0, false, 0, false
	}
	return p, nil
}

// AllWorkgroups walks every row of socialnetwork.api.workgroup.list:
//
//	for w, err := range client.AllWorkgroups(ctx, opts) {
//		if err != nil {
//			return err
//		}
//		...
//	}
//
// It follows next from opts.Start on. With opts.NoCount it uses the fast
// walk the docs recommend for large portals instead: start=-1, order by ID
// ascending, filter ID > the last ID seen, until a page has fewer than 50
// rows (opts.Order must then be empty or ID ascending). Either way it stops
// at the first error, yielding it once; breaking out of the loop sends no
// further request; a portal that does not advance gives ErrCursorStalled.
//
// Docs: https://apidocs.bitrix24.com/api-reference/sonet-group/socialnetwork-api-workgroup-list.html
func (c *Client) AllWorkgroups(ctx context.Context, opts *WorkgroupListOptions) iter.Seq2[Workgroup, error] {
	base := WorkgroupListOptions{}
	if opts != nil {
		base = *opts
	}
	if base.NoCount {
		return c.allWorkgroupsByID(ctx, base)
	}
	fetch := func(ctx context.Context, start int) (*Page[Workgroup], error) {
		o := base
		o.Start = start
		return c.ListWorkgroups(ctx, &o)
	}
	return walk(ctx, methodWorkgroupList, base.Start, fetch, func(w Workgroup) int { return w.ID })
}

func (c *Client) allWorkgroupsByID(ctx context.Context, base WorkgroupListOptions) iter.Seq2[Workgroup, error] {
	return func(yield func(Workgroup, error) bool) {
		if len(base.Order) > 0 && (len(base.Order) > 1 || base.Order[0] != FieldID.Asc()) {
			yield(Workgroup{}, &ValidationError{Field: "order", Reason: "a NoCount walk sorts by ID ascending; leave Order empty"})
			return
		}
		last := 0
		for {
			if err := ctxErr(ctx); err != nil {
				yield(Workgroup{}, err)
				return
			}
			o := base
			o.Order = Order{FieldID.Asc()}
			if last > 0 {
				o.Filter = withCondition(base.Filter, FieldID.GT(last))
			}
			p, err := c.ListWorkgroups(ctx, &o)
			if err != nil {
				yield(Workgroup{}, err)
				return
			}
			for _, w := range p.Items {
				if w.ID <= last {
					yield(Workgroup{}, walkErr(methodWorkgroupList, ErrCursorStalled, "row ID %d after ID %d in an ID-ascending walk", w.ID, last))
					return
				}
				last = w.ID
				if !yield(w, nil) {
					return
				}
			}
			if len(p.Items) < PageSize {
				return
			}
		}
	}
}

// withCondition returns f with c added, replacing a condition with the same
// key (a caller's own >ID is always looser than the walk's).
func withCondition(f WorkgroupFilter, c Condition) WorkgroupFilter {
	out := make(WorkgroupFilter, 0, len(f)+1)
	for _, x := range f {
		if x == nil || x.workgroupCondition().key != c.key {
			out = append(out, x)
		}
	}
	return append(out, c)
}
