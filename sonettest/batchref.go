package sonettest

import (
	"bytes"
	"encoding/json"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// This file models CRestUtil::ParseBatchQuery / processBatchElement: how a
// batch command's parameters take values from the commands before it.

// rkind is the PHP type of a value in the batch's result sections.
type rkind uint8

const (
	rNull rkind = iota
	rBool
	rInt
	rFloat
	rStr
	rArr
)

// rval is a PHP value as a command produced it (result, next, total, time,
// error), typed so that the walk can follow PHP's isset and casts.
type rval struct {
	kind rkind
	s    string // rStr text, rInt/rFloat JSON text
	b    bool
	keys []string
	kids map[string]*rval
}

func newRArr() *rval { return &rval{kind: rArr, kids: map[string]*rval{}} }

func (v *rval) set(key string, kid *rval) {
	if _, ok := v.kids[key]; !ok {
		v.keys = append(v.keys, key)
	}
	v.kids[key] = kid
}

// toRval reads a value the way json_decode would see what the handler
// returned: encodeJSON writes it, this reads it back with its types.
func toRval(x any) *rval {
	dec := json.NewDecoder(bytes.NewReader(encodeJSON(x)))
	dec.UseNumber()
	v, err := readRval(dec)
	if err != nil {
		return &rval{}
	}
	return v
}

func readRval(dec *json.Decoder) (*rval, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		arr, i := newRArr(), 0
		for dec.More() {
			key := strconv.Itoa(i)
			if t == '{' {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key, _ = kt.(string)
			}
			i++
			kid, err := readRval(dec)
			if err != nil {
				return nil, err
			}
			arr.set(key, kid)
		}
		_, err := dec.Token()
		return arr, err
	case string:
		return &rval{kind: rStr, s: t}, nil
	case json.Number:
		if strings.ContainsAny(t.String(), ".eE") {
			return &rval{kind: rFloat, s: t.String()}, nil
		}
		return &rval{kind: rInt, s: t.String()}, nil
	case bool:
		return &rval{kind: rBool, b: t}, nil
	}
	return &rval{}, nil
}

// phpString is PHP's (string) cast of a scalar; ok is false for arrays.
// Floats print with 14 significant digits (PHP's precision setting).
func (v *rval) phpString() (s string, ok bool) {
	switch v.kind {
	case rNull:
		return "", true
	case rBool:
		if v.b {
			return "1", true
		}
		return "", true
	case rInt, rStr:
		return v.s, true
	case rFloat:
		f, err := strconv.ParseFloat(v.s, 64)
		if err != nil {
			return v.s, true
		}
		return phpFloatString(f), true
	}
	return "", false
}

// phpFloatString formats f as PHP's (string) cast does with precision=14:
// %.14G, with PHP's exponent form ("1.0E+20", "6.1988830566406E-5").
func phpFloatString(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NAN"
	case math.IsInf(f, 1):
		return "INF"
	case math.IsInf(f, -1):
		return "-INF"
	}
	s := strconv.FormatFloat(f, 'g', 14, 64)
	mant, exp, found := strings.Cut(s, "e")
	if !found {
		return s
	}
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	sign := exp[0]
	exp = strings.TrimLeft(exp[1:], "0")
	return mant + "E" + string(sign) + exp
}

// toNode turns a substituted value into a request parameter: arrays keep
// their structure, scalars become the strings PHP would cast them to.
func (v *rval) toNode() *pnode {
	if v == nil {
		return leaf("")
	}
	if v.kind != rArr {
		s, _ := v.phpString()
		return leaf(s)
	}
	n := newArr()
	for _, k := range v.keys {
		n.set(k, v.kids[k].toNode())
	}
	return n
}

// isset follows one step of the walk: PHP's isset($r[$key]).
func (v *rval) isset(key string) (*rval, bool) {
	switch {
	case v == nil:
		return nil, false
	case v.kind == rArr:
		kid, ok := v.kids[key]
		if !ok || kid.kind == rNull {
			return nil, false
		}
		return kid, true
	case v.kind == rStr:
		// A string offset: an integer string, spaces and sign allowed,
		// counted from the end when negative.
		i, err := strconv.Atoi(strings.Trim(key, " \t\n\r\v\f"))
		if err != nil {
			return nil, false
		}
		if i < 0 {
			i += len(v.s)
		}
		if i < 0 || i >= len(v.s) {
			return nil, false
		}
		return &rval{kind: rStr, s: v.s[i : i+1]}, true
	}
	return nil, false
}

// batchRefs holds the sections of the batch answer so far, under the names
// references use: $result, $next, $total, $time and $error.
type batchRefs map[string]*rval

func newBatchRefs() batchRefs {
	return batchRefs{"result": newRArr(), "next": newRArr(), "total": newRArr(), "time": newRArr(), "error": newRArr()}
}

// refPattern is processBatchElement's expression: the keys of the answer
// sections, case-insensitive, and the rest of the value up to whitespace.
var refPattern = regexp.MustCompile(`(?i)\$(result|next|total|time|error)([^ \t\n\v\f\r]*)`)

var refPath = regexp.MustCompile(`\[([^\]]+)\]`)

// substitute applies the references in every value of a command's
// parameters (keys are left alone: after parse_str a key can hold no
// complete [...] pair, so the portal's key pass changes nothing).
func (r batchRefs) substitute(n *pnode) {
	for _, k := range n.keys {
		child := n.kids[k]
		if child.isArr {
			r.substitute(child)
			continue
		}
		if strings.IndexByte(child.str, '$') >= 0 {
			n.kids[k] = r.element(child.str)
		}
	}
}

// element is processBatchElement for one value. Each reference is walked
// key by key while isset holds; the walk stops at the last part it reached
// (the whole section when the command is unknown or failed, the whole row
// list when a row is missing). A value that is exactly one reference
// becomes that part, whatever its type; inside a longer value a number or
// string replaces every occurrence of the matched text (which runs to the
// next whitespace), anything else leaves the text as it is. The section
// name matches case-insensitively but is looked up as written, so
// $RESULT[...] finds nothing (null).
func (r batchRefs) element(q string) *pnode {
	for _, m := range refPattern.FindAllStringSubmatch(q, -1) {
		segs := refPath.FindAllStringSubmatch(m[2], -1)
		if len(segs) == 0 {
			continue
		}
		cur := r[m[1]]
		for _, sg := range segs {
			next, ok := cur.isset(sg[1])
			if !ok {
				break
			}
			cur = next
		}
		if m[0] == q {
			return cur.toNode()
		}
		if cur == nil {
			continue
		}
		if cur.kind != rInt && cur.kind != rFloat && cur.kind != rStr {
			continue
		}
		s, _ := cur.phpString()
		q = strings.ReplaceAll(q, m[0], s)
	}
	return leaf(q)
}
