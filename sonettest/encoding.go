package sonettest

import (
	"encoding/json"
	"net/http"
	"unicode/utf8"
)

// errWrongEncoding is what CRestServer::outputJson writes when
// Json::encode throws: a stored string that is not valid UTF-8 anywhere in
// the answer replaces the whole answer. No error was raised while the
// method ran, so the HTTP status stays 200 and there is no time block.
var errWrongEncoding = &apiError{http.StatusOK, "WRONG_ENCODING", "Wrong request encoding"}

// restJSON writes a success answer the way the REST server does, or the
// WRONG_ENCODING answer when it holds invalid UTF-8.
func restJSON(v any) answer {
	if !utf8Clean(v) {
		return errAnswer(errWrongEncoding)
	}
	return jsonAnswer(http.StatusOK, encodeJSON(v))
}

// utf8Clean reports whether every string (keys included) in an answer
// value is valid UTF-8, which json_encode needs.
func utf8Clean(v any) bool {
	switch x := v.(type) {
	case string:
		return utf8.ValidString(x)
	case json.RawMessage:
		return utf8.Valid(x)
	case obj:
		for _, e := range x {
			if !utf8.ValidString(e.k) || !utf8Clean(e.v) {
				return false
			}
		}
	case phpArr:
		return utf8Clean(obj(x))
	case []any:
		for _, e := range x {
			if !utf8Clean(e) {
				return false
			}
		}
	case []string:
		for _, e := range x {
			if !utf8.ValidString(e) {
				return false
			}
		}
	case []obj:
		for _, e := range x {
			if !utf8Clean(e) {
				return false
			}
		}
	case map[string]any:
		for k, e := range x {
			if !utf8.ValidString(k) || !utf8Clean(e) {
				return false
			}
		}
	}
	return true
}

// cutAtNUL is how a text field is stored: cut at its first NUL byte.
func cutAtNUL(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return s[:i]
		}
	}
	return s
}
