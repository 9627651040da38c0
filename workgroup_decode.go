package sonet

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/b24kit/sonet/internal/wire"
)

// setter stores one decoded wire value into a Workgroup.
type setter func(w *Workgroup, b json.RawMessage) error

// workgroupKeys maps each typed key, in UPPER_SNAKE form (list's camelCase
// keys are converted first), to where it goes. Keys not listed stay in Raw.
var workgroupKeys = map[string]setter{
	"ID":                     intTo(func(w *Workgroup) *int { return &w.ID }),
	"NAME":                   storedTextTo(func(w *Workgroup) *string { return &w.Name }),
	"DESCRIPTION":            storedTextTo(func(w *Workgroup) *string { return &w.Description }),
	"KEYWORDS":               textTo(func(w *Workgroup) *string { return &w.Keywords }),
	"ACTIVE":                 flagTo(func(w *Workgroup) *bool { return &w.Active }),
	"VISIBLE":                flagTo(func(w *Workgroup) *bool { return &w.Visible }),
	"OPENED":                 flagTo(func(w *Workgroup) *bool { return &w.Opened }),
	"CLOSED":                 flagTo(func(w *Workgroup) *bool { return &w.Closed }),
	"PROJECT":                flagTo(func(w *Workgroup) *bool { return &w.Project }),
	"LANDING":                flagTo(func(w *Workgroup) *bool { return &w.Landing }),
	"TYPE":                   textTo(func(w *Workgroup) *WorkgroupType { return &w.Type }),
	"SUBJECT_ID":             intTo(func(w *Workgroup) *int { return &w.SubjectID }),
	"OWNER_ID":               intTo(func(w *Workgroup) *int { return &w.OwnerID }),
	"INITIATE_PERMS":         textTo(func(w *Workgroup) *Role { return &w.InitiatePerms }),
	"NUMBER_OF_MEMBERS":      intTo(func(w *Workgroup) *int { return &w.NumberOfMembers }),
	"NUMBER_OF_MODERATORS":   intTo(func(w *Workgroup) *int { return &w.NumberOfModerators }),
	"IMAGE_ID":               intTo(func(w *Workgroup) *int { return &w.ImageID }),
	"AVATAR_TYPE":            textTo(func(w *Workgroup) *string { return &w.AvatarType }),
	"AVATAR":                 textTo(func(w *Workgroup) *string { return &w.Avatar }),
	"DATE_CREATE":            textTo(func(w *Workgroup) *string { return &w.DateCreateText }),
	"DATE_UPDATE":            textTo(func(w *Workgroup) *string { return &w.DateUpdateText }),
	"DATE_ACTIVITY":          textTo(func(w *Workgroup) *string { return &w.DateActivityText }),
	"PROJECT_DATE_START":     textTo(func(w *Workgroup) *string { return &w.ProjectDateStartText }),
	"PROJECT_DATE_FINISH":    textTo(func(w *Workgroup) *string { return &w.ProjectDateFinishText }),
	"SCRUM_MASTER_ID":        intTo(func(w *Workgroup) *int { return &w.ScrumMasterID }),
	"SCRUM_OWNER_ID":         intTo(func(w *Workgroup) *int { return &w.ScrumOwnerID }),
	"SCRUM_SPRINT_DURATION":  sprintDuration,
	"SCRUM_TASK_RESPONSIBLE": textTo(func(w *Workgroup) *string { return &w.ScrumTaskResponsible }),
	"SITE_ID":                textTo(func(w *Workgroup) *string { return &w.SiteID }),
	"SITE_IDS":               textsTo(func(w *Workgroup) *[]string { return &w.SiteIDs }),
	"CHAT_ID":                intTo(func(w *Workgroup) *int { return &w.ChatID }),
	"DIALOG_ID":              textTo(func(w *Workgroup) *string { return &w.DialogID }),
	"MEMBERS":                intsTo(func(w *Workgroup) *[]int { return &w.Members }),
	"ORDINARY_MEMBERS":       intsTo(func(w *Workgroup) *[]int { return &w.OrdinaryMembers }),
	"INVITED_MEMBERS":        intsTo(func(w *Workgroup) *[]int { return &w.InvitedMembers }),
	"MODERATOR_MEMBERS":      intsTo(func(w *Workgroup) *[]int { return &w.ModeratorMembers }),
	"TAGS":                   textsTo(func(w *Workgroup) *[]string { return &w.Tags }),
	"DEPARTMENTS":            intsTo(func(w *Workgroup) *[]int { return &w.Departments }),
	"PRIVACY_CODE":           textTo(func(w *Workgroup) *string { return &w.PrivacyCode }),
	"IS_PIN":                 flagTo(func(w *Workgroup) *bool { return &w.IsPin }),
	"EFFICIENCY":             intTo(func(w *Workgroup) *int { return &w.Efficiency }),
	"OWNER_DATA":             ownerData,
	"SUBJECT_DATA":           subjectData,
	"ACTIONS":                actions,
	"USER_DATA": userData(func(w *Workgroup, u userRel) {
		w.UserData = &WorkgroupUserData{Role: u.role, InitiatedByType: u.by, IsSubscribed: u.sub}
	}),
	"ADDITIONAL_DATA": userData(func(w *Workgroup, u userRel) {
		w.AdditionalData = &WorkgroupAdditionalData{Role: u.role, InitiatedByType: u.by, Features: u.features}
	}),
	"FEATURES":        features,
	"LIST_OF_MEMBERS": listOfMembers,
}

