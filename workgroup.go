package sonet

import (
	"encoding/json"
	"time"
)

// WorkgroupType is the kind of a workgroup as socialnetwork.api.workgroup.*
// report it. The set is open: a value the SDK does not name is kept as sent.
type WorkgroupType string

// Workgroup types.
const (
	WorkgroupTypeGroup   WorkgroupType = "group"
	WorkgroupTypeProject WorkgroupType = "project"
	WorkgroupTypeScrum   WorkgroupType = "scrum"
	WorkgroupTypeCollab  WorkgroupType = "collab"
)

// Workgroup is a workgroup, project, scrum or collab as
// socialnetwork.api.workgroup.get and socialnetwork.api.workgroup.list return
// it. The two methods disagree on the wire — get answers UPPER_CASE keys with
// numeric IDs and portal-format dates, list answers camelCase keys with IDs
// as strings — and Workgroup hides that: the same datum lands in the same
// field whichever method sent it. Flags arrive as "Y"/"N" or as booleans.
//
// Fields the answer did not carry are zero: list sends only what Select asks
// for (only ID when Select is empty), get sends the base fields plus the
// blocks its Select asks for. Optional blocks are nil when absent.
//
// Dates (DateCreate, DateUpdate, DateActivity, ProjectDateStart,
// ProjectDateFinish): ISO-8601 dates with an offset are read as they are.
// get sends portal-format dates without an offset ("04/17/2025 19:37:55" or
// "17.04.2025 19:37:55") in the portal's time zone, which the answer does not
// state; such a date becomes a time.Time when the client knows the portal's
// time zone (WithPortalLocation or the call's Location) and the text reads
// one way: slashed dates whose day is 12 or less need the portal's date
// order, declared with WithDateOrder or learnt by the client from a date
// that reads one way only. Otherwise the time.Time stays zero. Each date's
// text, exactly as sent, is kept in the matching ...Text field, so nothing
// is lost and no date is silently wrong. (Selecting
// WorkgroupSelectDateCreate makes get send a humanised DATE_CREATE such as
// "today, 12:16": text only.)
type Workgroup struct {
	ID int
	// Name and Description are the text as written, emoji decoded as in
	// Group.Name.
	Name        string
	Description string
	// Keywords are the tags as one comma-separated string; Tags has them as
	// a list (get with WorkgroupSelectTags).
	Keywords string
	Active   bool
	Visible  bool
	Opened   bool
	Closed   bool // archived
	Project  bool
	Landing  bool // a publication group
	Type     WorkgroupType
	// SubjectID is the group's subject (topic).
	SubjectID int
	OwnerID   int
	// InitiatePerms says who may invite: RoleOwner, RoleModerator or
	// RoleMember.
	InitiatePerms      Role
	NumberOfMembers    int
	NumberOfModerators int
	// ImageID is the custom avatar's file ID; 0 with a system avatar.
	ImageID int
	// AvatarType is the system avatar (folder, checks, pie, bag, members) or "".
	AvatarType string
	// Avatar is the custom avatar's URL; "" without one.
	Avatar string

	DateCreate            time.Time
	DateCreateText        string
	DateUpdate            time.Time
	DateUpdateText        string
	DateActivity          time.Time
	DateActivityText      string
	ProjectDateStart      time.Time
	ProjectDateStartText  string
	ProjectDateFinish     time.Time
	ProjectDateFinishText string

	// ScrumMasterID is the scrum master (SCRUM_MASTER_ID); 0 when the group
	// is not a scrum.
	ScrumMasterID int
	// ScrumOwnerID is the scrum's owner (SCRUM_OWNER_ID), a different
	// field from the scrum master: the portal's table (b_sonet_group) and
	// the ORM map of socialnetwork.api.workgroup.* carry both. The docs'
	// get example shows only SCRUM_OWNER_ID; that is not the master.
	ScrumOwnerID int
	// ScrumSprintDuration is the sprint length (sent in seconds).
	ScrumSprintDuration time.Duration
	// ScrumTaskResponsible is the default assignee: "A" creator, "M" scrum
	// master, "" when not a scrum.
	ScrumTaskResponsible string

	SiteID  string
	SiteIDs []string
	ChatID  int
	// DialogID is the chat's dialog ID ("chat1034"); list sends it with
	// ShouldSelectDialogID.
	DialogID string

	// Members are the IDs of owner, moderators and members, in user-ID
	// order; the other lists split them by role. InvitedMembers were
	// invited and have not accepted yet (users who asked to join are not
	// among them).
	Members          []int
	OrdinaryMembers  []int
	InvitedMembers   []int
	ModeratorMembers []int

	// Blocks added by WorkgroupGetOptions.Select.
	Tags        []string
	Departments []int
	PrivacyCode string // PRIVACY_TYPE: open, closed or secret
	IsPin       bool   // PIN
	Efficiency  int    // EFFICIENCY
	OwnerData   *WorkgroupOwnerData
	SubjectData *WorkgroupSubjectData
	Actions     *WorkgroupActions
	UserData    *WorkgroupUserData
	Features    []WorkgroupFeature
	// ListOfMembers is the LIST_OF_MEMBERS block.
	ListOfMembers []WorkgroupMember
	// AdditionalData is sent in mobile mode (get: ADDITIONAL_DATA, list:
	// additionalData).
	AdditionalData *WorkgroupAdditionalData

	// Raw is the whole object exactly as the portal sent it, for anything
	// not typed here: AVATAR_TYPES, AVATAR_DATA, COUNTERS,
	// LIST_OF_MEMBERS_AWAITING_INVITE, GROUP_MEMBERS_LIST, SEARCH_INDEX,
	// NUMBER_OF_MEMBERS_PLURAL.
	Raw json.RawMessage
}

// WorkgroupOwnerData is the OWNER_DATA block.
type WorkgroupOwnerData struct {
	ID            int
	Photo         string // URL of the owner's avatar
	FormattedName string
}

// WorkgroupSubjectData is the SUBJECT_DATA block.
type WorkgroupSubjectData struct {
	ID   int
	Name string
}

// WorkgroupActions is the ACTIONS block: what the calling user may do.
type WorkgroupActions struct {
	Edit, Delete, Invite, Join, Leave, Follow, Pin, EditFeatures bool
}

// WorkgroupUserData is the USER_DATA block: the calling user's relation to
// the group. Role and InitiatedByType are "" when there is none (the portal
// sends false).
type WorkgroupUserData struct {
	Role Role
	// InitiatedByType is "U" (the user asked to join) or "G" (the group
	// invited the user).
	InitiatedByType string
	IsSubscribed    bool
}

// WorkgroupAdditionalData is the mobile-mode block: the calling user's role
// ("" when unrelated) and who initiated the relation ("U", "G" or "").
// Features is list's additionalData.features, undecoded (its shape is not
// documented).
type WorkgroupAdditionalData struct {
	Role            Role
	InitiatedByType string
	Features        json.RawMessage
}

// WorkgroupFeature is one item of the FEATURES block: a tool of the group.
type WorkgroupFeature struct {
	ID          int
	FeatureName string // tasks, files, calendar, ...
	Name        string
	CustomName  string
	Active      bool
}

// WorkgroupMember is one item of the LIST_OF_MEMBERS block.
type WorkgroupMember struct {
	ID                                                int
	IsOwner, IsModerator, IsScrumMaster, IsAutoMember bool
	Name, LastName, Position                          string
	Photo                                             string // URL
}
