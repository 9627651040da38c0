package sonettest

import (
	"net/http"
	"regexp"
	"strings"
)

// maxBatch is the most commands one batch may carry.
const maxBatch = 50

var refPattern = regexp.MustCompile(`\$result\[([^\]]+)\]((?:\[[^\]]*\])*)`)

// truthy is PHP's boolean cast of a string.
func truthy(s string) bool { return s != "" && s != "0" }

type batchCmd struct {
	key, method, query string
}

// runBatch executes cmd in order. Whole-call errors: more than 50 commands
// (400 ERROR_BATCH_LENGTH_EXCEEDED) and a nested batch (405
// ERROR_BATCH_METHOD_NOT_ALLOWED); in both cases no command runs.
func (s *Server) runBatch(c *call) answer {
	var cmds []batchCmd
	if n := c.p.get("cmd"); n != nil && n.isArr {
		if n.len() > maxBatch {
			return errAnswer(errBatchLength)
		}
		for _, k := range n.keys {
			m, q, _ := strings.Cut(leafStr(n.kids[k]), "?")
			m = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(m), ".json"))
			if m == "batch" {
				return errAnswer(errBatchMethod)
			}
			cmds = append(cmds, batchCmd{k, m, q})
		}
	}
	halt := truthy(leafStr(c.p.get("halt")))
	var results, errs, totals, nexts, times phpArr
	done := map[string]*pnode{}
	for _, bc := range cmds {
		p := newArr()
		parseForm(bc.query, p)
		delete(p.kids, "auth")
		substituteRefs(p, done)
		sub := &call{s: s, user: c.user, admin: c.admin, cred: c.cred, method: bc.method, p: p, now: c.now}
		var (
			res any
			pg  *page
			e   *apiError
		)
		if h := methods[bc.method]; h == nil {
			e = errMethodNotFound
		} else {
			res, pg, e = s.invoke(sub, h)
		}
		if e != nil {
			errs = append(errs, kv{bc.key, obj{{"error", e.errorCode()}, {"error_description", e.desc}}})
			if halt {
				break
			}
			continue
		}
		results = append(results, kv{bc.key, res})
		if n, err := parseJSON(encodeJSON(res)); err == nil {
			done[bc.key] = n
		}
		if pg != nil && pg.hasTotal {
			totals = append(totals, kv{bc.key, pg.total})
		}
		if pg != nil && pg.hasNext {
			nexts = append(nexts, kv{bc.key, pg.next})
		}
		times = append(times, kv{bc.key, s.timeBlock(sub, false).block(s.cfg.loc)})
	}
	o := obj{
		{"result", obj{
			{"result", results}, {"result_error", errs}, {"result_total", totals},
			{"result_next", nexts}, {"result_time", times},
		}},
		{"time", s.timeBlock(c, true).block(s.cfg.loc)},
	}
	return jsonAnswer(http.StatusOK, encodeJSON(o))
}

// substituteRefs replaces $result[KEY][...] references in every leaf. A
// leaf that is exactly one reference to a list or object becomes that
// structure; other references become the referenced scalar's text. A
// reference to a failed or unknown command, or to a missing path, stays as
// literal text.
func substituteRefs(n *pnode, done map[string]*pnode) {
	for _, k := range n.keys {
		child := n.kids[k]
		if child.isArr {
			substituteRefs(child, done)
			continue
		}
		if !strings.Contains(child.str, "$result[") {
			continue
		}
		if m := refPattern.FindStringSubmatchIndex(child.str); m != nil && m[0] == 0 && m[1] == len(child.str) {
			if v := resolveRef(child.str, done); v != nil && v.isArr {
				n.kids[k] = v.clone()
				continue
			}
		}
		child.str = refPattern.ReplaceAllStringFunc(child.str, func(ref string) string {
			if v := resolveRef(ref, done); v != nil && !v.isArr {
				return v.str
			}
			return ref
		})
	}
}

func resolveRef(ref string, done map[string]*pnode) *pnode {
	m := refPattern.FindStringSubmatch(ref)
	if m == nil {
		return nil
	}
	cur := done[m[1]]
	rest := m[2]
	for cur != nil && rest != "" {
		end := strings.IndexByte(rest, ']')
		cur = cur.get(rest[1:end])
		rest = rest[end+1:]
	}
	return cur
}
