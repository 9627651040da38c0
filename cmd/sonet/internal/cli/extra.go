package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/b24kit/sonet"
)

// extra holds what sonet_group.get does not return: who may invite and the
// project dates, read with socialnetwork.api.workgroup.list.
type extra struct {
	initiatePerms         sonet.Role
	start, finish         time.Time
	startText, finishText string // the dates as sent, when they did not parse
}

// needsExtras tells whether the file sets a field only
// socialnetwork.api.workgroup.list returns.
func needsExtras(specs []groupSpec) bool {
	for i := range specs {
		s := &specs[i]
		if s.InitiatePerms != nil || s.ProjectDateStart != nil || s.ProjectDateFinish != nil {
			return true
		}
	}
	return false
}

// readExtras walks every workgroup with ScanWorkgroups (2,500 rows a
// request), selecting only the ID, INITIATE_PERMS and the project dates.
func readExtras(ctx context.Context, client *sonet.Client) (map[int]extra, error) {
	out := map[int]extra{}
	opts := &sonet.WorkgroupScanOptions{
		Select: []sonet.WorkgroupField{sonet.WorkgroupFieldID, sonet.WorkgroupFieldInitiatePerms,
			sonet.WorkgroupFieldProjectDateStart, sonet.WorkgroupFieldProjectDateFinish},
		Params: sonet.WorkgroupListParams{IsAdmin: sonet.Yes},
	}
	for w, err := range client.ScanWorkgroups(ctx, opts) {
		if err != nil {
			return nil, fmt.Errorf("reading who may invite and the project dates: %w", err)
		}
		out[w.ID] = extra{initiatePerms: w.InitiatePerms, start: w.ProjectDateStart, finish: w.ProjectDateFinish,
			startText: w.ProjectDateStartText, finishText: w.ProjectDateFinishText}
	}
	return out, nil
}

// isoLayout is how dates go to the portal: ISO-8601 with the offset.
const isoLayout = "2006-01-02T15:04:05-07:00"

// dateText shows a portal date for the plan.
func dateText(t time.Time, text string) string {
	switch {
	case !t.IsZero():
		return t.Format(isoLayout)
	case text != "":
		return fmt.Sprintf("%q", text)
	}
	return "none"
}

// planExtras adds the changes of the fields only workgroup.list returns.
// Dates are compared as instants, so an offset change alone is no change.
func planExtras(gp *groupPlan, e extra) {
	s := gp.spec
	if s.InitiatePerms != nil && *s.InitiatePerms != e.initiatePerms {
		gp.fields = append(gp.fields, fieldChange{field: "initiate_perms", old: roleName(e.initiatePerms), new: roleName(*s.InitiatePerms)})
	}
	if s.ProjectDateStart != nil && !s.ProjectDateStart.Equal(e.start) {
		gp.fields = append(gp.fields, fieldChange{field: "project_date_start", old: dateText(e.start, e.startText), new: s.ProjectDateStart.Format(isoLayout)})
	}
	if s.ProjectDateFinish != nil && !s.ProjectDateFinish.Equal(e.finish) {
		gp.fields = append(gp.fields, fieldChange{field: "project_date_finish", old: dateText(e.finish, e.finishText), new: s.ProjectDateFinish.Format(isoLayout)})
	}
}
