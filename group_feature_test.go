package sonet

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCanAccessFeatureSendsExactBodyAndDecodesBoth(t *testing.T) {
	for fx, want := range map[string]bool{"ok_true.json": true, "ok_false.json": false} {
		c, mt := newMockClient(t)
		var rec recorded
		mt.RegisterResponder("POST", testEndpoint+"sonet_group.feature.access", rec.respond(200, fixture(t, "sonet_group.feature.access/"+fx)))
		got, err := c.CanAccessFeature(context.Background(), 77, FeatureBlog, OperationWritePost)
		require.NoError(t, err)
		assert.Equal(t, want, got, fx)
		assert.Equal(t, []string{"GROUP_ID=77&FEATURE=blog&OPERATION=write_post"}, rec.Bodies())
	}
}

func TestCanAccessFeatureDocumentedErrors(t *testing.T) {
	cases := []struct {
		fixture, desc string
		want          error
	}{
		{"error_wrong_operation.json", "Wrong operation", ErrWrongOperation},
		{"error_wrong_group_id.json", "Wrong socialnetwork group ID", ErrWrongGroupID},
		{"error_wrong_feature.json", "Wrong feature", ErrWrongFeature},
	}
	for _, tc := range cases {
		c, mt := newMockClient(t)
		var rec recorded
		mt.RegisterResponder("POST", testEndpoint+"sonet_group.feature.access", rec.respond(400, fixture(t, "sonet_group.feature.access/"+tc.fixture)))
		got, err := c.CanAccessFeature(context.Background(), 77, FeatureBlog, OperationWritePost)
		assert.False(t, got)
		requireSonetError(t, err, "sonet_group.feature.access", tc.desc, tc.want)
		assert.Equal(t, 1, mt.GetTotalCallCount())
	}
}

// null, a string or a number is not a boolean: never a silent false.
func TestCanAccessFeatureNonBooleanIsBadResponse(t *testing.T) {
	for _, body := range []string{`{"result":null}`, `{"result":"Y"}`, `{"result":1}`, `{"result":"true"}`, `{"result":[]}`} {
		c, mt := newMockClient(t)
		var rec recorded
		mt.RegisterResponder("POST", testEndpoint+"sonet_group.feature.access", rec.respond(200, []byte(body)))
		got, err := c.CanAccessFeature(context.Background(), 77, FeatureFiles, OperationView)
		assert.False(t, got)
		var re *ResponseError
		require.ErrorAs(t, err, &re, body)
		assert.Equal(t, "sonet_group.feature.access", re.Method)
		assert.Equal(t, "result is not a JSON boolean", re.Reason)
		assert.ErrorIs(t, err, ErrBadResponse)
		assert.Equal(t, 1, mt.GetTotalCallCount(), "a malformed 200 answer is not retried")
	}
}

// A feature the SDK does not know is sent as it is, with any operation.
func TestCanAccessFeatureUnknownFeaturePassesThrough(t *testing.T) {
	c, mt := newMockClient(t)
	var rec recorded
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.feature.access", rec.respond(200, fixture(t, "sonet_group.feature.access/ok_true.json")))
	got, err := c.CanAccessFeature(context.Background(), 77, Feature("wiki"), Operation("write"))
	require.NoError(t, err)
	assert.True(t, got)
	_, err = c.CanAccessFeature(context.Background(), 77, FeatureForum, OperationNewTopic)
	require.NoError(t, err)
	assert.Equal(t, []string{"GROUP_ID=77&FEATURE=wiki&OPERATION=write", "GROUP_ID=77&FEATURE=forum&OPERATION=newtopic"}, rec.Bodies())
}

func TestCanAccessFeatureRefusesBadInputWithoutSending(t *testing.T) {
	cases := []struct {
		group         int
		f             Feature
		op            Operation
		field, reason string
	}{
		{0, FeatureBlog, OperationWritePost, "GROUP_ID", "want a positive group ID, got 0"},
		{77, "", OperationView, "FEATURE", "empty feature code"},
		{77, " ", OperationView, "FEATURE", "empty feature code"},
		{77, FeatureFiles, "", "OPERATION", "empty operation code"},
		{77, Feature("wiki"), " ", "OPERATION", "empty operation code"},
		{77, FeatureBlog, OperationView, "OPERATION",
			`feature "blog" has no operation "view"; it has view_post, premoderate_post, write_post, moderate_post, full_post, ` +
				`view_comment, premoderate_comment, write_comment, moderate_comment, full_comment`},
		{77, FeaturePhoto, OperationDeleteTasks, "OPERATION", `feature "photo" has no operation "delete_tasks"; it has view, write`},
		{77, FeatureTasks, OperationWrite, "OPERATION",
			`feature "tasks" has no operation "write"; it has view, view_all, sort, create_tasks, edit_tasks, delete_tasks`},
		{77, FeatureForum, OperationWritePost, "OPERATION", `feature "forum" has no operation "write_post"; it has full, newtopic, answer, view`},
	}
	for _, tc := range cases {
		c, mt := newMockClient(t)
		got, err := c.CanAccessFeature(context.Background(), tc.group, tc.f, tc.op)
		assert.False(t, got)
		requireValidation(t, err, mt, tc.field, tc.reason)
	}
}

// The table matches the docs (spec §3.3) operation for operation.
func TestFeatureOperationsTable(t *testing.T) {
	assert.Equal(t, []Operation{"view", "write"}, FeaturePhoto.Operations())
	assert.Equal(t, []Operation{"view", "write"}, FeatureCalendar.Operations())
	assert.Equal(t, []Operation{"view", "write"}, FeatureFiles.Operations())
	assert.Equal(t, []Operation{"view", "view_all", "sort", "create_tasks", "edit_tasks", "delete_tasks"}, FeatureTasks.Operations())
	assert.Equal(t, []Operation{"view_post", "premoderate_post", "write_post", "moderate_post", "full_post",
		"view_comment", "premoderate_comment", "write_comment", "moderate_comment", "full_comment"}, FeatureBlog.Operations())
	assert.Equal(t, []Operation{"full", "newtopic", "answer", "view"}, FeatureForum.Operations())
	assert.Nil(t, Feature("wiki").Operations())

	ops := FeaturePhoto.Operations()
	ops[0] = "changed"
	assert.Equal(t, []Operation{"view", "write"}, FeaturePhoto.Operations(), "callers get a copy")
	assert.Equal(t, "blog", FeatureBlog.String())
	assert.Equal(t, "write_post", OperationWritePost.String())
}
