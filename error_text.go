package sonet

import (
	"fmt"
	"strings"
)

// Every error of the package reads as one sentence with one "sonet: "
// prefix. An error that quotes another uses detail, which drops the inner
// error's own prefix (and its method, when the outer names the same one).

// detail returns err's text without its leading "sonet: " and, when method
// is not empty, without a following "method: ", for quoting inside another
// sonet error.
func detail(err error, method string) string {
	s := strings.TrimPrefix(err.Error(), "sonet: ")
	if method != "" {
		s = strings.TrimPrefix(s, method+": ")
	}
	return s
}

// walkError is an error of a list walk, read as one sentence that names
// the method: "sonet: sonet_group.get: list walk stalled: the portal did
// not advance: next=0 after start=50". It matches kind (ErrCursorStalled
// or ErrBadResponse).
type walkError struct {
	method string
	kind   error
	detail string
}

func walkErr(method string, kind error, format string, args ...any) error {
	return &walkError{method: method, kind: kind, detail: fmt.Sprintf(format, args...)}
}

func (e *walkError) Error() string {
	return "sonet: " + e.method + ": " + detail(e.kind, "") + ": " + e.detail
}

func (e *walkError) Unwrap() error { return e.kind }

// groupNotFoundError is the answer of GetGroup and BatchGetGroup when the
// portal's list holds no group with the ID: the group does not exist or
// the caller may not see it. It matches ErrGroupNotFound and ErrNotFound.
type groupNotFoundError struct {
	method string
	id     int
}

func (e *groupNotFoundError) Error() string {
	return fmt.Sprintf("sonet: %s: group %d not found (no such group, or the caller may not see it)", e.method, e.id)
}

func (e *groupNotFoundError) Is(target error) bool {
	return target == ErrGroupNotFound || target == ErrNotFound
}

// notRunError is a batch command that did not run, with why when known.
type notRunError struct {
	key, method string
	cause       error
}

func notRun(key, method string, cause error) error { return &notRunError{key, method, cause} }

func (e *notRunError) Error() string {
	msg := fmt.Sprintf("sonet: batch command %s (%s) did not run", e.key, e.method)
	if e.cause != nil {
		msg += ": " + detail(e.cause, "")
	}
	return msg
}

func (e *notRunError) Unwrap() []error {
	if e.cause == nil {
		return []error{ErrNotRun}
	}
	return []error{ErrNotRun, e.cause}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// joinedError reads as msg and matches each of errs.
type joinedError struct {
	msg  string
	errs []error
}

func (e *joinedError) Error() string   { return e.msg }
func (e *joinedError) Unwrap() []error { return e.errs }
