package sonet

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/b24kit/sonet/internal/wire"
)

// GroupCreateRequest holds the parameters of sonet_group.create. Only Name is
// required; every other field left at its zero value is not sent, and the
// portal applies its default (VISIBLE Y, OPENED N, CLOSED N, PROJECT N,
// INITIATE_PERMS K, the current site, the first subject).
//
// Why plain values here and pointers on GroupUpdateRequest: a new group has
// nothing to clear, so "empty" and "not set" mean the same and a plain
// string or int is enough. An update changes only what it sends and must
// be able to send an empty value on purpose (clear the description, remove
// the avatar), so there an optional field is a pointer: nil sends nothing,
// String("") sends "". Flags (Yes, No, Unset) work the same on both.
type GroupCreateRequest struct {
	// Name is the group's title (NAME, required).
	Name string `url:"NAME"`
	// Description is the group's description.
	Description string `url:"DESCRIPTION,omitempty"`
	// Visible lists the group in the public group list (default Yes).
	Visible Flag `url:"VISIBLE,omitempty"`
	// Opened lets anyone join without approval (default No).
	Opened Flag `url:"OPENED,omitempty"`
	// Closed archives the group (default No).
	Closed Flag `url:"CLOSED,omitempty"`
	// Keywords are comma-separated keywords.
	Keywords string `url:"KEYWORDS,omitempty"`
	// InitiatePerms says who may invite members: RoleOwner, RoleModerator
	// (owner and moderators) or RoleMember (every member). Omitted, the
	// portal uses RoleMember (RoleModerator for extranet callers).
	InitiatePerms Role `url:"INITIATE_PERMS,omitempty"`
	// SpamPerms says who may post to the group.
	//
	// Deprecated: legacy. SPAM_PERMS is in the 2025 and older pages of
	// sonet_group.create but gone from the current one; it is sent only when
	// set. Values: RoleOwner, RoleModerator, RoleMember, RoleAll.
	SpamPerms Role `url:"SPAM_PERMS,omitempty"`
	// Project makes a project instead of a workgroup (default No).
	Project Flag `url:"PROJECT,omitempty"`
	// ProjectDateStart and ProjectDateFinish bound a project (Project must
	// be Yes). Sent as ISO-8601 with the time's own offset.
	ProjectDateStart  time.Time `url:"PROJECT_DATE_START,omitempty" layout:"2006-01-02T15:04:05-07:00"`
	ProjectDateFinish time.Time `url:"PROJECT_DATE_FINISH,omitempty" layout:"2006-01-02T15:04:05-07:00"`
	// ScrumMasterID makes the project a scrum with this user as scrum
	// master (Project must be Yes).
	ScrumMasterID int `url:"SCRUM_MASTER_ID,omitempty"`
	// OwnerID sets the owner; honoured only when the caller is an
	// administrator, otherwise the caller becomes the owner.
	OwnerID int `url:"OWNER_ID,omitempty"`
	// Image uploads an avatar (sent as IMAGE[0]=name, IMAGE[1]=base64).
	Image *Image `url:"IMAGE,omitempty"`
	// ImageFileID sets the avatar from a Drive file. It wins over Image
	// when both are given.
	ImageFileID int `url:"IMAGE_FILE_ID,omitempty"`
	// SiteIDs are the sites the group belongs to (default: the current
	// site). Sent as SITE_ID[0], SITE_ID[1], ...
	SiteIDs []string `url:"SITE_ID,omitempty"`
	// SubjectID is the group's subject (topic).
	SubjectID int `url:"SUBJECT_ID,omitempty"`
}

// Validate checks the request as the SDK would before sending it.
func (r *GroupCreateRequest) Validate() error {
	if r == nil {
		return &ValidationError{Field: "request", Reason: "nil *GroupCreateRequest"}
	}
	if strings.TrimSpace(r.Name) == "" {
		return &ValidationError{Field: "NAME", Reason: "required and empty"}
	}
	if err := validateFlags("VISIBLE", r.Visible, "OPENED", r.Opened, "CLOSED", r.Closed, "PROJECT", r.Project); err != nil {
		return err
	}
	if r.InitiatePerms != "" && !validPerm(r.InitiatePerms) {
		return &ValidationError{Field: "INITIATE_PERMS", Reason: fmt.Sprintf("unknown role %q: want A (owner), E (moderators) or K (members)", r.InitiatePerms)}
	}
	if r.SpamPerms != "" && !validPerm(r.SpamPerms) && r.SpamPerms != RoleAll {
		return &ValidationError{Field: "SPAM_PERMS", Reason: fmt.Sprintf("unknown role %q: want A, E, K or N (all users)", r.SpamPerms)}
	}
	if r.Project != Yes {
		switch {
		case !r.ProjectDateStart.IsZero() || !r.ProjectDateFinish.IsZero():
			field := "PROJECT_DATE_START"
			if r.ProjectDateStart.IsZero() {
				field = "PROJECT_DATE_FINISH"
			}
			return &ValidationError{Field: field, Reason: "project dates need Project: sonet.Yes"}
		case r.ScrumMasterID != 0:
			return &ValidationError{Field: "SCRUM_MASTER_ID", Reason: "a scrum master needs Project: sonet.Yes (a scrum is a project)"}
		}
	}
	if err := validateDates(r.ProjectDateStart, r.ProjectDateFinish); err != nil {
		return err
	}
	if err := validateIDs("SCRUM_MASTER_ID", r.ScrumMasterID, "OWNER_ID", r.OwnerID, "IMAGE_FILE_ID", r.ImageFileID, "SUBJECT_ID", r.SubjectID); err != nil {
		return err
	}
	if err := r.Image.validate("IMAGE"); err != nil {
		return err
	}
	if err := checkGroupText(r.Name, r.Description, r.Keywords, r.SiteIDs); err != nil {
		return err
	}
	return validateSites(r.SiteIDs)
}

