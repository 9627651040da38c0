package cli

import (
	"fmt"
	"html"
	"sort"
	"strings"

	"github.com/b24kit/sonet"
)

// foldName is a group name as the portal's own look-ups compare it: the
// NAME filter of sonet_group.get ignores case (the database collation), and
// runs of spaces are easy to get wrong by hand. HTML entities are decoded
// too: whether a portal hands back "A &amp; B" for "A & B" is not known
// (spec §12), and if it did, an exact match would fail on every run and
// each run would create the group again; refusing is the safe side.
// Emoji compare in the form the portal stores (sonet.StoredForm): a file
// name ":f09f9a80: Ops" is the portal's "🚀 Ops" once stored, so creating
// it would make a second "🚀 Ops" (and --prune would delete the first).
func foldName(name string) string {
	return strings.ToLower(strings.Join(strings.Fields(sonet.StoredForm(html.UnescapeString(name))), " "))
}

// checkNearNames refuses, before anything is sent, a create whose name
// differs from a portal group's name (or from another create's) only in
// case or spaces. apply matches names exactly, so it would otherwise make
// a second group that people and the portal's search take for the first;
// with --prune it would delete "Sales" and create "sales" in its place.
// A group with an exact match is never refused: a portal may really hold
// both "Sales" and "sales", and an export of it applies unchanged.
func checkNearNames(specs []groupSpec, st *portalState) error {
	portal := map[string][]string{}
	for name := range st.byName {
		portal[foldName(name)] = append(portal[foldName(name)], name)
	}
	creates := map[string]*groupSpec{}
	for i := range specs {
		s := &specs[i]
		if len(st.byName[s.Name]) > 0 {
			continue
		}
		f := foldName(s.Name)
		if near := portal[f]; len(near) > 0 {
			sort.Strings(near)
			g := st.byName[near[0]][0]
			return fmt.Errorf("group %q (line %d): no group has this exact name, but the portal has %q (ID %d), which differs only in case, spaces or HTML escaping; "+
				"apply would create a second group: write the name exactly as the portal has it, or rename one of them first", s.Name, s.line, g.Name, g.ID)
		}
		if first, ok := creates[f]; ok {
			return fmt.Errorf("group %q (line %d): it differs only in case, spaces or HTML escaping from %q (line %d); apply would create two groups the portal's search cannot tell apart: pick one name",
				s.Name, s.line, first.Name, first.line)
		}
		creates[f] = s
	}
	return nil
}
