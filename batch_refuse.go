package sonet

import (
	"errors"
	"strings"
)

// This file holds what the portal refuses inside batch, before or instead
// of running a command.

// batchRefused reports whether the SDK refuses method inside batch. The
// portal refuses exactly "download" and "upload" (CRestProvider::methodsBatch)
// and, by the docs, batch itself; the SDK also refuses any method whose last
// segment uploads or downloads a file, a cautious reading of spec §7 it keeps.
func batchRefused(method string) bool {
	m := strings.ToLower(method)
	last := m[strings.LastIndexByte(m, '.')+1:]
	return m == "batch" || strings.Contains(last, "upload") || strings.HasPrefix(last, "download")
}

// transportSuffix returns a last ".json" or ".xml" segment of method (any
// case), which picks the answer format of a direct call, or "". Inside
// batch the method is parse_url's path as written, so the suffix is part
// of the name and the portal answers ERROR_METHOD_NOT_FOUND.
func transportSuffix(method string) string {
	i := strings.LastIndexByte(method, '.')
	if i <= 0 {
		return ""
	}
	if s := strings.ToLower(method[i:]); s == ".json" || s == ".xml" {
		return method[i:]
	}
	return ""
}

// refusedUnrun reports whether a command's error is one the portal gives
// before it runs the command: past the 50th command of a request
// (CRestProvider::methodsBatch), a method refused in batch, or a method
// that does not exist (looked up before anything runs).
func refusedUnrun(err error) bool {
	return errors.Is(err, ErrBatchLengthExceeded) || errors.Is(err, ErrBatchMethodNotAllowed) || errors.Is(err, ErrMethodNotFound)
}