// Encode validates the request and returns the exact form body
// CreateGroup would send, for comparing with the docs or a portal's logs.
func (r *GroupCreateRequest) Encode() (string, error) {
	f, err := encodeRequest(r)
	if err != nil {
		return "", err
	}
	return f.Encode(), nil
}

// encodeRequest validates v (when it has a Validate method) and encodes it.
func encodeRequest(v any) (wire.Form, error) {
	if vv, ok := v.(interface{ Validate() error }); ok {
		if err := vv.Validate(); err != nil {
			return nil, err
		}
	}
	f, err := encodeWire(v)
	if err != nil {
		return nil, encodeError("request", err)
	}
	return f, nil
}

// encodeError turns an encoder failure into a *ValidationError, naming the
// wire key when the encoder refused one value (NUL, invalid UTF-8).
func encodeError(field string, err error) error {
	var te *wire.TextError
	if errors.As(err, &te) {
		return &ValidationError{Field: te.Key, Reason: te.Reason}
	}
	var ve *ValidationError
	if errors.As(err, &ve) {
		return ve // a typed value's own check (a filter's EncodeValues)
	}
	return &ValidationError{Field: field, Reason: err.Error()}
}

// CreateGroup creates a workgroup, project or scrum with sonet_group.create
// and returns its ID.
//
// The request is validated first; a bad one is refused with a
// *ValidationError and nothing is sent. If the answer is lost after the
// request may have reached the portal, the error matches ErrOutcomeUnknown
// and the call is not repeated (EnsureGroup looks the group up instead).
//
// Docs: https://apidocs.bitrix24.com/api-reference/sonet-group/sonet-group-create.html
func (c *Client) CreateGroup(ctx context.Context, req *GroupCreateRequest) (int, error) {
	f, err := encodeRequest(req)
	if err != nil {
		return 0, err
	}
	var id wire.Int
	r, err := c.call(ctx, "sonet_group.create", kindWrite, f, &id)
	if err != nil {
		return 0, err
	}
	if id <= 0 {
		return 0, c.unusableWrite("sonet_group.create", r, fmt.Sprintf("result %d is not a group ID", id))
	}
	return int(id), nil
}

// Length limits of the text fields, from the socialnetwork module's table
// definitions (install/db/mysql/install.sql): b_sonet_group has NAME
// varchar(255), KEYWORDS varchar(255), DESCRIPTION text; b_sonet_group_site
// has SITE_ID char(2); b_sonet_user2group has MESSAGE text. varchar and char
// count characters; a MySQL TEXT column holds 65,535 bytes. NAME and
// DESCRIPTION are counted as stored, each emoji as 10 (portal_text.go).
const (
	maxNameRunes     = 255
	maxKeywordsRunes = 255
	maxSiteIDRunes   = 2
	maxTextBytes     = 65535
)

// checkLength refuses text longer than its column: maxRunes characters
// (varchar) or, with maxRunes 0, maxBytes bytes (TEXT).
func checkLength(field, s string, maxRunes, maxBytes int) error {
	switch {
	case maxRunes > 0 && utf8.RuneCountInString(s) > maxRunes:
		return &ValidationError{Field: field, Reason: fmt.Sprintf("%d characters, the portal stores at most %d", utf8.RuneCountInString(s), maxRunes)}
	case maxBytes > 0 && len(s) > maxBytes:
		return &ValidationError{Field: field, Reason: fmt.Sprintf("%d bytes, the portal stores at most %d", len(s), maxBytes)}
	}
	return nil
}

// checkGroupText checks the text fields of a create or update.
func checkGroupText(name, description, keywords string, sites []string) error {
	if err := checkStoredLength("NAME", name, maxNameRunes, 0); err != nil {
		return err
	}
	if err := checkStoredLength("DESCRIPTION", description, 0, maxTextBytes); err != nil {
		return err
	}
	if err := checkLength("KEYWORDS", keywords, maxKeywordsRunes, 0); err != nil {
		return err
	}
	for _, s := range sites {
		if err := checkLength("SITE_ID", s, maxSiteIDRunes, 0); err != nil {
			return err
		}
	}
	return nil
}

// validateFlags takes name, flag pairs: ("VISIBLE", r.Visible, ...).
func validateFlags(pairs ...any) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if f := pairs[i+1].(Flag); f > No {
			return &ValidationError{Field: pairs[i].(string), Reason: fmt.Sprintf("flag value %d is neither Yes nor No", f)}
		}
	}
	return nil
}

// validateIDs takes name, ID pairs: ("OWNER_ID", r.OwnerID, ...).
func validateIDs(pairs ...any) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if id := pairs[i+1].(int); id < 0 {
			return &ValidationError{Field: pairs[i].(string), Reason: fmt.Sprintf("negative ID %d", id)}
		}
	}
	return nil
}

func validateDates(start, finish time.Time) error {
	if !start.IsZero() && !finish.IsZero() && finish.Before(start) {
		return &ValidationError{Field: "PROJECT_DATE_FINISH", Reason: fmt.Sprintf("project ends (%s) before it starts (%s)", formatTime(finish), formatTime(start))}
	}
	return nil
}

func validateSites(sites []string) error {
	for _, s := range sites {
		if strings.TrimSpace(s) == "" {
			return &ValidationError{Field: "SITE_ID", Reason: "empty site ID in the list"}
		}
	}
	return nil
}
