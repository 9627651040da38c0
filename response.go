package sonet

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"time"

	"github.com/b24kit/sonet/internal/wire"
)

// Response is the envelope of a successful answer: the raw result plus the
// paging and timing figures the portal sends beside it.
type Response struct {
	// HTTPStatus is the status of the answer.
	HTTPStatus int
	// Result is the "result" value, undecoded.
	Result json.RawMessage
	// Total is the "total" figure of list methods; HasTotal tells whether
	// the portal sent it (it does not with start=-1).
	Total    int
	HasTotal bool
	// Next is the offset of the next page; HasNext tells whether there is
	// one. Next may be 0 only in theory, so always test HasNext.
	Next    int
	HasNext bool
	// Time is the "time" block.
	Time Timing
}

// Timing is the "time" block of an answer. Figures the portal did not send
// are zero (operating* are cloud-only).
type Timing struct {
	Start, Finish time.Time
	// Duration is finish - start; Processing is the portal's own figure.
	Duration, Processing time.Duration
	// DateStart and DateFinish are the portal's ISO-8601 dates, with the
	// portal's offset.
	DateStart, DateFinish time.Time
	// Operating is the time this method has used, for this app or webhook,
	// over the last 10 minutes. When it passes the portal's limit the method
	// is refused with OPERATION_TIME_LIMIT until OperatingResetAt.
	Operating        time.Duration
	OperatingResetAt time.Time
}

type rawTiming struct {
	Start            wire.Float `json:"start"`
	Finish           wire.Float `json:"finish"`
	Duration         wire.Float `json:"duration"`
	Processing       wire.Float `json:"processing"`
	DateStart        wire.Time  `json:"date_start"`
	DateFinish       wire.Time  `json:"date_finish"`
	OperatingResetAt wire.Float `json:"operating_reset_at"`
	Operating        wire.Float `json:"operating"`
}

func (r *rawTiming) timing() Timing {
	return Timing{
		Start:            unixFloat(float64(r.Start)),
		Finish:           unixFloat(float64(r.Finish)),
		Duration:         seconds(float64(r.Duration)),
		Processing:       seconds(float64(r.Processing)),
		DateStart:        time.Time(r.DateStart),
		DateFinish:       time.Time(r.DateFinish),
		Operating:        seconds(float64(r.Operating)),
		OperatingResetAt: unixFloat(float64(r.OperatingResetAt)),
	}
}

func unixFloat(f float64) time.Time {
	if f <= 0 || math.IsInf(f, 0) || math.IsNaN(f) || f > 1e12 {
		return time.Time{}
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(math.Round(frac*1e6))*1e3)
}

func seconds(f float64) time.Duration {
	if math.IsNaN(f) || f < 0 || f > 1e9 {
		return 0
	}
	return time.Duration(math.Round(f*1e6)) * time.Microsecond
}

type rawEnvelope struct {
	Result           json.RawMessage `json:"result"`
	Error            json.RawMessage `json:"error"`
	ErrorDescription wire.String     `json:"error_description"`
	Total            json.RawMessage `json:"total"`
	Next             json.RawMessage `json:"next"`
	Time             *rawTiming      `json:"time"`
}

// decodeEnvelope reads a portal answer. It never returns a zero Response as
// success: an error key (even an empty one), a body that is not JSON, or a
// success status without "result" all become errors.
func decodeEnvelope(method string, status int, contentType string, body []byte, redact func(string) string) (*Response, error) {
	bad := func(reason string) error {
		return &ResponseError{HTTPStatus: status, ContentType: contentType, Method: method, Reason: reason, Excerpt: bodyExcerpt(body, redact)}
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil, bad("empty body")
	}
	if trimmed[0] != '{' {
		return nil, bad("not a JSON object")
	}
	var env rawEnvelope
	if err := json.Unmarshal(trimmed, &env); err != nil {
		if !json.Valid(trimmed) {
			return nil, bad("invalid or truncated JSON")
		}
		return nil, bad("envelope field of the wrong type: " + err.Error())
	}
	if len(env.Error) > 0 && !bytes.Equal(env.Error, []byte("null")) {
		var code wire.String
		if err := json.Unmarshal(env.Error, &code); err != nil {
			return nil, bad("error code is neither a string nor a number")
		}
		return nil, &APIError{HTTPStatus: status, Code: redact(string(code)), Description: redact(string(env.ErrorDescription)), Method: method}
	}
	if status < 200 || status > 299 {
		return nil, bad("error status without an error code")
	}
	if len(env.Result) == 0 {
		return nil, bad(`no "result" in the answer`)
	}
	r := &Response{HTTPStatus: status, Result: env.Result}
	var err error
	if r.Total, r.HasTotal, err = optionalInt(env.Total); err != nil {
		return nil, bad(`"total" ` + errorText(err, redact))
	}
	if r.Next, r.HasNext, err = optionalInt(env.Next); err != nil {
		return nil, bad(`"next" ` + errorText(err, redact))
	}
	if env.Time != nil {
		r.Time = env.Time.timing()
	}
	return r, nil
}

