package sonettest

import (
	"sort"
	"strconv"
)

// user.get is served so that tools can check user IDs before they write
// (the sonet command's apply does). Only what that needs is modelled: the
// ID filter (FILTER[ID] as one value or a list, or a top-level ID), the
// ACTIVE flag (false for fired users, who are listed) and 50-row pages.
func init() {
	methods["user.get"] = usersGet
}

func usersGet(c *call) (any, *page, *apiError) {
	idNode := c.p.get("FILTER").get("ID")
	if idNode == nil {
		idNode = c.p.get("ID")
	}
	var want map[int]bool
	if idNode != nil {
		want = map[int]bool{}
		if idNode.isArr {
			for _, n := range idNode.list() {
				want[phpIntval(leafStr(n))] = true
			}
		} else {
			want[phpIntval(leafStr(idNode))] = true
		}
	}
	ids := make([]int, 0, len(c.s.users))
	for id := range c.s.users {
		if want == nil || want[id] {
			ids = append(ids, id)
		}
	}
	sort.Ints(ids)
	start := phpIntval(leafStr(c.p.get("start")))
	if start < 0 {
		start = 0
	}
	out := []obj{}
	for i := start; i < len(ids) && i < start+pageSize; i++ {
		u := c.s.users[ids[i]]
		out = append(out, obj{{"ID", strconv.Itoa(u.ID)}, {"ACTIVE", !u.Fired}, {"NAME", u.Name}})
	}
	pg := &page{total: len(ids), hasTotal: true}
	if start+pageSize < len(ids) {
		pg.next, pg.hasNext = start+pageSize, true
	}
	return out, pg, nil
}
