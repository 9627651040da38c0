package sonettest

import (
	"sort"
	"strings"
)

type gorder struct {
	field string
	desc  bool
}

// groupGetOrder reads ORDER: not an array means ID DESC; keys are
// upper-cased, unknown ones skipped, any direction but ASC is DESC. With no
// known key there is no ORDER BY at all (rows come in ID order).
func groupGetOrder(n *pnode) []gorder {
	if n == nil || !n.isArr {
		return []gorder{{"ID", true}}
	}
	var out []gorder
	for _, k := range n.keys {
		f := strings.ToUpper(k)
		if _, ok := getListFields[f]; !ok {
			continue
		}
		out = append(out, gorder{f, !strings.EqualFold(leafStr(n.kids[k]), "ASC")})
	}
	return out
}

// seekIDs skips to the lowest ID a ">ID" or ">=ID" condition allows.
func seekIDs(ids []int, conds []gcond) []int {
	for _, cd := range conds {
		if cd.field != "ID" || cd.neg || len(cd.vals) != 1 {
			continue
		}
		v := phpIntval(cd.vals[0])
		switch cd.op {
		case ">":
			ids = ids[sort.SearchInts(ids, v+1):]
		case ">=":
			ids = ids[sort.SearchInts(ids, v):]
		}
	}
	return ids
}

// navPage is IRestService::getNavData plus CDBResult::NavQuery: start >= 0
// reads page floor(start/50)+1, a page past the last one reads page 1, next
// is page*50 while pages remain; start < 0 reads the first 50 rows without
// counting, and the answer's total is then intval(null) = 0 with no next.
func navPage(total, start int) (int, int, *page) {
	if start < 0 {
		return 0, min(pageSize, total), &page{total: 0, hasTotal: true}
	}
	pages := (total + pageSize - 1) / pageSize
	nomer := start/pageSize + 1
	if nomer > pages {
		nomer = 1
	}
	lo := min((nomer-1)*pageSize, total)
	hi := min(nomer*pageSize, total)
	pg := &page{total: total, hasTotal: true}
	if nomer < pages {
		pg.next, pg.hasNext = nomer*pageSize, true
	}
	return lo, hi, pg
}
