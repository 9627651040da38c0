package sonet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/b24kit/sonet/internal/wire"
)

// MaxBatchCommands is the most commands the portal takes in one batch
// request. RunBatch splits larger batches into several requests.
const MaxBatchCommands = 50

// ErrNotRun is matched by the error of a batch command that did not run: a
// command after a failure with Halt set, one in a batch request that was
// not sent or was refused as a whole, or one the portal refused before
// running it (ERROR_BATCH_LENGTH_EXCEEDED past its 50th command,
// ERROR_BATCH_METHOD_NOT_ALLOWED, ERROR_METHOD_NOT_FOUND; such an error also
// matches the *APIError and its code).
var ErrNotRun = errors.New("sonet: batch command did not run")

// Batch collects commands for the batch method. Add commands with the typed
// adders (BatchCreateGroup, BatchListGroups, ...) or BatchCall, then send
// them with Client.RunBatch. Each adder returns a handle that RunBatch fills.
//
// A Batch is run once and is not safe for concurrent use. Commands are keyed
// c0, c1, ... in the order they were added.
type Batch struct {
	// Halt stops at the first failing command (halt=1): the commands after
	// it do not run and later batch requests are not sent. Commands chained
	// with Ref need it, because the portal does not stop a command whose
	// reference cannot be resolved: it substitutes the part of the path it
	// could walk (for a failed command, every earlier command's result; for
	// a missing row, the whole row list) or, inside a longer value, leaves
	// the reference as text, and runs the command with that.
	Halt bool

	cmds []*batchEntry
	keys map[string]int
	err  error
	ran  bool
	// readOnly marks a batch of reads only (the scans): a lost answer is
	// then retried like any read instead of reported as unknown.
	readOnly bool
	// once marks a scan request: a failure is not retried here, because
	// the scan resends a smaller request instead (scan.go).
	once bool
}

// NewBatch returns an empty batch.
func NewBatch() *Batch { return &Batch{keys: map[string]int{}} }

// Len returns the number of commands added.
func (b *Batch) Len() int { return len(b.cmds) }

// Err returns the first error an adder met (a request that failed
// validation, a method refused in batch, a bad reference). RunBatch returns
// it too, and then sends nothing.
func (b *Batch) Err() error { return b.err }

// BatchHandle is what every batch command handle has in common, whatever
// its result type: a []BatchHandle can hold the commands of one batch.
type BatchHandle interface {
	// Key is the command's key in cmd[KEY].
	Key() string
	// Method is the REST method the command calls.
	Method() string
	// Ran reports whether the portal answered for this command.
	Ran() bool
	// Err is the command's error: its own *APIError, a decoding error, an
	// error matching ErrNotRun, or one matching ErrOutcomeUnknown.
	Err() error
	// Ref is the reference to the command's result for a later command of
	// the same batch (see BatchCommand.Ref).
	Ref(path ...any) string
}

// BatchMeta holds the paging and timing figures the portal reports for one
// command in result_total, result_next and result_time.
type BatchMeta struct {
	Total    int
	HasTotal bool
	Next     int
	HasNext  bool
	Time     Timing
}

type batchEntry struct {
	key, method, value string
	deps               []int
	sink               batchSink
}