// UnmarshalJSON decodes a workgroup object of socialnetwork.api.workgroup.get
// (UPPER_CASE keys) or of socialnetwork.api.workgroup.list (camelCase keys).
// A value of the wrong type is an error naming its key, never a zero value;
// an object without a positive ID is an error. Only dates with an offset are
// read here; the client's calls read portal-format dates when they know the
// portal's time zone (see WithPortalLocation and WithDateOrder).
func (w *Workgroup) UnmarshalJSON(b []byte) error {
	m, err := upperKeys(b)
	if err != nil {
		return fmt.Errorf("workgroup: %w", err)
	}
	v := Workgroup{Raw: append(json.RawMessage(nil), bytes.TrimSpace(b)...)}
	// In key order (not a map's): with several bad values the error
	// names the same key every time.
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if set := workgroupKeys[k]; set != nil {
			if err := set(&v, m[k]); err != nil {
				return fmt.Errorf("workgroup: %s: %w", k, err)
			}
		}
	}
	if v.ID <= 0 {
		return fmt.Errorf("workgroup: object without a positive ID")
	}
	v.setDates(nil, DateOrderUnknown)
	*w = v
	return nil
}

func intTo(at func(*Workgroup) *int) setter {
	return func(w *Workgroup, b json.RawMessage) error {
		n, err := wire.ParseInt(b)
		*at(w) = n
		return err
	}
}

func textTo[T ~string](at func(*Workgroup) *T) setter {
	return func(w *Workgroup, b json.RawMessage) error {
		var s wire.String
		err := json.Unmarshal(b, &s)
		*at(w) = T(s)
		return err
	}
}

// storedTextTo is textTo for NAME and DESCRIPTION, which the portal stores
// with emoji encoded: decoded as Emoji::decode does (see fromPortal).
func storedTextTo(at func(*Workgroup) *string) setter {
	return func(w *Workgroup, b json.RawMessage) error {
		var s wire.String
		err := json.Unmarshal(b, &s)
		*at(w) = fromPortal(string(s))
		return err
	}
}

func flagTo(at func(*Workgroup) *bool) setter {
	return func(w *Workgroup, b json.RawMessage) error {
		var f wire.Flag
		err := json.Unmarshal(b, &f)
		*at(w) = bool(f)
		return err
	}
}

