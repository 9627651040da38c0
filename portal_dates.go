package sonet

import (
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// DateOrder is the order of day and month in the slashed dates a portal
// writes ("04/05/2025"): its regional format, which the answer does not
// state.
type DateOrder uint8

// Date orders. The zero value, DateOrderUnknown, lets the client learn the
// order from the portal's own answers (see WithDateOrder).
const (
	// DateOrderUnknown: a slashed date whose day and month are both 12 or
	// less is not read, unless the client has learnt the order.
	DateOrderUnknown DateOrder = iota
	// DayMonth: DD/MM/YYYY, as most of the world writes dates.
	DayMonth
	// MonthDay: MM/DD/YYYY, the US format.
	MonthDay
)

// String returns the order as DD/MM or MM/DD.
func (o DateOrder) String() string {
	switch o {
	case DayMonth:
		return "DD/MM"
	case MonthDay:
		return "MM/DD"
	}
	return "unknown"
}

// WithDateOrder declares the order of day and month in the portal's slashed
// dates, so that every portal-format date is read, including the two thirds
// whose day is 12 or less ("04/05/2025"). Without it the client learns the
// order from the first slashed date the portal sends that reads one way
// only (a day above 12) and applies it from then on; until then such dates
// stay zero, their text kept. Dotted dates ("17.04.2025") are always day
// first and need no order.
//
// The dates concerned are the five of Workgroup (DateCreate, DateUpdate,
// DateActivity, ProjectDateStart, ProjectDateFinish) as
// socialnetwork.api.workgroup.get sends them; reading them also needs the
// portal's time zone (WithPortalLocation). sonet_group.get and the time
// block send ISO-8601 dates with an offset, which need neither.
func WithDateOrder(order DateOrder) Option {
	return func(c *Client) error {
		if order != DayMonth && order != MonthDay {
			return &ValidationError{Field: "WithDateOrder", Reason: "want DayMonth or MonthDay"}
		}
		c.dates.declared = order
		return nil
	}
}

// WithPortalLocation declares the portal's time zone, in which
// socialnetwork.api.workgroup.get writes its dates without an offset. It
// applies to every workgroup call; a Location given on a call's options
// wins. Without either, such dates stay zero and only their text is kept.
func WithPortalLocation(loc *time.Location) Option {
	return func(c *Client) error {
		if loc == nil {
			return &ValidationError{Field: "WithPortalLocation", Reason: "nil *time.Location"}
		}
		c.dates.loc = loc
		return nil
	}
}

// portalDates is what the client knows of the portal's date format: what
// the caller declared and what answers taught it. Shared by every
// goroutine using the client.
type portalDates struct {
	loc      *time.Location
	declared DateOrder
	learnt   atomic.Uint32 // a DateOrder
}

// order returns the declared order, else the learnt one.
func (d *portalDates) order() DateOrder {
	if d.declared != DateOrderUnknown {
		return d.declared
	}
	return DateOrder(d.learnt.Load())
}

// readPortalDates fills the dates of ws that are still zero from their
// text, in loc (nil: the client's WithPortalLocation) and the portal's
// date order, learning the order from ws when it is not known yet.
func (c *Client) readPortalDates(loc *time.Location, ws []Workgroup) {
	if loc == nil {
		loc = c.dates.loc
	}
	order := c.dates.order()
	if order == DateOrderUnknown {
	learn:
		for i := range ws {
			for _, d := range ws[i].dates() {
				if o := slashedOrder(d.text); o != DateOrderUnknown {
					c.dates.learnt.CompareAndSwap(0, uint32(o))
					order = c.dates.order()
					break learn
				}
			}
		}
	}
	for i := range ws {
		ws[i].setDates(loc, order)
	}
}

// slashedOrder reports the order a slashed date proves by itself: DayMonth
// for "17/04/2025", MonthDay for "04/17/2025", unknown otherwise (both
// parts 12 or less, not a slashed date, or no valid reading).
func slashedOrder(text string) DateOrder {
	parts := strings.SplitN(strings.TrimSpace(text), "/", 3)
	if len(parts) != 3 || len(parts[2]) < 4 {
		return DateOrderUnknown
	}
	a, err1 := strconv.Atoi(parts[0])
	b, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil || a < 1 || b < 1 || a > 31 || b > 31 {
		return DateOrderUnknown
	}
	switch {
	case a > 12 && b <= 12:
		return DayMonth
	case b > 12 && a <= 12:
		return MonthDay
	}
	return DateOrderUnknown
}

type workgroupDate struct {
	t    *time.Time
	text string
}

// dates lists the five dates of a Workgroup with their text.
func (w *Workgroup) dates() []workgroupDate {
	return []workgroupDate{
		{&w.DateCreate, w.DateCreateText}, {&w.DateUpdate, w.DateUpdateText}, {&w.DateActivity, w.DateActivityText},
		{&w.ProjectDateStart, w.ProjectDateStartText}, {&w.ProjectDateFinish, w.ProjectDateFinishText},
	}
}

// setDates fills each date that is still zero from its text, reading
// offset-less portal dates in loc (nil: only dates with an offset) and
// ambiguous slashed dates in order.
func (w *Workgroup) setDates(loc *time.Location, order DateOrder) {
	for _, d := range w.dates() {
		if d.t.IsZero() && d.text != "" {
			if t, ok := ParsePortalTime(d.text, loc, order); ok {
				*d.t = t
			}
		}
	}
}
