package sonet

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/b24kit/sonet/internal/wire"
)

const (
	methodWorkgroupGet  = "socialnetwork.api.workgroup.get"
	methodWorkgroupList = "socialnetwork.api.workgroup.list"
)

// WorkgroupSelect is a block socialnetwork.api.workgroup.get adds to its
// answer on request.
type WorkgroupSelect string

// Blocks of socialnetwork.api.workgroup.get. Those without a typed field in
// Workgroup are still in Workgroup.Raw.
const (
	WorkgroupSelectActions       WorkgroupSelect = "ACTIONS"         // Workgroup.Actions
	WorkgroupSelectAvatar        WorkgroupSelect = "AVATAR"          // Workgroup.Avatar
	WorkgroupSelectAvatarData    WorkgroupSelect = "AVATAR_DATA"     // Raw only
	WorkgroupSelectAvatarTypes   WorkgroupSelect = "AVATAR_TYPES"    // Raw only
	WorkgroupSelectCounters      WorkgroupSelect = "COUNTERS"        // Raw only
	WorkgroupSelectDepartments   WorkgroupSelect = "DEPARTMENTS"     // Workgroup.Departments
	WorkgroupSelectEfficiency    WorkgroupSelect = "EFFICIENCY"      // Workgroup.Efficiency
	WorkgroupSelectFeatures      WorkgroupSelect = "FEATURES"        // Workgroup.Features
	WorkgroupSelectOwnerData     WorkgroupSelect = "OWNER_DATA"      // Workgroup.OwnerData
	WorkgroupSelectPin           WorkgroupSelect = "PIN"             // Workgroup.IsPin
	WorkgroupSelectPrivacyType   WorkgroupSelect = "PRIVACY_TYPE"    // Workgroup.PrivacyCode
	WorkgroupSelectSubjectData   WorkgroupSelect = "SUBJECT_DATA"    // Workgroup.SubjectData
	WorkgroupSelectTags          WorkgroupSelect = "TAGS"            // Workgroup.Tags
	WorkgroupSelectUserData      WorkgroupSelect = "USER_DATA"       // Workgroup.UserData
	WorkgroupSelectListOfMembers WorkgroupSelect = "LIST_OF_MEMBERS" // Workgroup.ListOfMembers
	// WorkgroupSelectMembersAwaitingInvite adds LIST_OF_MEMBERS_AWAITING_INVITE (Raw only).
	WorkgroupSelectMembersAwaitingInvite WorkgroupSelect = "LIST_OF_MEMBERS_AWAITING_INVITE"
	// WorkgroupSelectGroupMembersList adds GROUP_MEMBERS_LIST (Raw only).
	WorkgroupSelectGroupMembersList WorkgroupSelect = "GROUP_MEMBERS_LIST"
	// WorkgroupSelectDateCreate makes DATE_CREATE a humanised text ("today,
	// 12:16"): Workgroup.DateCreateText only, DateCreate stays zero.
	WorkgroupSelectDateCreate WorkgroupSelect = "DATE_CREATE"
)

// WorkgroupMode is the answer mode of socialnetwork.api.workgroup.*.
type WorkgroupMode string

// WorkgroupModeMobile adds the caller's role to the answer
// (Workgroup.AdditionalData); it is the only documented mode.
const WorkgroupModeMobile WorkgroupMode = "mobile"

func (m WorkgroupMode) validate(field string) error {
	if m != "" && m != WorkgroupModeMobile {
		return &ValidationError{Field: field, Reason: fmt.Sprintf("unknown mode %q: the only mode is %q", m, WorkgroupModeMobile)}
	}
	return nil
}

// WorkgroupGetOptions holds the optional parameters of
// socialnetwork.api.workgroup.get.
type WorkgroupGetOptions struct {
	// Select adds blocks to the answer (params[select][N]).
	Select []WorkgroupSelect
	// Mode WorkgroupModeMobile adds Workgroup.AdditionalData (params[mode]).
	Mode WorkgroupMode
	// Location is the portal's time zone; nil: the client's
	// WithPortalLocation. get writes dates without an offset; with a
	// location they become time.Time values when they read one way only
	// (see WithDateOrder). Without one only the ...Text fields are set.
	// Not sent.
	Location *time.Location
}

// workgroupGetParams is the params object of socialnetwork.api.workgroup.get.
type workgroupGetParams struct {
	id   int
	sel  []WorkgroupSelect
	mode WorkgroupMode
}

func (p workgroupGetParams) pairs(key string) wire.Form {
	f := wire.Form{{Key: key + "[groupId]", Value: itoa(p.id)}}
	for i, s := range p.sel {
		f.Add(key+"[select]["+itoa(i)+"]", string(s))
	}
	if p.mode != "" {
		f.Add(key+"[mode]", string(p.mode))
	}
	return f
}

func (p workgroupGetParams) encodeValues(key string, v *url.Values) error {
	return setPairs(p.pairs(key), v)
}

func (p workgroupGetParams) keyOrder(key string) []string { return keysOf(p.pairs(key)) }

type workgroupGetRequest struct {
	Params workgroupGetParams `url:"params"`
}

func (r *workgroupGetRequest) Validate() error {
	if r.Params.id <= 0 {
		return &ValidationError{Field: "params[groupId]", Reason: fmt.Sprintf("want a positive group ID, got %d", r.Params.id)}
	}
	for _, s := range r.Params.sel {
		if err := checkName("params[select]", string(s)); err != nil {
			return err
		}
	}
	return r.Params.mode.validate("params[mode]")
}

// GetWorkgroup returns one workgroup, project, scrum or collab with
// socialnetwork.api.workgroup.get (scope socialnetwork). opts may be nil.
//
// An administrator reads any group, secret ones included. A group that does
// not exist or that the caller may not see gives an *APIError matching
// ErrWorkgroupNotFound and ErrNotFound. The id is checked before sending, so
// ErrWorkgroupEmpty (no ID) is not expected from this call.
//
// Docs: https://apidocs.bitrix24.com/api-reference/sonet-group/socialnetwork-api-workgroup-get.html
func (c *Client) GetWorkgroup(ctx context.Context, id int, opts *WorkgroupGetOptions) (*Workgroup, error) {
	if opts == nil {
		opts = &WorkgroupGetOptions{}
	}
	f, err := encodeRequest(&workgroupGetRequest{Params: workgroupGetParams{id: id, sel: opts.Select, mode: opts.Mode}})
	if err != nil {
		return nil, err
	}
	var w Workgroup
	r, err := c.call(ctx, methodWorkgroupGet, kindRead, f, &w)
	if err != nil {
		return nil, err
	}
	if w.ID != id {
		return nil, &ResponseError{HTTPStatus: r.HTTPStatus, Method: methodWorkgroupGet, Reason: fmt.Sprintf("asked for workgroup %d, got %d", id, w.ID)}
	}
	one := []Workgroup{w}
	c.readPortalDates(opts.Location, one)
	return &one[0], nil
}

func setPairs(f wire.Form, v *url.Values) error {
	for _, p := range f {
		v.Set(p.Key, p.Value)
	}
	return nil
}

func keysOf(f wire.Form) []string {
	keys := make([]string, len(f))
	for i, p := range f {
		keys[i] = p.Key
	}
	return keys
}

func checkName(field, name string) error {
	if strings.TrimSpace(name) == "" || strings.ContainsAny(name, "[]&=") {
		return &ValidationError{Field: field, Reason: fmt.Sprintf("bad field name %q", name)}
	}
	return nil
}