func optionalInt(b json.RawMessage) (int, bool, error) {
	if len(b) == 0 || bytes.Equal(b, []byte("null")) {
		return 0, false, nil
	}
	n, err := wire.ParseInt(b)
	return n, err == nil, err
}

// excerptRunes is how much of an unreadable answer an error quotes.
const excerptRunes = 120

// bodyExcerpt returns the first runes of a body for an error message,
// through wire.Excerpt: credentials are removed from the whole body first,
// then it is cut, so a cut through a secret cannot leave a piece of it.
func bodyExcerpt(body []byte, redact func(string) string) string {
	return wire.Excerpt(body, excerptRunes, redact)
}

// errorText renders a decoding error. A *wire.ValueError names the value it
// could not read without quoting it; with a redactor the value is quoted
// through wire.Excerpt (redacted, then cut), without one it stays withheld.
func errorText(err error, redact func(string) string) string {
	s := err.Error()
	var ve *wire.ValueError
	if redact != nil && errors.As(err, &ve) {
		if q := wire.Excerpt(ve.Value, valueRunes, redact); q != "" {
			s = strings.Replace(s, ve.Msg, ve.Msg+": "+q, 1)
		}
	}
	if redact != nil {
		s = redact(s)
	}
	return s
}

// valueRunes is how much of one unreadable value an error quotes.
const valueRunes = 40

// finishResponseError completes a *ResponseError made where the
// credentials were not known (decodeResult inside a batch decoder, say):
// the value it could not read is quoted now, redacted first and cut second.
// Other errors pass unchanged.
func finishResponseError(err error, redact func(string) string) error {
	var re *ResponseError
	if !errors.As(err, &re) {
		return err
	}
	if re.raw != nil {
		re.Excerpt = bodyExcerpt(re.raw, redact)
		re.raw = nil
	}
	if re.cause != nil {
		re.Reason = re.prefix + errorText(re.cause, redact)
		re.cause = nil
	}
	re.Reason, re.Excerpt = redact(re.Reason), redact(re.Excerpt)
	return err
}

// decodeResult unmarshals a result into out and turns a failure into a
// ResponseError, so a wrong type is never taken as a zero value. The error
// quotes nothing of the result until finishResponseError gives it the
// credentials to remove.
func decodeResult(method string, r *Response, out any) error {
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(r.Result, out); err != nil {
		const prefix = "result of the wrong shape: "
		return &ResponseError{HTTPStatus: r.HTTPStatus, Method: method, Reason: prefix + errorText(err, nil),
			prefix: prefix, cause: err, raw: r.Result}
	}
	return nil
}

// decodeWriteResult is decodeResult for a write: besides a result of the
// wrong shape, a null result is refused when the caller asked for a value
// that cannot hold null. encoding/json reads null into an int, a string, a
// bool, a struct, a slice or a map as "leave it alone", so a write
// answered {"result":null} would otherwise look like a success that
// returned 0 (or "", or false); the portal may have run it all the same.
// A target that can hold null (json.RawMessage, an interface, a pointer)
// receives it as it is: the caller sees the null.
func decodeWriteResult(method string, r *Response, out any) error {
	if out != nil && isJSONNull(r.Result) && !holdsNull(out) {
		return &ResponseError{HTTPStatus: r.HTTPStatus, Method: method, Reason: "the result is null: no value says what the write did"}
	}
	return decodeResult(method, r, out)
}

// holdsNull reports whether the value out points to can tell a JSON null
// from a value: json.RawMessage keeps the bytes, an interface becomes nil,
// a pointer stays nil.
func holdsNull(out any) bool {
	t := reflect.TypeOf(out)
	if t.Kind() != reflect.Pointer {
		return false // json.Unmarshal refuses it anyway
	}
	e := t.Elem()
	return e == rawMessageType || e.Kind() == reflect.Interface || e.Kind() == reflect.Pointer
}

var rawMessageType = reflect.TypeOf(json.RawMessage(nil))

// isJSONNull reports whether raw is the JSON null (or absent).
func isJSONNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || string(t) == "null"
}

// unusableWrite is the error of a write answered with a result that is not
// its documented success (null, 0, false, text, an object): the portal may
// well have run the write, so the error matches ErrOutcomeUnknown as well as
// ErrBadResponse, and the write is not repeated. One rule for every write.
func (c *Client) unusableWrite(method string, r *Response, reason string) error {
	return outcomeUnknown(method, &ResponseError{HTTPStatus: r.HTTPStatus, Method: method, Reason: reason, Excerpt: bodyExcerpt(r.Result, c.redact)})
}