// add registers a command; on error the handle carries it and the batch
// remembers the first one.
func (b *Batch) add(method string, form wire.Form, err error, h batchSink) {
	fail := func(err error) {
		h.settle(err, false)
		if b.err == nil {
			b.err = err
		}
	}
	switch {
	case err != nil:
		fail(err)
		return
	case b.ran:
		fail(&ValidationError{Field: "batch", Reason: "command added after the batch ran"})
		return
	case !methodName.MatchString(method):
		fail(&ValidationError{Field: "method", Reason: fmt.Sprintf("%q is not a REST method name", method)})
		return
	case transportSuffix(method) != "":
		fail(&ValidationError{Field: "method", Reason: fmt.Sprintf("%q: inside batch the portal takes the method as written, so the %s suffix makes it unknown", method, transportSuffix(method))})
		return
	case batchRefused(method):
		// A refusal before sending: ErrValidation, like every other one,
		// and the code the portal would have answered.
		fail(&ValidationError{Field: "method", Reason: fmt.Sprintf("%s cannot be called inside batch", method), code: ErrBatchMethodNotAllowed})
		return
	}
	if err := form.Check(); err != nil { // SetParam values too
		fail(encodeError("params", err))
		return
	}
	e := &batchEntry{key: h.Key(), method: method, value: method, sink: h}
	for _, p := range form {
		if ref := unsafeWriteRef(p.Value); ref != "" && !readMethod(method) {
			fail(&ValidationError{Field: p.Key, Reason: fmt.Sprintf("%s in the write %s: a shorter list would make the portal substitute the whole row list, cast to the ID 1", ref, method)})
			return
		}
		for _, m := range refKey.FindAllStringSubmatch(p.Value, -1) {
			i, ok := b.keys[m[1]]
			if !ok {
				fail(&ValidationError{Field: p.Key, Reason: fmt.Sprintf("reference to %q, which is not an earlier command of this batch", m[1])})
				return
			}
			e.deps = append(e.deps, i)
		}
	}
	if len(form) > 0 {
		e.value += "?" + form.Encode()
	}
	b.keys[e.key] = len(b.cmds)
	b.cmds = append(b.cmds, e)
}

func newHandle[T any](b *Batch, method string, decode func(json.RawMessage, BatchMeta) (T, error)) *BatchCommand[T] {
	key := "c?"
	if b != nil {
		key = "c" + itoa(len(b.cmds))
	}
	return &BatchCommand[T]{key: key, method: method, decode: decode}
}

// BatchCall adds a command calling any method by name; params are encoded
// as Client.Call encodes them (a struct with url tags, a map[string]any, or
// nil) and the result is unmarshalled into T. Like Call without Idempotent
// it is taken for a write: a result that does not decode into T, or a null
// result when T cannot hold null (T is not json.RawMessage, an interface or
// a pointer), matches ErrOutcomeUnknown as well as ErrBadResponse.
//
// Docs: https://apidocs.bitrix24.com/settings/how-to-call-rest-api/batch.html
func BatchCall[T any](b *Batch, method string, params any) *BatchCommand[T] {
	h := newHandle(b, method, func(raw json.RawMessage, _ BatchMeta) (T, error) {
		var v T
		if err := decodeWriteResult(method, &Response{HTTPStatus: 200, Result: raw}, &v); err != nil {
			return v, outcomeUnknown(method, err)
		}
		return v, nil
	})
	if b == nil {
		h.err = &ValidationError{Field: "batch", Reason: "nil *Batch"}
		return h
	}
	form, err := encodeWire(params)
	if err != nil {
		err = encodeError("params", err)
	} else if cerr := checkRawListParams(method, params); cerr != nil {
		err = cerr
	}
	b.add(method, form, err, h)
	return h
}

// plan splits the commands into requests of at most MaxBatchCommands,
// keeping the order and never cutting between a command and one it refers
// to.
func (b *Batch) plan() ([][]*batchEntry, error) {
	n := len(b.cmds)
	cover := make([]int, n+1) // cover[i] > 0: commands i and i+1 must share a request
	chained := false
	for j, e := range b.cmds {
		for _, d := range e.deps {
			cover[d]++
			cover[j]--
			chained = true
		}
	}
	for i := 1; i <= n; i++ {
		cover[i] += cover[i-1]
	}
	if chained && !b.Halt {
		return nil, &ValidationError{Field: "halt", Reason: "commands chained with Ref need Halt: the portal runs a command whose reference it cannot resolve with whatever part of the path it reached"}
	}
	var out [][]*batchEntry
	for start := 0; start < n; {
		end := min(start+MaxBatchCommands, n)
		for end < n && end > start && cover[end-1] > 0 {
			end--
		}
		if end == start {
			return nil, &ValidationError{Field: "batch", Reason: fmt.Sprintf("commands from %s on are chained by references over more than %d commands; a chain must fit in one batch request", b.cmds[start].key, MaxBatchCommands)}
		}
		out = append(out, b.cmds[start:end])
		start = end
	}
	return out, nil
}