func intsTo(at func(*Workgroup) *[]int) setter {
	return func(w *Workgroup, b json.RawMessage) error {
		var s seq[wire.Int]
		if err := json.Unmarshal(b, &s); err != nil || s == nil {
			return err
		}
		out := make([]int, len(s))
		for i, n := range s {
			out[i] = int(n)
		}
		*at(w) = out
		return nil
	}
}

func textsTo(at func(*Workgroup) *[]string) setter {
	return func(w *Workgroup, b json.RawMessage) error {
		var s seq[wire.String]
		if err := json.Unmarshal(b, &s); err != nil || s == nil {
			return err
		}
		out := make([]string, len(s))
		for i, t := range s {
			out[i] = string(t)
		}
		*at(w) = out
		return nil
	}
}

func sprintDuration(w *Workgroup, b json.RawMessage) error {
	n, err := wire.ParseInt(b)
	w.ScrumSprintDuration = time.Duration(n) * time.Second
	return err
}

func ownerData(w *Workgroup, b json.RawMessage) error {
	var o block[struct {
		ID            wire.Int
		Photo         wire.String
		FormattedName wire.String `json:"FORMATTED_NAME"`
	}]
	if err := json.Unmarshal(b, &o); err != nil || o.v == nil {
		return err
	}
	w.OwnerData = &WorkgroupOwnerData{ID: int(o.v.ID), Photo: string(o.v.Photo), FormattedName: string(o.v.FormattedName)}
	return nil
}

func subjectData(w *Workgroup, b json.RawMessage) error {
	var o block[struct {
		ID   wire.Int
		Name wire.String
	}]
	if err := json.Unmarshal(b, &o); err != nil || o.v == nil {
		return err
	}
	w.SubjectData = &WorkgroupSubjectData{ID: int(o.v.ID), Name: string(o.v.Name)}
	return nil
}

func actions(w *Workgroup, b json.RawMessage) error {
	var o block[struct {
		Edit, Delete, Invite, Join, Leave, Follow, Pin wire.Flag
		EditFeatures                                   wire.Flag `json:"EDIT_FEATURES"`
	}]
	if err := json.Unmarshal(b, &o); err != nil || o.v == nil {
		return err
	}
	a := o.v
	w.Actions = &WorkgroupActions{Edit: bool(a.Edit), Delete: bool(a.Delete), Invite: bool(a.Invite), Join: bool(a.Join),
		Leave: bool(a.Leave), Follow: bool(a.Follow), Pin: bool(a.Pin), EditFeatures: bool(a.EditFeatures)}
	return nil
}

// userRel is the caller's relation to a group, as USER_DATA or
// ADDITIONAL_DATA carry it.
type userRel struct {
	role     Role
	by       string
	sub      bool
	features json.RawMessage
}

// userData reads USER_DATA or ADDITIONAL_DATA (get: ROLE, INITIATED_BY_TYPE;
// list: role, initiatedByType, features). "No value" is false in USER_DATA
// and "" in ADDITIONAL_DATA; both read as "".
func userData(store func(*Workgroup, userRel)) setter {
	return func(w *Workgroup, b json.RawMessage) error {
		var o block[json.RawMessage]
		if err := json.Unmarshal(b, &o); err != nil || o.v == nil {
			return err
		}
		m, err := upperKeys(*o.v)
		if err != nil {
			return err
		}
		var role, by textOrFalse
		var sub wire.Flag
		for _, f := range []struct {
			key string
			dst any
		}{{"ROLE", &role}, {"INITIATED_BY_TYPE", &by}, {"IS_SUBSCRIBED", &sub}} {
			if raw, ok := m[f.key]; ok {
				if err := json.Unmarshal(raw, f.dst); err != nil {
					return fmt.Errorf("%s: %w", f.key, err)
				}
			}
		}
		store(w, userRel{role: Role(role), by: string(by), sub: bool(sub), features: m["FEATURES"]})
		return nil
	}
}

