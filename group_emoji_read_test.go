package sonet

import (
	"context"
	"encoding/hex"
	"testing"

	"github.com/b24kit/sonet/sonettest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Each want is what PHP gives for Bitrix\Main\Text\Emoji::decode's
// preg_replace_callback("/:([A-F0-9]{8}):/isu", ...) (run with php-cli), in
// hex so the bytes are exact.
func TestFromPortalIsEmojiDecode(t *testing.T) {
	for in, wantHex := range map[string]string{
		":f09f9a80: Launch":   "f09f9a80204c61756e6368",
		":F09F9A80: up":       "f09f9a80207570",                         // hex in either case
		":deadbeef:":          "3a64656164626565663a",                   // not an emoji: stays
		":deadbeef:f09f9a80:": "3a64656164626565663a66303966396138303a", // its colons are used up
		"::f09f9a80::":        "3af09f9a803a",
		":f09f9a80:f09f9a80:": "f09f9a8066303966396138303a", // no overlap
		"a:f09f9a8:b":         "613a663039663961383a62",
		":e282ac00:":          "3a65323832616330303a", // € + NUL: not one 4-byte character
		":f4908080:":          "3a66343930383038303a", // past U+10FFFF
		":f48fbfbf:":          "f48fbfbf",             // U+10FFFF, the last one
		":c3a9c3a9:":          "3a63336139633361393a", // "éé": two 2-byte characters
		":f09f9a80":           "3a6630396639613830",
		"😀:f09f9880:":         "f09f9880f09f9880",
		"":                    "",
	} {
		want, err := hex.DecodeString(wantHex)
		require.NoError(t, err)
		assert.Equal(t, string(want), fromPortal(in), "fromPortal(%q)", in)
	}
}

// Decoding what is already decoded changes nothing, so answers of portals
// that decode and of older ones that do not are read alike; and text
// without colons comes back from its stored form exactly.
func FuzzFromPortal(f *testing.F) {
	for _, s := range []string{":f09f9a80: Launch", ":deadbeef:f09f9a80:", "🚀 Launch", "::F09F9A80::", "a:b:c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		once := fromPortal(s)
		if twice := fromPortal(once); twice != once {
			t.Fatalf("fromPortal not idempotent: %q -> %q -> %q", s, once, twice)
		}
		if !containsColon(s) {
			if got := fromPortal(portalForm(s)); got != s {
				t.Fatalf("fromPortal(portalForm(%q)) = %q", s, got)
			}
		}
	})
}

func containsColon(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == ':' {
			return true
		}
	}
	return false
}

// A portal that answers the stored form (older sonet_group.get and
// sonet_group.user.groups did not decode) still gives the text as written.
// KEYWORDS are not encoded by the portal, so they are not decoded either.
func TestStoredFormDecodesInEveryTypedAnswer(t *testing.T) {
	const name, desc, keywords = "🚀 Launch", "Ship it 🚀🎉 on :deadbeef: day", "launch, :f09f9a80:"
	ctx := context.Background()
	c, mt := newMockClient(t)
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", (&recorded{}).respond(200, fixture(t, "sonet_group.get/emoji_stored_form.json")))
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.user.groups", (&recorded{}).respond(200, fixture(t, "sonet_group.user.groups/emoji_stored_form.json")))
	mt.RegisterResponder("POST", getURL, (&recorded{}).respond(200, fixture(t, "socialnetwork.api.workgroup.get/emoji_stored_form.json")))
	mt.RegisterResponder("POST", listURL, (&recorded{}).respond(200, fixture(t, "socialnetwork.api.workgroup.list/emoji_stored_form.json")))

	g, err := c.GetGroup(ctx, 90)
	require.NoError(t, err)
	assert.Equal(t, [3]string{name, desc, keywords}, [3]string{g.Name, g.Description, g.Keywords})

	p, err := c.ListGroups(ctx, &GroupListOptions{})
	require.NoError(t, err)
	require.Len(t, p.Items, 1)
	assert.Equal(t, [3]string{name, desc, keywords}, [3]string{p.Items[0].Name, p.Items[0].Description, p.Items[0].Keywords})

	mine, err := c.ListMyGroups(ctx)
	require.NoError(t, err)
	require.Len(t, mine, 1)
	assert.Equal(t, name, mine[0].GroupName)

	w, err := c.GetWorkgroup(ctx, 90, nil)
	require.NoError(t, err)
	assert.Equal(t, [3]string{name, desc, keywords}, [3]string{w.Name, w.Description, w.Keywords})

	wp, err := c.ListWorkgroups(ctx, &WorkgroupListOptions{Select: []WorkgroupField{WorkgroupFieldName, WorkgroupFieldDescription, WorkgroupFieldKeywords}})
	require.NoError(t, err)
	require.Len(t, wp.Items, 1)
	assert.Equal(t, [3]string{name, desc, keywords}, [3]string{wp.Items[0].Name, wp.Items[0].Description, wp.Items[0].Keywords})
}

