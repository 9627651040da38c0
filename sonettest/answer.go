package sonettest

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/b24kit/sonet/internal/phpjson"
)

// obj is a JSON object that keeps its key order.
type obj []kv

type kv struct {
	k string
	v any
}

// phpArr is a JSON value written the way PHP's json_encode writes an array:
// [] when empty, a list when the keys are 0..n-1 in order, else an object.
type phpArr obj

// apiError is a REST error answer.
type apiError struct {
	status int
	code   string
	desc   string
}

func (e *apiError) Error() string { return e.code + ": " + e.desc }

func sonetErr(desc string) *apiError { return &apiError{http.StatusBadRequest, "", desc} }

var (
	errNoAuth         = &apiError{http.StatusUnauthorized, "NO_AUTH_FOUND", "Wrong authorization data"}
	errExpired        = &apiError{http.StatusUnauthorized, "expired_token", "The access token provided has expired"}
	errMethodNotFound = &apiError{http.StatusNotFound, "ERROR_METHOD_NOT_FOUND", "Method not found!"}
	errQueryLimit     = &apiError{http.StatusServiceUnavailable, "QUERY_LIMIT_EXCEEDED", "Too many requests"}
	errOperating      = &apiError{http.StatusTooManyRequests, "OPERATION_TIME_LIMIT", "Method is blocked due to operation time limit."}
	errInternal       = &apiError{http.StatusInternalServerError, "INTERNAL_SERVER_ERROR", "Internal server error"}
)

func (e *apiError) body() []byte {
	return encodeJSON(obj{{"error", e.errorCode()}, {"error_description", e.desc}})
}

// timing is the data of one answer's "time" block.
type timing struct {
	start, finish  time.Time
	operating      time.Duration
	operatingReset time.Time
	withOperating  bool
}

// block renders the time block as the current rest module does: CRestServer
// keeps the start and the processing bounds in int-typed properties, so
// start is microtime(true) cut to whole seconds and processing is a
// difference of whole seconds, while finish and duration keep their
// fractions (the docs' examples: "start": 1773921687, "finish":
// 1773921688.071989, "processing": 1). date_start is date('c', start).
func (t timing) block(loc *time.Location) obj {
	st, fin := t.start.Unix(), unixFloat(t.finish)
	o := obj{
		{"start", st},
		{"finish", fin},
		{"duration", fin - float64(st)},
		{"processing", t.finish.Unix() - st},
		{"date_start", isoDate(time.Unix(st, 0), loc)},
		{"date_finish", isoDate(t.finish, loc)},
	}
	if t.withOperating {
		o = append(o, kv{"operating_reset_at", t.operatingReset.Unix()}, kv{"operating", t.operating.Seconds()})
	}
	return o
}

func unixFloat(t time.Time) float64 {
	return float64(t.Unix()) + float64(t.Nanosecond())/1e9
}

func isoDate(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("2006-01-02T15:04:05-07:00")
}

// encodeJSON writes v the way PHP's json_encode does with default flags:
// "/" is escaped and every non-ASCII character is written as \uXXXX.
func encodeJSON(v any) []byte {
	var b []byte
	return appendJSON(b, v)
}

func appendJSON(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case bool:
		return strconv.AppendBool(b, x)
	case string:
		return phpjson.AppendString(b, x)
	case Role:
		return phpjson.AppendString(b, string(x))
	case int:
		return strconv.AppendInt(b, int64(x), 10)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return append(b, '0')
		}
		return strconv.AppendFloat(b, x, 'f', -1, 64)
	case json.RawMessage:
		return append(b, x...)
	case obj:
		b = append(b, '{')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = phpjson.AppendString(b, e.k)
			b = append(b, ':')
			b = appendJSON(b, e.v)
		}
		return append(b, '}')
	case phpArr:
		list := true
		for i, e := range x {
			if e.k != strconv.Itoa(i) {
				list = false
				break
			}
		}
		if !list {
			return appendJSON(b, obj(x))
		}
		vals := make([]any, len(x))
		for i, e := range x {
			vals[i] = e.v
		}
		return appendJSON(b, vals)
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSON(b, e)
		}
		return append(b, ']')
	case []string:
		vals := make([]any, len(x))
		for i, e := range x {
			vals[i] = e
		}
		return appendJSON(b, vals)
	case []int:
		vals := make([]any, len(x))
		for i, e := range x {
			vals[i] = e
		}
		return appendJSON(b, vals)
	case []obj:
		vals := make([]any, len(x))
		for i, e := range x {
			vals[i] = e
		}
		return appendJSON(b, vals)
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		o := make(obj, 0, len(keys))
		for _, k := range keys {
			o = append(o, kv{k, x[k]})
		}
		return appendJSON(b, o)
	}
	panic(fmt.Sprintf("sonettest: cannot encode %T", v))
}
