package sonet

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"
)

// benchPage is a 50-group sonet_group.get result shaped like the docs'
// example rows.
func benchPage(b *testing.B) []byte {
	b.Helper()
	var sb []byte
	sb = append(sb, '[')
	for i := 0; i < PageSize; i++ {
		if i > 0 {
			sb = append(sb, ',')
		}
		sb = fmt.Appendf(sb, `{"ID":"%d","SITE_ID":"s1","NAME":"Project %d","DESCRIPTION":null,"DATE_CREATE":"2026-03-19T15:01:27+02:00",`+
			`"DATE_UPDATE":"2026-03-19T15:01:27+02:00","ACTIVE":"Y","VISIBLE":"Y","OPENED":"N","CLOSED":"N","SUBJECT_ID":"1",`+
			`"OWNER_ID":"1271","KEYWORDS":null,"NUMBER_OF_MEMBERS":"12","DATE_ACTIVITY":"2026-03-19T15:01:27+02:00",`+
			`"SUBJECT_NAME":"Workgroups","PROJECT":"Y","IS_EXTRANET":"N"}`, 77+i, i)
	}
	return append(sb, ']')
}

func BenchmarkEncodeGroupCreateRequest(b *testing.B) {
	req := &GroupCreateRequest{
		Name: "New Project", Description: "Quarterly & yearly", Project: Yes, Visible: Yes, Opened: No,
		InitiatePerms: RoleMember, Keywords: "q3,planning", SiteIDs: []string{"s1"}, SubjectID: 1,
		ProjectDateStart:  time.Date(2026, 3, 19, 0, 0, 0, 0, time.FixedZone("", 2*3600)),
		ProjectDateFinish: time.Date(2026, 6, 30, 0, 0, 0, 0, time.FixedZone("", 2*3600)),
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		f, err := encodeRequest(req)
		if err != nil {
			b.Fatal(err)
		}
		_ = f.Encode()
	}
}

func BenchmarkDecodeGroupPageTyped(b *testing.B) {
	page := benchPage(b)
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		var groups groupRows // what ListGroups decodes into
		if err := json.Unmarshal(page, &groups); err != nil {
			b.Fatal(err)
		}
		if len(groups) != PageSize || groups[49].ID != 126 {
			b.Fatal("bad decode")
		}
	}
}

func BenchmarkDecodeGroupPageMap(b *testing.B) {
	page := benchPage(b)
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		var groups []map[string]any
		if err := json.Unmarshal(page, &groups); err != nil {
			b.Fatal(err)
		}
		if len(groups) != PageSize || groups[49]["ID"] != "126" {
			b.Fatal("bad decode")
		}
	}
}
