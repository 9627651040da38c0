package sonet

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/b24kit/sonet/internal/wire"
)

// commandError turns a result_error entry into an *APIError. HTTPStatus is 0:
// the portal sends no status per command (the batch answer itself is 200).
func commandError(method string, raw json.RawMessage, redact func(string) string) error {
	var e struct {
		Error       wire.String `json:"error"`
		Description wire.String `json:"error_description"`
	}
	if err := json.Unmarshal(raw, &e); err != nil {
		var s wire.String // tolerate a bare string
		if json.Unmarshal(raw, &s) != nil {
			return &ResponseError{HTTPStatus: 200, Method: method, Reason: "unreadable result_error entry", Excerpt: bodyExcerpt(raw, redact)}
		}
		e.Description = s
	}
	return &APIError{Code: redact(string(e.Error)), Description: redact(string(e.Description)), Method: method}
}

// rawBatch is the result of the batch method.
type rawBatch struct {
	Result batchSection `json:"result"`
	Errors batchSection `json:"result_error"`
	Total  batchSection `json:"result_total"`
	Next   batchSection `json:"result_next"`
	Time   batchSection `json:"result_time"`
}

// batchSection is one per-command section. The portal writes an empty one
// as [] instead of {} (and PHP would write a list for keys 0..n-1): both
// decode, list entries keyed by their index.
type batchSection map[string]json.RawMessage

func (s *batchSection) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*s = nil
		return nil
	case len(b) > 0 && b[0] == '[':
		var list []json.RawMessage
		if err := json.Unmarshal(b, &list); err != nil {
			return err
		}
		m := make(batchSection, len(list))
		for i, v := range list {
			m[itoa(i)] = v
		}
		*s = m
		return nil
	}
	m := map[string]json.RawMessage{}
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("batch section is neither an object nor a list: %w", err)
	}
	*s = m
	return nil
}

// BatchError reports a batch that did not fully succeed. The handles hold
// each command's value or error; BatchError lists the keys by outcome.
// errors.Is and errors.As see Cause and the failed commands' errors.
type BatchError struct {
	// Commands is the number of commands in the batch.
	Commands int
	// Failed lists the commands the portal answered with an error (or
	// whose result could not be decoded), in order.
	Failed []string
	// NotRun lists the commands that certainly did not run.
	NotRun []string
	// Unknown lists the commands of a request whose answer was lost, and
	// write commands an answered request left out for no reason the portal
	// has: they may or may not have run.
	Unknown []string
	// Cause is the error of a batch request that failed as a whole, nil
	// when every request sent was answered.
	Cause error

	errs    []error // of Failed, in order
	refused []error // of the NotRun commands the portal refused
	unknown []error // of the Unknown commands of an answered request
}

func (e *BatchError) notRun(ch []*batchEntry, cause error) {
	for _, c := range ch {
		c.sink.settle(notRun(c.key, c.method, cause), false)
		e.NotRun = append(e.NotRun, c.key)
	}
}

// Error reads "sonet: batch of N commands: K failed", the first three failures,
// and how many did not run or have an unknown outcome.
func (e *BatchError) Error() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "sonet: batch of %d command%s: %d failed", e.Commands, plural(e.Commands), len(e.Failed))
	for i, err := range e.errs {
		if i == 3 {
			sb.WriteString("; ...")
			break
		}
		fmt.Fprintf(&sb, "; %s: %s", e.Failed[i], detail(err, ""))
	}
	fmt.Fprintf(&sb, "; %d did not run; %d outcome unknown", len(e.NotRun), len(e.Unknown))
	if e.Cause != nil {
		fmt.Fprintf(&sb, "; request failed: %s", detail(e.Cause, "batch"))
	}
	return sb.String()
}

// Unwrap returns Cause, the failed commands' errors, those of commands an
// answered request left out (outcome unknown) and the errors of the
// commands the portal refused without running them.
func (e *BatchError) Unwrap() []error {
	out := make([]error, 0, len(e.errs)+len(e.refused)+len(e.unknown)+1)
	if e.Cause != nil {
		out = append(out, e.Cause)
	}
	out = append(out, e.errs...)
	out = append(out, e.unknown...)
	return append(out, e.refused...)
}

// missingEntry is the error of a command absent from both result and
// result_error. methodsBatch writes every command it runs or refuses into
// one of them; only with halt, after a failed command, does it leave the
// rest out. Any other absence is an answer the SDK cannot read: a write
// command may have run (outcome unknown, never "did not run", which would
// invite a second create), a read gets a bad-response error.
func missingEntry(e *batchEntry, afterHalt, readOnly bool) error {
	if afterHalt {
		return notRun(e.key, e.method, nil)
	}
	err := &ResponseError{HTTPStatus: 200, Method: e.method, Reason: "batch command " + e.key + " is in neither result nor result_error"}
	if readOnly {
		return err
	}
	return outcomeUnknown(e.method, err)
}

// BatchCommand is the handle of one batch command whose result decodes into
// T. It is filled by RunBatch.
type BatchCommand[T any] struct {
	key, method string
	decode      func(json.RawMessage, BatchMeta) (T, error)
	value       T
	err         error
	ran         bool
	meta        BatchMeta
}

// Key returns the command's key.
func (h *BatchCommand[T]) Key() string { return h.key }

// Method returns the command's REST method.
func (h *BatchCommand[T]) Method() string { return h.method }

// Ran reports whether the portal answered for this command (with a result
// or an error).
func (h *BatchCommand[T]) Ran() bool { return h.ran }

// Err returns the command's error, nil on success.
func (h *BatchCommand[T]) Err() error { return h.err }

// Value returns the decoded result; the zero T unless the command succeeded.
func (h *BatchCommand[T]) Value() T { return h.value }

// Result returns Value and Err together.
func (h *BatchCommand[T]) Result() (T, error) { return h.value, h.err }

// Meta returns the command's total, next and time as the portal sent them.
func (h *BatchCommand[T]) Meta() BatchMeta { return h.meta }

func (h *BatchCommand[T]) deliver(raw json.RawMessage, m BatchMeta, redact func(string) string) {
	h.ran, h.meta = true, m
	v, err := h.decode(raw, m)
	if err != nil {
		h.err = finishResponseError(err, redact)
		return
	}
	h.value = v
}

func (h *BatchCommand[T]) settle(err error, ran bool) { h.err, h.ran = err, ran }

type batchSink interface {
	BatchHandle
	deliver(json.RawMessage, BatchMeta, func(string) string)
	settle(err error, ran bool)
}