// A group made through the SDK with emoji in its name and description reads
// back as written from every read call, against the fake portal, which
// stores, filters and sorts the encoded form and answers it decoded as the
// current portal does.
func TestEmojiNameReadsBackAsWrittenEverywhere(t *testing.T) {
	const name, desc = "🚀 Launch", "Ship it 🚀 🎉"
	srv := sonettest.Start(t)
	c, err := NewWebhookClient(srv.WebhookURL(), WithTestDefaults())
	require.NoError(t, err)
	ctx := context.Background()
	id, err := c.CreateGroup(ctx, &GroupCreateRequest{Name: name, Description: desc})
	require.NoError(t, err)

	g, err := c.GetGroup(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, [2]string{name, desc}, [2]string{g.Name, g.Description}, "GetGroup")

	p, err := c.ListGroups(ctx, &GroupListOptions{Filter: GroupFilter{FieldID.Eq(id)}})
	require.NoError(t, err)
	require.Len(t, p.Items, 1)
	assert.Equal(t, [2]string{name, desc}, [2]string{p.Items[0].Name, p.Items[0].Description}, "ListGroups")

	var scanned []string
	for g, err := range c.ScanGroups(ctx, &GroupScanOptions{}) {
		require.NoError(t, err)
		scanned = append(scanned, g.Name)
	}
	assert.Equal(t, []string{name}, scanned, "ScanGroups")

	found, err := c.FindGroupsByName(ctx, name)
	require.NoError(t, err)
	require.Len(t, found, 1)
	assert.Equal(t, [2]any{id, name}, [2]any{found[0].ID, found[0].Name}, "FindGroupsByName")

	again, made, err := c.EnsureGroup(ctx, &GroupCreateRequest{Name: name})
	require.NoError(t, err)
	assert.Equal(t, [2]any{id, false}, [2]any{again, made}, "EnsureGroup finds it")

	mine, err := c.ListMyGroups(ctx)
	require.NoError(t, err)
	require.Len(t, mine, 1)
	assert.Equal(t, name, mine[0].GroupName, "ListMyGroups")

	w, err := c.GetWorkgroup(ctx, id, nil)
	require.NoError(t, err)
	assert.Equal(t, [2]string{name, desc}, [2]string{w.Name, w.Description}, "GetWorkgroup")

	wp, err := c.ListWorkgroups(ctx, &WorkgroupListOptions{Select: []WorkgroupField{WorkgroupFieldName, WorkgroupFieldDescription}})
	require.NoError(t, err)
	require.Len(t, wp.Items, 1)
	assert.Equal(t, [2]string{name, desc}, [2]string{wp.Items[0].Name, wp.Items[0].Description}, "ListWorkgroups")

	require.Len(t, srv.Groups(), 1)
	assert.Equal(t, name, srv.Groups()[0].Name)
}

