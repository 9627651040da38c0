package sonet_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/b24kit/sonet"
	"github.com/b24kit/sonet/sonettest"
)

func ExampleClient_ListGroupMembers() {
	// A fake portal: the admin (user 1, the webhook's user), Bob (2) and
	// Carol (3), and a group "Team" (1) owned by the admin with Bob in it.
	srv := sonettest.NewServer()
	defer srv.Close()
	srv.AddUsers("Bob", "Carol")
	srv.AddGroup(sonettest.NewGroup("Team").WithMember(2, sonettest.RoleMember))
	c, _ := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithTestDefaults())
	members, err := c.ListGroupMembers(context.Background(), 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, m := range members {
		fmt.Println(m.UserID, m.Role)
	}
	_, err = c.ListGroupMembers(context.Background(), 99)
	fmt.Println(errors.Is(err, sonet.ErrNotFound))
	// Output:
	// 1 A
	// 2 K
	// true
}

func ExampleClient_AddGroupMembers() {
	// A fake portal: the admin (user 1, the webhook's user), Bob (2) and
	// Carol (3), and a group "Team" (1) owned by the admin with Bob in it.
	srv := sonettest.NewServer()
	defer srv.Close()
	srv.AddUsers("Bob", "Carol")
	srv.AddGroup(sonettest.NewGroup("Team").WithMember(2, sonettest.RoleMember))
	c, _ := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithTestDefaults())
	// Bob is a member already, so only Carol is added.
	added, err := c.AddGroupMembers(context.Background(), 1, 2, 3)
	fmt.Println(added, err)
	_, err = c.AddGroupMembers(context.Background(), 1)
	fmt.Println(errors.Is(err, sonet.ErrValidation))
	// Output:
	// [3] <nil>
	// true
}

func ExampleClient_RemoveGroupMembers() {
	// A fake portal: the admin (user 1, the webhook's user), Bob (2) and
	// Carol (3), and a group "Team" (1) owned by the admin with Bob in it.
	srv := sonettest.NewServer()
	defer srv.Close()
	srv.AddUsers("Bob", "Carol")
	srv.AddGroup(sonettest.NewGroup("Team").WithMember(2, sonettest.RoleMember))
	c, _ := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithTestDefaults())
	// The owner (user 1) cannot be removed and is skipped without an error.
	removed, err := c.RemoveGroupMembers(context.Background(), 1, 1, 2)
	fmt.Println(removed, err)
	// Output:
	// [2] <nil>
}

func ExampleClient_SetGroupMembersRole() {
	// A fake portal: the admin (user 1, the webhook's user), Bob (2) and
	// Carol (3), and a group "Team" (1) owned by the admin with Bob in it.
	srv := sonettest.NewServer()
	defer srv.Close()
	srv.AddUsers("Bob", "Carol")
	srv.AddGroup(sonettest.NewGroup("Team").WithMember(2, sonettest.RoleMember))
	c, _ := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithTestDefaults())
	changed, err := c.SetGroupMembersRole(context.Background(), 1, sonet.RoleModerator, 2)
	fmt.Println(changed, err)
	_, err = c.SetGroupMembersRole(context.Background(), 1, sonet.RoleOwner, 2)
	fmt.Println(err)
	// Output:
	// [2] <nil>
	// sonet: invalid ROLE: role "A" cannot be set: only RoleModerator (E) or RoleMember (K); use SetGroupOwner to change the owner
}

func ExampleClient_InviteGroupMembers() {
	// A fake portal: the admin (user 1, the webhook's user), Bob (2) and
	// Carol (3), and a group "Team" (1) owned by the admin with Bob in it.
	srv := sonettest.NewServer()
	defer srv.Close()
	srv.AddUsers("Bob", "Carol")
	srv.AddGroup(sonettest.NewGroup("Team").WithMember(2, sonettest.RoleMember))
	c, _ := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithTestDefaults())
	invited, err := c.InviteGroupMembers(context.Background(), 1, "Join the project", 3)
	fmt.Println(invited, err)
	// An invitation is not a membership yet.
	members, _ := c.ListGroupMembers(context.Background(), 1)
	fmt.Println(len(members))
	// Output:
	// [3] <nil>
	// 2
}

