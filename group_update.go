package sonet

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/b24kit/sonet/internal/wire"
)

// GroupUpdateRequest holds the parameters of sonet_group.update. It is a
// partial update: only the fields set are sent. Optional fields are pointers
// (unlike GroupCreateRequest's plain values) because an update must be able
// to send an empty value on purpose: nil sends nothing, String("") clears
// the description, Int(0) on ImageFileID removes the avatar. Flags are set
// with Yes or No; Unset sends nothing.
type GroupUpdateRequest struct {
	// GroupID is the group to change (GROUP_ID, required).
	GroupID int `url:"GROUP_ID"`
	// Name is the new title; it may not be set to "".
	Name        *string `url:"NAME,omitempty"`
	Description *string `url:"DESCRIPTION,omitempty"`
	Keywords    *string `url:"KEYWORDS,omitempty"`
	Visible     Flag    `url:"VISIBLE,omitempty"`
	Opened      Flag    `url:"OPENED,omitempty"`
	// Closed archives (Yes) or restores (No) the group.
	Closed Flag `url:"CLOSED,omitempty"`
	// InitiatePerms: RoleOwner, RoleModerator or RoleMember.
	InitiatePerms     Role       `url:"INITIATE_PERMS,omitempty"`
	ProjectDateStart  *time.Time `url:"PROJECT_DATE_START,omitempty" layout:"2006-01-02T15:04:05-07:00"`
	ProjectDateFinish *time.Time `url:"PROJECT_DATE_FINISH,omitempty" layout:"2006-01-02T15:04:05-07:00"`
	// OwnerID hands the group to another user (SetGroupOwner is the
	// dedicated call).
	OwnerID int `url:"OWNER_ID,omitempty"`
	// Image uploads a new avatar.
	Image *Image `url:"IMAGE,omitempty"`
	// ImageFileID sets the avatar from a Drive file; sonet.Int(0) removes
	// the avatar (and then any Image sent with it is ignored by the portal).
	ImageFileID *int `url:"IMAGE_FILE_ID,omitempty"`
	// SiteIDs replaces the group's sites.
	SiteIDs []string `url:"SITE_ID,omitempty"`
}

// Validate checks the request as the SDK would before sending it.
func (r *GroupUpdateRequest) Validate() error {
	if r == nil {
		return &ValidationError{Field: "request", Reason: "nil *GroupUpdateRequest"}
	}
	if r.GroupID <= 0 {
		return &ValidationError{Field: "GROUP_ID", Reason: fmt.Sprintf("required: want a positive group ID, got %d", r.GroupID)}
	}
	if r.Name != nil && strings.TrimSpace(*r.Name) == "" {
		return &ValidationError{Field: "NAME", Reason: "a group name cannot be set to empty"}
	}
	if err := validateFlags("VISIBLE", r.Visible, "OPENED", r.Opened, "CLOSED", r.Closed); err != nil {
		return err
	}
	if r.InitiatePerms != "" && !validPerm(r.InitiatePerms) {
		return &ValidationError{Field: "INITIATE_PERMS", Reason: fmt.Sprintf("unknown role %q: want A (owner), E (moderators) or K (members)", r.InitiatePerms)}
	}
	var start, finish time.Time
	if r.ProjectDateStart != nil {
		start = *r.ProjectDateStart
	}
	if r.ProjectDateFinish != nil {
		finish = *r.ProjectDateFinish
	}
	if err := validateDates(start, finish); err != nil {
		return err
	}
	fileID := 0
	if r.ImageFileID != nil {
		fileID = *r.ImageFileID
	}
	if err := validateIDs("OWNER_ID", r.OwnerID, "IMAGE_FILE_ID", fileID); err != nil {
		return err
	}
	if err := r.Image.validate("IMAGE"); err != nil {
		return err
	}
	if err := validateSites(r.SiteIDs); err != nil {
		return err
	}
	if err := checkGroupText(deref(r.Name), deref(r.Description), deref(r.Keywords), r.SiteIDs); err != nil {
		return err
	}
	if r.Name == nil && r.Description == nil && r.Keywords == nil && r.Visible == Unset &&
		r.Opened == Unset && r.Closed == Unset && r.InitiatePerms == "" && r.ProjectDateStart == nil &&
		r.ProjectDateFinish == nil && r.OwnerID == 0 && r.Image == nil && r.ImageFileID == nil && len(r.SiteIDs) == 0 {
		return &ValidationError{Field: "request", Reason: "nothing to update: no field is set"}
	}
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// Encode validates the request and returns the exact form body UpdateGroup
// would send.
func (r *GroupUpdateRequest) Encode() (string, error) {
	f, err := encodeRequest(r)
	if err != nil {
		return "", err
	}
	return f.Encode(), nil
}

// UpdateGroup changes a group with sonet_group.update and returns its ID as
// the portal reports it. An answer other than the group's ID (null, 0,
// text, another ID) matches ErrOutcomeUnknown and ErrBadResponse.
//
// Failures: ErrWrongGroupID, ErrGroupNotFound (also ErrNotFound),
// ErrNoPermissionToUpdate (also ErrPermissionDenied), ErrCannotUpdateGroup,
// ErrImageID. A lost answer matches ErrOutcomeUnknown; the update is not
// repeated.
//
// Docs: https://apidocs.bitrix24.com/api-reference/sonet-group/sonet-group-update.html
func (c *Client) UpdateGroup(ctx context.Context, req *GroupUpdateRequest) (int, error) {
	f, err := encodeRequest(req)
	if err != nil {
		return 0, err
	}
	var id wire.Int
	r, err := c.call(ctx, "sonet_group.update", kindWrite, f, &id)
	if err != nil {
		return 0, err
	}
	// The documented answer is the group's ID. null, 0 or another group's
	// ID does not say that this update ran: outcome unknown, never a
	// silent 0.
	if int(id) != req.GroupID {
		return 0, c.unusableWrite("sonet_group.update", r, fmt.Sprintf("result %d is not the group's ID %d", id, req.GroupID))
	}
	return int(id), nil
}