// Emoji::encode does not escape colons, so a name typed as ":f09f9a80:" is
// stored exactly like "🚀" and the portal reads it back as "🚀"; the SDK
// does the same and EnsureGroup takes the two for one name, as the portal's
// NAME filter does. ":deadbeef:" spells no emoji and stays.
func TestTypedHexNamesReadBackAsThePortalShowsThem(t *testing.T) {
	srv := sonettest.Start(t)
	c, err := NewWebhookClient(srv.WebhookURL(), WithTestDefaults())
	require.NoError(t, err)
	ctx := context.Background()
	plain, err := c.CreateGroup(ctx, &GroupCreateRequest{Name: ":deadbeef: ops"})
	require.NoError(t, err)
	typed, err := c.CreateGroup(ctx, &GroupCreateRequest{Name: ":f09f9a80: typed"})
	require.NoError(t, err)

	g, err := c.GetGroup(ctx, plain)
	require.NoError(t, err)
	assert.Equal(t, ":deadbeef: ops", g.Name)
	g, err = c.GetGroup(ctx, typed)
	require.NoError(t, err)
	assert.Equal(t, "🚀 typed", g.Name, "the portal cannot tell typed hex from an emoji")

	id, made, err := c.EnsureGroup(ctx, &GroupCreateRequest{Name: "🚀 typed"})
	require.NoError(t, err)
	assert.Equal(t, [2]any{typed, false}, [2]any{id, made})
	assert.Len(t, srv.Groups(), 2)
}

// The list methods filter the stored column, so NAME and DESCRIPTION values
// go out encoded: a name read back from the SDK finds its group again.
// KEYWORDS (not encoded by the portal) and Where values go out as given.
func TestNameAndDescriptionFiltersSendTheStoredForm(t *testing.T) {
	body, err := (&GroupListOptions{Filter: GroupFilter{
		FieldName.Eq("🚀 Launch"), FieldDescription.Like("🎉"), FieldName.NotEq("b🚀"),
		FieldKeywords.Like("🚀"), Where("%NAME", "🎉"),
	}}).Encode()
	require.NoError(t, err)
	assert.Equal(t, "FILTER[NAME]=%3Af09f9a80%3A%20Launch&FILTER[%25DESCRIPTION]=%3Af09f8e89%3A"+
		"&FILTER[%21%3DNAME]=b%3Af09f9a80%3A&FILTER[%25KEYWORDS]=%F0%9F%9A%80&FILTER[%25NAME]=%F0%9F%8E%89", body)

	body, err = (&WorkgroupListOptions{Filter: WorkgroupFilter{FieldName.LikePattern("🚀%")}, Order: Order{FieldID.Asc()}}).Encode()
	require.NoError(t, err)
	assert.Contains(t, body, "filter[%3D%25NAME]=%3Af09f9a80%3A%25")

	body, err = (&GroupListOptions{Filter: GroupFilter{FieldName.In("a", "b🚀")}}).Encode()
	require.NoError(t, err)
	assert.Equal(t, "FILTER[NAME][0]=a&FILTER[NAME][1]=b%3Af09f9a80%3A", body)
}

func TestFilterByANameReadBackFindsItsGroup(t *testing.T) {
	srv := sonettest.Start(t)
	c, err := NewWebhookClient(srv.WebhookURL(), WithTestDefaults())
	require.NoError(t, err)
	ctx := context.Background()
	id, err := c.CreateGroup(ctx, &GroupCreateRequest{Name: "🚀 Launch", Description: "Ship 🎉"})
	require.NoError(t, err)
	_, err = c.CreateGroup(ctx, &GroupCreateRequest{Name: "Other"})
	require.NoError(t, err)
	g, err := c.GetGroup(ctx, id)
	require.NoError(t, err)

	p, err := c.ListGroups(ctx, &GroupListOptions{Filter: GroupFilter{FieldName.Eq(g.Name), FieldDescription.Like("🎉")}})
	require.NoError(t, err)
	require.Len(t, p.Items, 1)
	assert.Equal(t, id, p.Items[0].ID)

	wp, err := c.ListWorkgroups(ctx, &WorkgroupListOptions{Filter: WorkgroupFilter{FieldName.Like("🚀")}, Select: []WorkgroupField{WorkgroupFieldName}})
	require.NoError(t, err)
	require.Len(t, wp.Items, 1)
	assert.Equal(t, [2]any{id, "🚀 Launch"}, [2]any{wp.Items[0].ID, wp.Items[0].Name})
}
