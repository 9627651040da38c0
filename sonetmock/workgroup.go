package sonetmock

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode"

	"github.com/b24kit/sonet"
	"github.com/b24kit/sonet/internal/phpjson"
)

// Workgroup is a socialnetwork.api.workgroup.get answer for w. A Workgroup
// the SDK decoded keeps the portal's object in Raw, and that object is sent
// as it is, so a value read from a portal (or from sonettest) is answered
// byte for byte. Without Raw the typed fields are written as the method
// does: UPPER_CASE keys, numeric IDs, Y/N flags, null for empty text, the
// blocks (OwnerData, Actions, ...) only when set. Dates are written from
// their ...Text fields, else as ISO-8601 with the time's offset.
func Workgroup(w sonet.Workgroup) Answer {
	return envelope(json.RawMessage(workgroupObject(w, false)), false, 0, false, 0, sonet.Timing{})
}

// WorkgroupPage is a socialnetwork.api.workgroup.list answer:
// {"result": {"workgroups": [...]}, "next", "total", "time"}. Rows are
// written from Raw when they have it, else from the typed fields with the
// list's camelCase keys and string IDs.
func WorkgroupPage(p sonet.Page[sonet.Workgroup]) Answer {
	result := []byte(`{"workgroups":[`)
	for i, w := range p.Items {
		if i > 0 {
			result = append(result, ',')
		}
		result = append(result, workgroupObject(w, true)...)
	}
	result = append(result, "]}"...)
	return envelope(json.RawMessage(result), p.HasTotal, p.Total, p.HasNext, p.Next, p.Time)
}

// kvs is a JSON object in the order given.
type kvs []field

type field struct {
	k string
	v any
}

func (o *kvs) add(k string, v any) { *o = append(*o, field{k, v}) }

