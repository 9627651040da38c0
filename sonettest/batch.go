package sonettest

import (
	"net/http"
	"strconv"
	"strings"
)

// maxBatch is the most commands one batch runs (CRestUtil::BATCH_MAX_LENGTH).
const maxBatch = 50

var (
	// errBatchLength is the per-command error of every command after the
	// 50th.
	errBatchLength = &apiError{http.StatusBadRequest, "ERROR_BATCH_LENGTH_EXCEEDED", "Max batch length exceeded"}
	// errBatchMethod is the per-command error of a method refused in batch.
	errBatchMethod = &apiError{http.StatusMethodNotAllowed, "ERROR_BATCH_METHOD_NOT_ALLOWED", "Method is not allowed for batch usage"}
)

// cmdResult is what one batch command produced.
type cmdResult struct {
	res any
	pg  *page
	e   *apiError
	tm  timing
}

// runBatch is CRestProvider::methodsBatch: the keys cmd and halt in any
// case; every command in order; after the 50th, each further command is
// ERROR_BATCH_LENGTH_EXCEEDED in result_error without running. A cmd entry
// that is not a string (an array, or a JSON number, bool or null) is
// skipped; it still counts towards the 50. With
// halt (PHP's bool cast: "", "0" and an empty array are false) the first
// error ends the batch.
func (s *Server) runBatch(c *call) answer {
	var cmd, haltNode *pnode
	for _, k := range c.p.keys { // array_change_key_case: the last spelling wins
		switch asciiUpper(k) {
		case "CMD":
			cmd = c.p.kids[k]
		case "HALT":
			haltNode = c.p.kids[k]
		}
	}
	halt := phpBool(haltNode)
	refs := newBatchRefs()
	var results, errs, totals, nexts, times phpArr
	if cmd != nil && cmd.isArr {
		for i, key := range cmd.keys {
			var r cmdResult
			switch v := cmd.kids[key]; {
			case i >= maxBatch:
				r.e = errBatchLength
			case v.isArr || v.nonStr:
				continue
			default:
				r = s.runCommand(c, v.str, refs)
			}
			if r.e != nil {
				e := obj{{"error", r.e.errorCode()}, {"error_description", r.e.desc}}
				errs = append(errs, kv{key, e})
				refs["error"].set(key, toRval(e))
				if halt {
					break
				}
				continue
			}
			results = append(results, kv{key, r.res})
			refs["result"].set(key, toRval(r.res))
			if r.pg != nil && r.pg.hasTotal {
				totals = append(totals, kv{key, r.pg.total})
				refs["total"].set(key, toRval(r.pg.total))
			}
			if r.pg != nil && r.pg.hasNext {
				nexts = append(nexts, kv{key, r.pg.next})
				refs["next"].set(key, toRval(r.pg.next))
			}
			tb := r.tm.block(s.cfg.loc)
			times = append(times, kv{key, tb})
			refs["time"].set(key, toRval(tb))
		}
	}
	o := obj{
		{"result", obj{
			{"result", results}, {"result_error", errs}, {"result_total", totals},
			{"result_next", nexts}, {"result_time", times},
		}},
		{"time", s.timeBlock(c, true).block(s.cfg.loc)},
	}
	if !utf8Clean(o) {
		return errAnswer(errWrongEncoding)
	}
	return jsonAnswer(http.StatusOK, encodeJSON(o))
}

// runCommand runs one batch command as the portal does: the method is the
// path of parse_url as written (a ".json" suffix or a leading space make it
// unknown), looked up in lower case; the query is parsed with parse_str and
// its values take the references to earlier commands; download, upload
// and batch itself are refused with ERROR_BATCH_METHOD_NOT_ALLOWED. The
// auth parameters of the batch call are the command's, whatever it says.
func (s *Server) runCommand(c *call, command string, refs batchRefs) cmdResult {
	path, query := splitCommand(command)
	p := newArr()
	parseForm(query, p)
	refs.substitute(p)
	dropKey(p, "auth")
	dropKey(p, "access_token")
	sub := &call{s: s, user: c.user, admin: c.admin, cred: c.cred, method: strings.ToLower(path), p: p, now: c.now}
	if path == "download" || path == "upload" || sub.method == "batch" {
		return cmdResult{e: errBatchMethod}
	}
	h := methods[sub.method]
	if h == nil {
		return cmdResult{e: errMethodNotFound}
	}
	res, pg, e := s.invoke(sub, h)
	return cmdResult{res: res, pg: pg, e: e, tm: s.timeBlock(sub, true)}
}

// splitCommand is what parse_url gives methodsBatch for the simple forms a
// command takes: the path up to '?' or '#', the query between '?' and '#'.
// parse_url's scheme and host forms ("x:y", "//host/...") are not modelled.
func splitCommand(command string) (path, query string) {
	command, _, _ = strings.Cut(command, "#")
	path, query, _ = strings.Cut(command, "?")
	return path, query
}

// phpBool is PHP's (bool) cast of a parameter; a missing one is false.
func phpBool(n *pnode) bool {
	if n == nil {
		return false
	}
	if n.isArr {
		return len(n.keys) > 0
	}
	if n.nonStr && n.str != "" {
		// A JSON number is an int or a float to PHP: true unless zero.
		f, err := strconv.ParseFloat(n.str, 64)
		return err != nil || f != 0
	}
	return n.str != "" && n.str != "0"
}

// asciiUpper upper-cases ASCII letters only, as array_change_key_case does.
func asciiUpper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}
