package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/b24kit/sonet"
)

// validate runs the SDK's own checks (text the portal cannot store, flags,
// roles, date order) on every group the plan writes, so that a bad value
// is refused before anything is sent, not halfway through the batches.
// A refusal is reported like any other problem of the file: its name, the
// group's line and the field as the file spells it (the wire key in lower
// case: DESCRIPTION is description).
func (p *plan) validate(file string) error {
	for _, gp := range p.groups {
		s := gp.spec
		var err error
		if gp.create {
			_, err = createRequest(s).Encode() // validates, then checks every value's text
		} else if len(gp.fields) > 0 {
			_, err = updateRequest(gp.groupID, s).Encode()
		}
		var ve *sonet.ValidationError
		if errors.As(err, &ve) {
			return &fileError{file: file, line: s.line, group: s.Name, field: strings.ToLower(ve.Field), msg: ve.Reason}
		}
		if err != nil {
			return fmt.Errorf("group %q (line %d): %w", s.Name, s.line, err)
		}
	}
	return nil
}

// updateRequest is the typed form of the fields the file manages, for
// validation (the command sends only the changed ones).
func updateRequest(id int, s *groupSpec) *sonet.GroupUpdateRequest {
	flag := func(b *bool) sonet.Flag {
		if b == nil {
			return sonet.Unset
		}
		return sonet.FlagOf(*b)
	}
	req := &sonet.GroupUpdateRequest{GroupID: id, Description: s.Description, Keywords: s.Keywords,
		Visible: flag(s.Visible), Opened: flag(s.Opened), Closed: flag(s.Closed),
		ProjectDateStart: s.ProjectDateStart, ProjectDateFinish: s.ProjectDateFinish}
	if s.InitiatePerms != nil {
		req.InitiatePerms = *s.InitiatePerms
	}
	return req
}