// write renders o; list turns the keys into camelCase and IDs into text.
func (o kvs) write(list bool) json.RawMessage {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, e := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k := e.k
		if list {
			k = camel(k)
		}
		kb, _ := phpjson.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		var vb []byte
		switch v := e.v.(type) {
		case kvs:
			vb = v.write(list)
		case []kvs:
			parts := make([]string, len(v))
			for i, x := range v {
				parts[i] = string(x.write(list))
			}
			vb = []byte("[" + strings.Join(parts, ",") + "]")
		case json.RawMessage:
			vb = v
		case id:
			if list {
				vb, _ = phpjson.Marshal(strconv.Itoa(int(v)))
			} else {
				vb = strconv.AppendInt(nil, int64(v), 10)
			}
		default:
			vb, _ = phpjson.Marshal(v)
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// id is a number the get method sends as a number and list as text.
type id int

func ids(xs []int) []id {
	if xs == nil {
		return []id{}
	}
	out := make([]id, len(xs))
	for i, x := range xs {
		out[i] = id(x)
	}
	return out
}

// MarshalJSON writes an ID inside a list of IDs as a number; list rows
// carry lists of numbers too.
func (n id) MarshalJSON() ([]byte, error) { return strconv.AppendInt(nil, int64(n), 10), nil }

// camel turns UPPER_SNAKE into camelCase: DATE_CREATE -> dateCreate. A key
// that is camelCase already is kept.
func camel(k string) string {
	if strings.IndexFunc(k, unicode.IsLower) >= 0 {
		return k
	}
	parts := strings.Split(strings.ToLower(k), "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			r := []rune(parts[i])
			r[0] = unicode.ToUpper(r[0])
			parts[i] = string(r)
		}
	}
	return strings.Join(parts, "")
}

// wgDate is a date's text as the portal sent it, else ISO-8601, else null.
func wgDate(text string, iso *string) any {
	if text != "" {
		return text
	}
	if iso != nil {
		return *iso
	}
	return nil
}

// workgroupObject is w's object: Raw when set, else the typed fields.
func workgroupObject(w sonet.Workgroup, list bool) json.RawMessage {
	if t := bytes.TrimSpace(w.Raw); len(t) > 0 && t[0] == '{' {
		return t
	}
	var o kvs
	o.add("ID", id(w.ID))
	o.add("ACTIVE", yn(w.Active))
	o.add("SITE_ID", w.SiteID)
	o.add("SUBJECT_ID", id(w.SubjectID))
	o.add("NAME", w.Name)
	o.add("DESCRIPTION", nullIfEmpty(w.Description))
	o.add("KEYWORDS", nullIfEmpty(w.Keywords))
	o.add("CLOSED", yn(w.Closed))
	o.add("VISIBLE", yn(w.Visible))
	o.add("OPENED", yn(w.Opened))
	o.add("DATE_CREATE", wgDate(w.DateCreateText, date(w.DateCreate)))
	o.add("DATE_UPDATE", wgDate(w.DateUpdateText, date(w.DateUpdate)))
	o.add("DATE_ACTIVITY", wgDate(w.DateActivityText, date(w.DateActivity)))
	o.add("IMAGE_ID", id(w.ImageID))
	o.add("AVATAR_TYPE", w.AvatarType)
	o.add("OWNER_ID", id(w.OwnerID))
	o.add("INITIATE_PERMS", string(w.InitiatePerms))
	o.add("NUMBER_OF_MEMBERS", id(w.NumberOfMembers))
	o.add("NUMBER_OF_MODERATORS", id(w.NumberOfModerators))
	o.add("PROJECT", yn(w.Project))
	o.add("PROJECT_DATE_START", wgDate(w.ProjectDateStartText, date(w.ProjectDateStart)))
	o.add("PROJECT_DATE_FINISH", wgDate(w.ProjectDateFinishText, date(w.ProjectDateFinish)))
	o.add("LANDING", yn(w.Landing))
	o.add("SCRUM_OWNER_ID", id(w.ScrumOwnerID))
	o.add("SCRUM_MASTER_ID", id(w.ScrumMasterID))
	o.add("SCRUM_SPRINT_DURATION", id(int(w.ScrumSprintDuration.Seconds())))
	o.add("SCRUM_TASK_RESPONSIBLE", w.ScrumTaskResponsible)
	o.add("TYPE", string(w.Type))
	// get always sends the member lists and SITE_IDS; a list row has only
	// the fields selected, so there a nil list is left out.
	lists := []struct {
		key string
		v   []int
	}{{"MEMBERS", w.Members}, {"ORDINARY_MEMBERS", w.OrdinaryMembers}, {"INVITED_MEMBERS", w.InvitedMembers}, {"MODERATOR_MEMBERS", w.ModeratorMembers}}
	for i, l := range lists {
		if i == 1 {
			o.add("CHAT_ID", id(w.ChatID))
			o.add("DIALOG_ID", w.DialogID)
		}
		if l.v != nil || !list {
			o.add(l.key, ids(l.v))
		}
	}
	if w.SiteIDs != nil {
		o.add("SITE_IDS", w.SiteIDs)
	} else if !list {
		o.add("SITE_IDS", []string{})
	}
	if w.Avatar != "" {
		o.add("AVATAR", w.Avatar)
	}
	if d := w.OwnerData; d != nil {
		o.add("OWNER_DATA", kvs{{"ID", id(d.ID)}, {"PHOTO", nullIfEmpty(d.Photo)}, {"FORMATTED_NAME", d.FormattedName}})
	}
	if d := w.SubjectData; d != nil {
		o.add("SUBJECT_DATA", kvs{{"ID", id(d.ID)}, {"NAME", d.Name}})
	}
	if w.Tags != nil {
		o.add("TAGS", w.Tags)
	}
	if a := w.Actions; a != nil {
		o.add("ACTIONS", kvs{{"EDIT", a.Edit}, {"DELETE", a.Delete}, {"INVITE", a.Invite}, {"JOIN", a.Join},
			{"LEAVE", a.Leave}, {"FOLLOW", a.Follow}, {"PIN", a.Pin}, {"EDIT_FEATURES", a.EditFeatures}})
	}
	if u := w.UserData; u != nil {
		o.add("USER_DATA", kvs{{"ROLE", falseIfEmpty(string(u.Role))}, {"INITIATED_BY_TYPE", falseIfEmpty(u.InitiatedByType)},
			{"IS_SUBSCRIBED", u.IsSubscribed}})
	}
	if w.Departments != nil {
		o.add("DEPARTMENTS", ids(w.Departments))
	}
	if w.IsPin {
		o.add("IS_PIN", true)
	}
	if w.PrivacyCode != "" {
		o.add("PRIVACY_CODE", w.PrivacyCode)
	}
	if w.Efficiency != 0 {
		o.add("EFFICIENCY", id(w.Efficiency))
	}
	if w.Features != nil {
		fs := make([]kvs, len(w.Features))
		for i, f := range w.Features {
			// The items are camelCase in get too, as the portal sends them.
			fs[i] = kvs{{"featureName", f.FeatureName}, {"name", f.Name}, {"customName", f.CustomName},
				{"id", strconv.Itoa(f.ID)}, {"active", f.Active}}
		}
		o.add("FEATURES", fs)
	}
	if w.ListOfMembers != nil {
		ms := make([]kvs, len(w.ListOfMembers))
		for i, m := range w.ListOfMembers {
			ms[i] = kvs{{"id", m.ID}, {"isOwner", m.IsOwner}, {"isModerator", m.IsModerator},
				{"isScrumMaster", m.IsScrumMaster}, {"isAutoMember", m.IsAutoMember}, {"name", m.Name},
				{"lastName", m.LastName}, {"position", m.Position}, {"photo", m.Photo}}
		}
		o.add("LIST_OF_MEMBERS", ms)
	}
	if d := w.AdditionalData; d != nil {
		a := kvs{{"ROLE", string(d.Role)}, {"INITIATED_BY_TYPE", d.InitiatedByType}}
		if len(d.Features) > 0 {
			a.add("FEATURES", d.Features)
		}
		o.add("ADDITIONAL_DATA", a)
	}
	return o.write(list)
}

// falseIfEmpty is how USER_DATA says "no relation": false, not "".
func falseIfEmpty(s string) any {
	if s == "" {
		return false
	}
	return s
}
