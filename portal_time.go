package sonet

import (
	"strings"
	"time"
)

// ParsePortalTime reads a date as the portal writes it and reports whether
// it could be read as exactly one instant:
//
//   - ISO-8601 with an offset ("2025-04-17T19:37:55+02:00"): always, loc is
//     not needed;
//   - without an offset, the wall clock is taken in loc, and loc nil reads
//     nothing: "2025-04-17 19:37:55" or "2025-04-17T19:37:55";
//     "17.04.2025 19:37:55" (day first, the portals' dotted form); slashed
//     "04/17/2025 19:37:55" when the order is plain from the numbers (one
//     part above 12, or both equal) or given as order (DayMonth or
//     MonthDay), since portals write both MM/DD/YYYY and DD/MM/YYYY; the
//     time is hh:mm:ss, hh:mm (with am/pm after a slashed date) or absent
//     (midnight);
//   - humanised text ("today, 12:16", "April 15, 14:42") and anything else:
//     false.
//
// socialnetwork.api.workgroup.get writes its dates this way; Workgroup keeps
// the text in its ...Text fields for a later call. The client's own calls
// pass the order declared with WithDateOrder or learnt from the portal.
//
// Docs: https://apidocs.bitrix24.com/api-reference/sonet-group/socialnetwork-api-workgroup-get.html
func ParsePortalTime(text string, loc *time.Location, order DateOrder) (time.Time, bool) {
	s := strings.ToLower(strings.TrimSpace(text))
	if t, err := time.Parse(time.RFC3339, strings.ToUpper(s)); err == nil {
		return t, true
	}
	if loc == nil || s == "" {
		return time.Time{}, false
	}
	if len(s) > 10 && s[10] == 't' {
		s = s[:10] + " " + s[11:]
	}
	// Day first and month first: a slashed date counts when one order fails
	// (a part above 12), both give the same day, or the order is known.
	var found [2]time.Time
	var ok [2]bool
	for i, layouts := range [][]string{dayFirstLayouts, monthFirstLayouts} {
		for _, l := range layouts {
			if t, err := time.ParseInLocation(l, s, loc); err == nil {
				found[i], ok[i] = t, true
				break
			}
		}
	}
	switch {
	case ok[0] && (!ok[1] || found[0].Equal(found[1]) || order == DayMonth):
		return found[0], true
	case ok[1] && (!ok[0] || order == MonthDay):
		return found[1], true
	}
	return time.Time{}, false
}

// Layouts of offset-less portal dates: ISO-like and dotted dates are day
// first in this sense (one reading only); slashed dates are tried both ways.
var (
	dayFirstLayouts = []string{
		"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02",
		"2.1.2006 15:04:05", "2.1.2006 15:04", "2.1.2006",
		"2/1/2006 15:04:05", "2/1/2006 15:04", "2/1/2006 3:04:05 pm", "2/1/2006 3:04 pm", "2/1/2006",
	}
	monthFirstLayouts = []string{
		"1/2/2006 15:04:05", "1/2/2006 15:04", "1/2/2006 3:04:05 pm", "1/2/2006 3:04 pm", "1/2/2006",
	}
)
