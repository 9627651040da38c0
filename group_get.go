package sonet

import (
	"context"
	"fmt"
	"iter"
)

// GroupListOptions holds the parameters of sonet_group.get.
type GroupListOptions struct {
	// Order sorts the list; entries are applied in the order given.
	// Default (empty): ID descending. Only fields the portal sorts by are
	// accepted: it skips any other silently. SUBJECT_NAME and the OWNER_
	// fields are refused too: unless an administrator sends IS_ADMIN=Y,
	// the portal sorts SUBJECT_NAME by the group's NAME and fails on the
	// owner fields.
	Order Order `url:"ORDER,omitempty"`
	// Filter selects groups; see the Field constants and Where.
	Filter GroupFilter `url:"FILTER,omitempty"`
	// GroupID returns only this group. The portal puts it in place of a
	// plain "ID" filter key, so it may not be combined with one.
	GroupID int `url:"GROUP_ID,omitempty"`
	// IsAdmin, set to Yes, skips permission checks when the caller is an
	// administrator (ignored by the portal for everyone else).
	IsAdmin Flag `url:"IS_ADMIN,omitempty"`
	// Start is the offset of the page: 0, 50, 100, ... The portal reads
	// page floor(start/50)+1, so any other value is refused; asked for a
	// page past the last one it answers the first page again, which
	// ListGroups turns into an empty page (HasNext false).
	Start int `url:"start,omitempty"`
}

// Validate checks the options as the SDK would before sending them.
func (o *GroupListOptions) Validate() error {
	if o == nil {
		return nil
	}
	for _, ob := range o.Order {
		if why := groupSortReasons[ob.Field]; why != "" {
			return &ValidationError{Field: "ORDER", Reason: fmt.Sprintf("sonet_group.get %s: sort by %s is refused", why, ob.Field)}
		}
	}
	if err := o.Order.validate("ORDER", groupRules.method, groupSortFields); err != nil {
		return err
	}
	if err := o.Filter.validate("FILTER"); err != nil {
		return err
	}
	if o.GroupID < 0 {
		return &ValidationError{Field: "GROUP_ID", Reason: fmt.Sprintf("negative group ID %d", o.GroupID)}
	}
	if o.GroupID > 0 {
		for _, k := range o.Filter.conds().keys() {
			if k == "ID" {
				return &ValidationError{Field: "GROUP_ID", Reason: `the portal replaces a FILTER "ID" key with GROUP_ID; use one of them`}
			}
		}
	}
	if o.IsAdmin == No {
		return &ValidationError{Field: "IS_ADMIN", Reason: "only Yes has a meaning; leave it unset for permission checks"}
	}
	if err := validateFlags("IS_ADMIN", o.IsAdmin); err != nil {
		return err
	}
	return validateStart(o.Start)
}

// Encode validates the options and returns the exact form body ListGroups
// would send.
func (o *GroupListOptions) Encode() (string, error) {
	if o == nil {
		o = &GroupListOptions{}
	}
	f, err := encodeRequest(o)
	if err != nil {
		return "", err
	}
	return f.Encode(), nil
}

// ListGroups returns one page (up to 50 groups) of sonet_group.get, with the
// total and the start of the next page. opts may be nil. A Start at or past
// the total gives an empty page with HasNext false: the portal answers such
// a request with its first page again, and those rows are not returned.
//
// Docs: https://apidocs.bitrix24.com/api-reference/sonet-group/sonet-group-get.html
func (c *Client) ListGroups(ctx context.Context, opts *GroupListOptions) (*Page[Group], error) {
	if opts == nil {
		opts = &GroupListOptions{}
	}
	f, err := encodeRequest(opts)
	if err != nil {
		return nil, err
	}
	var groups groupRows
	r, err := c.call(ctx, "sonet_group.get", kindRead, f, &groups)
	if err != nil {
		return nil, err
	}
	return listPage("sonet_group.get", r, opts.Start, []Group(groups))
}

// AllGroups walks every page of sonet_group.get from opts.Start on:
//
//	for g, err := range client.AllGroups(ctx, opts) {
//		if err != nil {
//			return err
//		}
//		...
//	}
//
// It stops at the first error, yielding it once; breaking out of the loop
// sends no further request. A portal that does not advance gives an error
// matching ErrCursorStalled rather than an endless loop. Pages are read
// calls and are retried through transient failures.
func (c *Client) AllGroups(ctx context.Context, opts *GroupListOptions) iter.Seq2[Group, error] {
	base := GroupListOptions{}
	if opts != nil {
		base = *opts
	}
	fetch := func(ctx context.Context, start int) (*Page[Group], error) {
		o := base
		o.Start = start
		return c.ListGroups(ctx, &o)
	}
	return walk(ctx, "sonet_group.get", base.Start, fetch, func(g Group) int { return g.ID })
}

// GetGroup returns one group by ID (sonet_group.get with GROUP_ID). A group
// that does not exist or that the caller may not see gives an error matching
// ErrNotFound (and ErrGroupNotFound).
//
// Docs: https://apidocs.bitrix24.com/api-reference/sonet-group/sonet-group-get.html
func (c *Client) GetGroup(ctx context.Context, id int) (*Group, error) {
	if id <= 0 {
		return nil, &ValidationError{Field: "GROUP_ID", Reason: fmt.Sprintf("want a positive group ID, got %d", id)}
	}
	p, err := c.ListGroups(ctx, &GroupListOptions{GroupID: id})
	if err != nil {
		return nil, err
	}
	for i := range p.Items {
		if p.Items[i].ID == id {
			return &p.Items[i], nil
		}
	}
	if len(p.Items) > 0 {
		return nil, &ResponseError{HTTPStatus: 200, Method: "sonet_group.get", Reason: fmt.Sprintf("asked for group %d, got %d other groups", id, len(p.Items))}
	}
	return nil, &groupNotFoundError{method: "sonet_group.get", id: id}
}
