package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/b24kit/sonet"
)

// pruneScope is which portal groups apply --prune may delete.
//
// --prune alone is refused, as kubectl refuses "apply --prune" without a
// selector (-l) or --all: the file of a filtered export lists only the
// groups inside its filter, and an unscoped prune would delete every group
// outside it. So a prune names its scope: --filter with the export's
// filters (only groups the portal finds with them may be deleted) or
// --prune-all (every group not in the file, the behaviour --prune had
// before).
//
// The export does not record its filter in its output for apply to pick up:
// a line that is not a group would break the JSON Lines and CSV that other
// tools (jq, spreadsheets) read, a spreadsheet round trip would drop it,
// and a scope read from a file the user may have edited is a deletion
// nobody sees asked for. The scope is on the command line that deletes.
type pruneScope struct {
	prune bool              // groups not in the file (in scope) are deleted, members not in the file removed
	all   bool              // --prune-all: the scope is every group
	where sonet.GroupFilter // --filter: the scope is the groups this filter finds
}

// pruneScopeOf checks the prune flags before anything is read or sent.
func pruneScopeOf(f *applyFlags) (pruneScope, error) {
	switch {
	case f.pruneAll && len(f.filters) > 0:
		return pruneScope{}, usageError{errors.New("--prune-all and --filter contradict each other: --filter limits what --prune may delete, --prune-all deletes every group not in the file; give one")}
	case f.pruneAll:
		return pruneScope{prune: true, all: true}, nil
	case f.prune && len(f.filters) == 0:
		return pruneScope{}, usageError{errors.New("--prune needs a scope: add --filter KEY=VALUE, the filters the export used (only portal groups they find may be deleted), or use --prune-all to delete every portal group not in the file")}
	case !f.prune && len(f.filters) > 0:
		return pruneScope{}, usageError{errors.New("--filter scopes --prune (which groups it may delete); without --prune it does nothing")}
	case !f.prune:
		return pruneScope{}, nil
	}
	where, err := parseFilters(f.filters)
	if err != nil {
		return pruneScope{}, err
	}
	return pruneScope{prune: true, where: where}, nil
}

// readScope lists the IDs of the groups the scope's filter finds, with the
// same scan and the same options as export, so the portal decides what
// matches exactly as it did for the export.
func readScope(ctx context.Context, client *sonet.Client, where sonet.GroupFilter) (map[int]bool, error) {
	ids := map[int]bool{}
	for g, err := range client.ScanGroups(ctx, &sonet.GroupScanOptions{Filter: where, IsAdmin: sonet.Yes}) {
		if err != nil {
			return nil, fmt.Errorf("reading the groups --filter finds (the --prune scope): %w", err)
		}
		ids[g.ID] = true
	}
	return ids, nil
}

// emptyFileRefusal is the message for a prune with a file that lists no
// groups: it would delete every group in the scope, which is not what an
// empty export meant.
func (s pruneScope) emptyFileRefusal() string {
	if s.all {
		return "not applying: the file lists no groups, and with --prune-all that would delete every group on the portal"
	}
	return "not applying: the file lists no groups, and with --prune that would delete every group --filter finds"
}