func features(w *Workgroup, b json.RawMessage) error {
	var s seq[struct {
		ID                            wire.Int
		FeatureName, Name, CustomName wire.String
		Active                        wire.Flag
	}]
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	for _, f := range s {
		w.Features = append(w.Features, WorkgroupFeature{ID: int(f.ID), FeatureName: string(f.FeatureName),
			Name: string(f.Name), CustomName: string(f.CustomName), Active: bool(f.Active)})
	}
	return nil
}

func listOfMembers(w *Workgroup, b json.RawMessage) error {
	var s seq[struct {
		ID                                                wire.Int
		IsOwner, IsModerator, IsScrumMaster, IsAutoMember wire.Flag
		Name, LastName, Position, Photo                   wire.String
	}]
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	for _, m := range s {
		w.ListOfMembers = append(w.ListOfMembers, WorkgroupMember{ID: int(m.ID), IsOwner: bool(m.IsOwner),
			IsModerator: bool(m.IsModerator), IsScrumMaster: bool(m.IsScrumMaster), IsAutoMember: bool(m.IsAutoMember),
			Name: string(m.Name), LastName: string(m.LastName), Position: string(m.Position), Photo: string(m.Photo)})
	}
	return nil
}

// upperKeys reads a JSON object and returns its members with the keys in
// UPPER_SNAKE form (dateCreate -> DATE_CREATE, id -> ID). Keys without a
// lower-case letter are kept and win over a camelCase twin. null is an
// empty object.
func upperKeys(b []byte) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		// The value is quoted later, redacted before it is cut (errorText).
		return nil, &wire.ValueError{Msg: "not a JSON object", Value: append([]byte(nil), bytes.TrimSpace(b)...)}
	}
	out := make(map[string]json.RawMessage, len(m))
	for k, v := range m {
		if k == upperSnake(k) {
			out[k] = v
		}
	}
	for k, v := range m {
		if u := upperSnake(k); u != k {
			if _, taken := out[u]; !taken {
				out[u] = v
			}
		}
	}
	return out, nil
}

// upperSnake turns a camelCase key into UPPER_SNAKE; a key with no
// lower-case letter is returned as it is.
func upperSnake(k string) string {
	if strings.IndexFunc(k, unicode.IsLower) < 0 {
		return k
	}
	var sb strings.Builder
	for i, r := range k {
		if unicode.IsUpper(r) && i > 0 {
			sb.WriteByte('_')
		}
		sb.WriteRune(unicode.ToUpper(r))
	}
	return sb.String()
}

// block is an optional object. PHP writes an empty one as [] and the
// portal writes "none" as false, null or ""; all of these mean absent.
type block[T any] struct{ v *T }

func (o *block[T]) UnmarshalJSON(b []byte) error {
	switch string(bytes.TrimSpace(b)) {
	case "null", "[]", "false", `""`:
		o.v = nil
		return nil
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	o.v = &v
	return nil
}

// seq is a list that PHP may write as an array or, when its keys are not
// 0..n-1, as an object; items keep the order sent. null is no list.
type seq[T any] []T

func (s *seq[T]) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*s = nil
		return nil
	case len(b) > 0 && b[0] == '[':
		var v []T
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = v
		return nil
	case len(b) > 0 && b[0] == '{':
		dec := json.NewDecoder(bytes.NewReader(b))
		if _, err := dec.Token(); err != nil {
			return err
		}
		out := []T{}
		for dec.More() {
			if _, err := dec.Token(); err != nil {
				return err
			}
			var v T
			if err := dec.Decode(&v); err != nil {
				return err
			}
			out = append(out, v)
		}
		*s = out
		return nil
	}
	return &wire.ValueError{Msg: "not a list", Value: append([]byte(nil), b...)}
}

// textOrFalse is a string where the portal writes "no value" as false.
type textOrFalse string

func (t *textOrFalse) UnmarshalJSON(b []byte) error {
	if string(b) == "false" {
		*t = ""
		return nil
	}
	var s wire.String
	err := s.UnmarshalJSON(b)
	*t = textOrFalse(s)
	return err
}