func ExampleClient_RequestGroupMembership() {
	// A fake portal: the admin (user 1, the webhook's user), Bob (2) and
	// Carol (3), and a group "Team" (1) owned by the admin with Bob in it.
	srv := sonettest.NewServer()
	defer srv.Close()
	srv.AddUsers("Bob", "Carol")
	srv.AddGroup(sonettest.NewGroup("Team").WithMember(2, sonettest.RoleMember))
	// Carol's own webhook: she acts as herself.
	carol, _ := sonet.NewWebhookClient(srv.WebhookURLFor(3), sonet.WithTestDefaults())
	fmt.Println(carol.RequestGroupMembership(context.Background(), 1, "Please add me"))
	err := carol.RequestGroupMembership(context.Background(), 1, "Please add me")
	fmt.Println(errors.Is(err, sonet.ErrCannotRequestJoin))
	// Output:
	// <nil>
	// true
}

func ExampleClient_SetGroupOwner() {
	// A fake portal: the admin (user 1, the webhook's user), Bob (2) and
	// Carol (3), and a group "Team" (1) owned by the admin with Bob in it.
	srv := sonettest.NewServer()
	defer srv.Close()
	srv.AddUsers("Bob", "Carol")
	srv.AddGroup(sonettest.NewGroup("Team").WithMember(2, sonettest.RoleMember))
	c, _ := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithTestDefaults())
	ctx := context.Background()
	if err := c.SetGroupOwner(ctx, 1, 2); err != nil {
		fmt.Println(err)
		return
	}
	g, _ := c.GetGroup(ctx, 1)
	fmt.Println("owner:", g.OwnerID)
	// The previous owner stays in the group, with the role the portal gives.
	members, _ := c.ListGroupMembers(ctx, 1)
	fmt.Println(len(members), "members")
	// Carol is no owner and may not hand the group on.
	carol, _ := sonet.NewWebhookClient(srv.WebhookURLFor(3), sonet.WithTestDefaults())
	err := carol.SetGroupOwner(ctx, 1, 3)
	fmt.Println(errors.Is(err, sonet.ErrPermissionDenied))
	// Output:
	// owner: 2
	// 2 members
	// true
}

func ExampleClient_ListMyGroups() {
	// A fake portal: the admin (user 1, the webhook's user), Bob (2) and
	// Carol (3), and a group "Team" (1) owned by the admin with Bob in it.
	srv := sonettest.NewServer()
	defer srv.Close()
	srv.AddUsers("Bob", "Carol")
	srv.AddGroup(sonettest.NewGroup("Team").WithMember(2, sonettest.RoleMember))
	bob, _ := sonet.NewWebhookClient(srv.WebhookURLFor(2), sonet.WithTestDefaults())
	groups, err := bob.ListMyGroups(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, g := range groups {
		fmt.Printf("%d %s %s extranet=%t\n", g.GroupID, g.GroupName, g.Role, g.IsExtranet)
	}
	// Output:
	// 1 Team K extranet=false
}

func ExampleClient_CanAccessFeature() {
	// A fake portal: the admin (user 1, the webhook's user), Bob (2) and
	// Carol (3), and a group "Team" (1) owned by the admin with Bob in it.
	srv := sonettest.NewServer()
	defer srv.Close()
	srv.AddUsers("Bob", "Carol")
	srv.AddGroup(sonettest.NewGroup("Team").WithMember(2, sonettest.RoleMember))
	bob, _ := sonet.NewWebhookClient(srv.WebhookURLFor(2), sonet.WithTestDefaults())
	ctx := context.Background()
	ok, err := bob.CanAccessFeature(ctx, 1, sonet.FeatureBlog, sonet.OperationWritePost)
	fmt.Println(ok, err)
	ok, err = bob.CanAccessFeature(ctx, 1, sonet.FeatureTasks, sonet.OperationDeleteTasks)
	fmt.Println(ok, err)
	// An operation the feature does not have is refused before sending.
	_, err = bob.CanAccessFeature(ctx, 1, sonet.FeaturePhoto, sonet.OperationWritePost)
	fmt.Println(errors.Is(err, sonet.ErrValidation))
	// Output:
	// true <nil>
	// false <nil>
	// true
}

func ExampleFeature_Operations() {
	fmt.Println(sonet.FeatureTasks.Operations())
	fmt.Println(sonet.Feature("wiki").Operations() == nil)
	// Output:
	// [view view_all sort create_tasks edit_tasks delete_tasks]
	// true
}
