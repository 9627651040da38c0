package sonet

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/b24kit/sonet/internal/wire"
)

// Group is a workgroup, project or scrum as sonet_group.get returns it.
//
// sonet_group.get does not return project dates (PROJECT_DATE_START,
// PROJECT_DATE_FINISH), who may invite (INITIATE_PERMS), the group's type,
// the scrum master or the member lists, so Group has no fields for them:
// they are on Workgroup, from GetWorkgroup, ListWorkgroups, AllWorkgroups
// and ScanWorkgroups (socialnetwork.api.workgroup.*).
//
// The portal sends every scalar of a row as a string ("77"), flags as
// "Y"/"N" and empty text as null; Group holds them as Go values. Fields the
// portal leaves out of a row (IMAGE without an avatar, IS_EXTRANET without
// the extranet module) are zero.
type Group struct {
	ID     int
	SiteID string // one site ID, although create takes a list
	// Name and Description are the text as written, emoji included: the
	// portal stores each emoji as ":" + hex + ":" (":f09f9a80:" for 🚀) and
	// the SDK decodes that form as the portal's Emoji::decode does, whether
	// or not the portal already did. Text typed as ":f09f9a80:" reads back
	// as 🚀 too: the portal stores both alike (see EnsureGroup).
	Name        string
	Description string
	Keywords    string // comma-separated; stored and returned as sent (never encoded)
	Active      bool
	Visible     bool
	Opened      bool
	Closed      bool // archived
	Project     bool
	IsExtranet  bool
	SubjectID   int
	SubjectName string
	OwnerID     int
	// NumberOfMembers counts the group's members.
	NumberOfMembers int
	// Image is the avatar's URL; empty without an avatar.
	Image        string
	DateCreate   time.Time
	DateUpdate   time.Time
	DateActivity time.Time
}

// rawGroup is a sonet_group.get row as it travels.
type rawGroup struct {
	ID              wire.Int    `json:"ID"`
	SiteID          wire.String `json:"SITE_ID"`
	Name            wire.String `json:"NAME"`
	Description     wire.String `json:"DESCRIPTION"`
	Keywords        wire.String `json:"KEYWORDS"`
	Active          wire.Flag   `json:"ACTIVE"`
	Visible         wire.Flag   `json:"VISIBLE"`
	Opened          wire.Flag   `json:"OPENED"`
	Closed          wire.Flag   `json:"CLOSED"`
	Project         wire.Flag   `json:"PROJECT"`
	IsExtranet      wire.Flag   `json:"IS_EXTRANET"`
	SubjectID       wire.Int    `json:"SUBJECT_ID"`
	SubjectName     wire.String `json:"SUBJECT_NAME"`
	OwnerID         wire.Int    `json:"OWNER_ID"`
	NumberOfMembers wire.Int    `json:"NUMBER_OF_MEMBERS"`
	Image           wire.String `json:"IMAGE"`
	DateCreate      wire.Time   `json:"DATE_CREATE"`
	DateUpdate      wire.Time   `json:"DATE_UPDATE"`
	DateActivity    wire.Time   `json:"DATE_ACTIVITY"`
}

// UnmarshalJSON decodes a sonet_group.get row. A value of the wrong type
// (an ID that is not a number, a flag that is not Y/N, a date that is not
// ISO-8601) is an error, never a zero value. A row without an ID is an error.
func (g *Group) UnmarshalJSON(b []byte) error {
	var r rawGroup
	if err := json.Unmarshal(b, &r); err != nil {
		return fmt.Errorf("group: %w", err)
	}
	return r.to(g)
}

func (r *rawGroup) to(g *Group) error {
	if r.ID <= 0 {
		return fmt.Errorf("group: row without a positive ID")
	}
	*g = Group{
		ID:              int(r.ID),
		SiteID:          string(r.SiteID),
		Name:            fromPortal(string(r.Name)),
		Description:     fromPortal(string(r.Description)),
		Keywords:        string(r.Keywords),
		Active:          bool(r.Active),
		Visible:         bool(r.Visible),
		Opened:          bool(r.Opened),
		Closed:          bool(r.Closed),
		Project:         bool(r.Project),
		IsExtranet:      bool(r.IsExtranet),
		SubjectID:       int(r.SubjectID),
		SubjectName:     string(r.SubjectName),
		OwnerID:         int(r.OwnerID),
		NumberOfMembers: int(r.NumberOfMembers),
		Image:           string(r.Image),
		DateCreate:      time.Time(r.DateCreate),
		DateUpdate:      time.Time(r.DateUpdate),
		DateActivity:    time.Time(r.DateActivity),
	}
	return nil
}

// groupRows decodes a page of rows in one pass (rather than one
// json.Unmarshal per row through Group.UnmarshalJSON).
type groupRows []Group

func (rows *groupRows) UnmarshalJSON(b []byte) error {
	// null is not an empty list: the portal writes an empty page as [].
	if t := bytes.TrimSpace(b); len(t) == 0 || t[0] != '[' {
		return &wire.ValueError{Msg: "want a JSON list of groups", Value: t}
	}
	var raw []rawGroup
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("group: %w", err)
	}
	out := make([]Group, len(raw))
	for i := range raw {
		if err := raw[i].to(&out[i]); err != nil {
			return err
		}
	}
	*rows = out
	return nil
}