// RunBatch sends the batch's commands with the batch method, 50 to a
// request, and fills every handle. It returns nil when every command
// succeeded and a *BatchError otherwise; the handles of the commands that
// succeeded hold their values either way.
//
// A batch request is never repeated after it may have reached the portal
// (some commands may have run): its commands then get an error matching
// ErrOutcomeUnknown. Only a refusal that proves nothing ran
// (QUERY_LIMIT_EXCEEDED) is retried. A request failing as a whole stops the
// batch; with Halt, so does the first failing command.
//
// Docs: https://apidocs.bitrix24.com/settings/how-to-call-rest-api/batch.html
func (c *Client) RunBatch(ctx context.Context, b *Batch) error {
	if b == nil {
		return &ValidationError{Field: "batch", Reason: "nil *Batch"}
	}
	if b.err != nil {
		return b.err
	}
	if b.ran {
		return &ValidationError{Field: "batch", Reason: "the batch already ran"}
	}
	chunks, err := b.plan()
	if err != nil {
		return err
	}
	b.ran = true
	be := &BatchError{Commands: len(b.cmds)}
	stop := false
	for _, ch := range chunks {
		if !stop {
			if err := ctxErr(ctx); err != nil {
				be.Cause, stop = fmt.Errorf("sonet: batch: %w", err), true
			}
		}
		if stop {
			be.notRun(ch, be.Cause)
			continue
		}
		if err := c.runChunk(ctx, ch, b.Halt, b.kind()); err != nil {
			be.Cause, stop = err, true
			// c.call says ErrOutcomeUnknown exactly when the request may
			// have reached the portal; a bare context error means it did
			// not leave.
			if errors.Is(err, ErrOutcomeUnknown) {
				for _, e := range ch {
					e.sink.settle(err, false)
					be.Unknown = append(be.Unknown, e.key)
				}
			} else {
				be.notRun(ch, err)
			}
			continue
		}
		for _, e := range ch {
			switch {
			case e.sink.Err() == nil:
			case !e.sink.Ran() && errors.Is(e.sink.Err(), ErrOutcomeUnknown):
				be.Unknown = append(be.Unknown, e.key)
				be.unknown = append(be.unknown, e.sink.Err())
			case !e.sink.Ran() && errors.Is(e.sink.Err(), ErrNotRun):
				be.NotRun = append(be.NotRun, e.key)
				if ae := (*APIError)(nil); errors.As(e.sink.Err(), &ae) {
					// Refused by the portal: with halt it stopped there.
					be.refused = append(be.refused, e.sink.Err())
					stop = stop || b.Halt
				}
			default:
				be.Failed = append(be.Failed, e.key)
				be.errs = append(be.errs, e.sink.Err())
				stop = stop || b.Halt
			}
		}
	}
	if len(be.Failed)+len(be.NotRun)+len(be.Unknown) == 0 {
		return nil
	}
	return be
}

func (c *Client) runChunk(ctx context.Context, ch []*batchEntry, halt bool, kind callKind) error {
	form := make(wire.Form, 0, len(ch)+1)
	for _, e := range ch {
		form.Add("cmd["+e.key+"]", e.value)
	}
	form.Add("halt", map[bool]string{false: "0", true: "1"}[halt])
	var raw rawBatch
	if _, err := c.callN(ctx, "batch", kind, form, &raw, len(ch)); err != nil {
		return err
	}
	failed := false // a command of this request failed: with halt, the rest are absent
	for _, e := range ch {
		if er, ok := raw.Errors[e.key]; ok {
			failed = true
			err := commandError(e.method, er, c.redact)
			if refusedUnrun(err) {
				e.sink.settle(notRun(e.key, e.method, err), false)
				continue
			}
			e.sink.settle(err, true)
			continue
		}
		res, ok := raw.Result[e.key]
		if !ok {
			e.sink.settle(missingEntry(e, halt && failed, kind != kindWrite), false)
			continue
		}
		m := BatchMeta{}
		m.Total, m.HasTotal, _ = optionalInt(raw.Total[e.key])
		m.Next, m.HasNext, _ = optionalInt(raw.Next[e.key])
		if t := raw.Time[e.key]; len(t) > 0 {
			var rt rawTiming
			if json.Unmarshal(t, &rt) == nil {
				m.Time = rt.timing()
			}
		}
		e.sink.deliver(res, m, c.redact)
	}
	return nil
}

// kind says how a failed request of the batch is treated (see decide).
func (b *Batch) kind() callKind {
	switch {
	case b.once:
		return kindReadOnce
	case b.readOnly:
		return kindRead
	}
	return kindWrite
}
