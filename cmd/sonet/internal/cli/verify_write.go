package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/b24kit/sonet"
)

// cleanupTimeout bounds the removal of the temporary group once the run is
// interrupted: the clean-up does not stop at Ctrl-C, but does not hang.
const cleanupTimeout = 30 * time.Second

// cleanupContext is v.ctx without its cancellation (an interrupt must not
// leave the temporary group behind), bounded by cleanupTimeout.
func (v *verifier) cleanupContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(v.ctx), cleanupTimeout)
}

// writeChecks creates one clearly named group, reads it back, clears its
// description, and deletes it. The delete is sent even when the run was
// interrupted after the create; a create whose answer was lost is looked
// up by its name and deleted if it was made.
func (v *verifier) writeChecks() {
	name := fmt.Sprintf("sonet-verify-%d", time.Now().Unix())
	const desc = "temporary group of sonet verify; safe to delete"
	id, err := v.client.CreateGroup(v.ctx, &sonet.GroupCreateRequest{Name: name, Description: desc, Visible: sonet.No})
	if err != nil {
		v.fail("write: create", "an ID", err)
		v.removeLost(name)
		return
	}
	v.add("write: create", "an ID", fmt.Sprintf("ID %d (%s)", id, name), true)
	g, err := v.client.GetGroup(v.ctx, id)
	if err != nil {
		v.fail("write: read back", "same fields", err)
	} else {
		// Every field sent is compared as sent: a portal that keeps a
		// shortened or altered description differs as much as one that
		// drops it.
		ok := g.Name == name && !g.Visible && g.Description == desc
		v.add("write: read back", "name, visible=N, description", fmt.Sprintf("%q visible=%v %q", g.Name, g.Visible, g.Description), ok)
	}
	if _, err := v.client.UpdateGroup(v.ctx, &sonet.GroupUpdateRequest{GroupID: id, Description: sonet.String("")}); err != nil {
		v.fail("write: clear description", `""`, err)
	} else if g, err := v.client.GetGroup(v.ctx, id); err != nil {
		v.fail("write: clear description", `""`, err)
	} else {
		v.add("write: clear description", `""`, fmt.Sprintf("%q", g.Description), g.Description == "")
	}
	cctx, cancel := v.cleanupContext()
	defer cancel()
	if err := v.client.DeleteGroup(cctx, id); err != nil {
		v.fail("write: delete", "gone", fmt.Errorf("%w (group %d %q is left on the portal)", err, id, name))
		return
	}
	if v.ctx.Err() != nil {
		v.add("write: delete", "gone (not found)", "deleted after the interrupt (not read back)", true)
		return
	}
	_, err = v.client.GetGroup(v.ctx, id)
	seen := "still there"
	switch {
	case errors.Is(err, sonet.ErrNotFound):
		seen = "not found"
	case err != nil:
		seen = "error: " + err.Error()
	}
	v.add("write: delete", "gone (not found)", seen, errors.Is(err, sonet.ErrNotFound))
}

// removeLost deletes the temporary group when a create that failed may still
// have made it (a lost answer, an interrupt): the name is unique to this run,
// so every group of that exact name is ours.
func (v *verifier) removeLost(name string) {
	const check, want = "write: clean-up", "no temporary group left"
	cctx, cancel := v.cleanupContext()
	defer cancel()
	found, err := v.client.FindGroupsByName(cctx, name)
	if err != nil {
		v.fail(check, want, fmt.Errorf("%w (a group %q may be left on the portal)", err, name))
		return
	}
	if len(found) == 0 {
		v.add(check, want, "the create made no group", true)
		return
	}
	var deleted []int
	for _, g := range found {
		if err := v.client.DeleteGroup(cctx, g.ID); err != nil {
			v.fail(check, want, fmt.Errorf("%w (group %d %q is left on the portal)", err, g.ID, name))
			return
		}
		deleted = append(deleted, g.ID)
	}
	v.add(check, want, "the create made group "+joinInts(deleted)+"; deleted", true)
}
