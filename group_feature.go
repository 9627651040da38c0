package sonet

import (
	"bytes"
	"context"
	"fmt"
	"strings"
)

// Feature is the code of a group tool ("feature") for CanAccessFeature. The
// set is open: a portal may have more features than the SDK names,
// depending on its modules, so any non-empty string can be sent.
type Feature string

// Features documented for sonet_group.feature.access, plus forum.
const (
	// FeaturePhoto is the photo gallery.
	FeaturePhoto Feature = "photo"
	// FeatureCalendar is the group calendar.
	FeatureCalendar Feature = "calendar"
	// FeatureTasks is the group's tasks.
	FeatureTasks Feature = "tasks"
	// FeatureFiles is the group's Drive.
	FeatureFiles Feature = "files"
	// FeatureBlog is the group's feed messages and their comments.
	FeatureBlog Feature = "blog"
	// FeatureForum is the group forum. It is not in the REST docs; its code
	// and operations come from the socialnetwork module's own feature list
	// (spec §3.3).
	FeatureForum Feature = "forum"
)

// Operation is the code of an operation within a Feature. Which operations a
// feature has is listed by Feature.Operations.
type Operation string

// Operations documented for sonet_group.feature.access, plus the forum's.
const (
	// OperationView: view (photo, calendar, files, forum); for tasks, view
	// one's own tasks.
	OperationView Operation = "view"
	// OperationWrite: add and change (photo, calendar, files).
	OperationWrite Operation = "write"

	// OperationViewAll: view all tasks.
	OperationViewAll Operation = "view_all"
	// OperationSort: sort tasks.
	OperationSort Operation = "sort"
	// OperationCreateTasks: create tasks.
	OperationCreateTasks Operation = "create_tasks"
	// OperationEditTasks: edit tasks.
	OperationEditTasks Operation = "edit_tasks"
	// OperationDeleteTasks: delete tasks.
	OperationDeleteTasks Operation = "delete_tasks"

	// OperationViewPost: read feed messages.
	OperationViewPost Operation = "view_post"
	// OperationPremoderatePost: write messages that wait for moderation.
	OperationPremoderatePost Operation = "premoderate_post"
	// OperationWritePost: write messages.
	OperationWritePost Operation = "write_post"
	// OperationModeratePost: moderate messages.
	OperationModeratePost Operation = "moderate_post"
	// OperationFullPost: full control over messages.
	OperationFullPost Operation = "full_post"
	// OperationViewComment: read comments.
	OperationViewComment Operation = "view_comment"
	// OperationPremoderateComment: write comments that wait for moderation.
	OperationPremoderateComment Operation = "premoderate_comment"
	// OperationWriteComment: write comments.
	OperationWriteComment Operation = "write_comment"
	// OperationModerateComment: moderate comments.
	OperationModerateComment Operation = "moderate_comment"
	// OperationFullComment: full control over comments.
	OperationFullComment Operation = "full_comment"

	// OperationNewTopic: start forum topics (forum only; not in the REST docs).
	OperationNewTopic Operation = "newtopic"
	// OperationAnswer: reply in forum topics (forum only; not in the REST docs).
	OperationAnswer Operation = "answer"
	// OperationFull: full control over the forum (forum only; not in the REST docs).
	OperationFull Operation = "full"
)

// featureOperations lists the operations of every feature the SDK knows,
// in the docs' order.
var featureOperations = map[Feature][]Operation{
	FeaturePhoto:    {OperationView, OperationWrite},
	FeatureCalendar: {OperationView, OperationWrite},
	FeatureTasks: {OperationView, OperationViewAll, OperationSort, OperationCreateTasks,
		OperationEditTasks, OperationDeleteTasks},
	FeatureFiles: {OperationView, OperationWrite},
	FeatureBlog: {OperationViewPost, OperationPremoderatePost, OperationWritePost, OperationModeratePost,
		OperationFullPost, OperationViewComment, OperationPremoderateComment, OperationWriteComment,
		OperationModerateComment, OperationFullComment},
	FeatureForum: {OperationFull, OperationNewTopic, OperationAnswer, OperationView},
}

// Operations returns the operations a feature the SDK knows allows, as a
// new slice, or nil for a feature the SDK does not know.
func (f Feature) Operations() []Operation {
	ops, ok := featureOperations[f]
	if !ok {
		return nil
	}
	return append([]Operation(nil), ops...)
}

// String returns the feature code.
func (f Feature) String() string { return string(f) }

// String returns the operation code.
func (op Operation) String() string { return string(op) }

// checkFeatureOperation refuses an empty feature or operation, and an
// operation that a known feature does not have. An unknown feature is not
// checked further: the portal may have it.
func checkFeatureOperation(f Feature, op Operation) error {
	if strings.TrimSpace(string(f)) == "" {
		return &ValidationError{Field: "FEATURE", Reason: "empty feature code"}
	}
	if strings.TrimSpace(string(op)) == "" {
		return &ValidationError{Field: "OPERATION", Reason: "empty operation code"}
	}
	ops, known := featureOperations[f]
	if !known {
		return nil
	}
	for _, o := range ops {
		if o == op {
			return nil
		}
	}
	names := make([]string, len(ops))
	for i, o := range ops {
		names[i] = string(o)
	}
	return &ValidationError{Field: "OPERATION", Reason: fmt.Sprintf("feature %q has no operation %q; it has %s",
		f, op, strings.Join(names, ", "))}
}

// CanAccessFeature reports whether the calling user may perform operation
// op on feature f of a group or project, with sonet_group.feature.access.
//
// For a feature the SDK knows (the Feature constants) an operation that
// feature does not have is refused with a *ValidationError before anything
// is sent. A feature the SDK does not know is sent as it is, with any
// non-empty operation, so codes a portal has and the SDK does not still
// work; the portal answers ErrWrongFeature or ErrWrongOperation if it does
// not have them either.
//
// A group that does not exist, or that the caller cannot see, answers
// false, not an error: the portal checks only that the ID is positive
// (the SDK refuses others before sending). Failures: ErrWrongFeature,
// ErrWrongOperation, and ErrWrongGroupID should a portal say "Wrong
// socialnetwork group ID". An answer that is not a JSON
// boolean (null, "Y", 1) is a *ResponseError, never a silent false. The
// call is a read and is retried through transient failures.
//
// Docs: https://apidocs.bitrix24.com/api-reference/sonet-group/sonet-group-feature-access.html
func (c *Client) CanAccessFeature(ctx context.Context, groupID int, f Feature, op Operation) (bool, error) {
	const method = "sonet_group.feature.access"
	if err := checkGroupID("GROUP_ID", groupID); err != nil {
		return false, err
	}
	if err := checkFeatureOperation(f, op); err != nil {
		return false, err
	}
	form, err := encodeRequest(featureAccessParams{GroupID: groupID, Feature: f, Operation: op})
	if err != nil {
		return false, err
	}
	r, err := c.call(ctx, method, kindRead, form, nil)
	if err != nil {
		return false, err
	}
	switch string(bytes.TrimSpace(r.Result)) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, &ResponseError{HTTPStatus: r.HTTPStatus, Method: method, Reason: "result is not a JSON boolean",
		Excerpt: bodyExcerpt(r.Result, c.redact)}
}

type featureAccessParams struct {
	GroupID   int       `url:"GROUP_ID"`
	Feature   Feature   `url:"FEATURE"`
	Operation Operation `url:"OPERATION"`
}
