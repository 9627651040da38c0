package sonettest

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"strconv"
	"strings"
)

// maxNesting mirrors PHP's default max_input_nesting_level: a variable
// nested deeper than this is dropped as a whole.
const maxNesting = 64

// pnode is one value of a parsed request, modelled on a PHP array: either a
// string leaf or an ordered map whose keys are strings (integer-looking keys
// are canonical decimal strings).
type pnode struct {
	str     string
	isArr   bool
	keys    []string
	kids    map[string]*pnode
	next    int64 // next free integer key, valid when hasNext
	hasNext bool
	full    bool // the integer key space is exhausted; appends fail
	nonStr  bool // a JSON number, true, false or null: not a PHP string
}

func newArr() *pnode { return &pnode{isArr: true, kids: map[string]*pnode{}} }

func leaf(s string) *pnode { return &pnode{str: s} }

// get returns the child at key, or nil.
func (n *pnode) get(key string) *pnode {
	if n == nil || !n.isArr {
		return nil
	}
	return n.kids[key]
}

// set stores child at key, keeping the position of an existing key.
func (n *pnode) set(key string, child *pnode) {
	if _, ok := n.kids[key]; !ok {
		n.keys = append(n.keys, key)
	}
	n.kids[key] = child
	if k, ok := phpIntKey(key); ok {
		switch {
		case k == math.MaxInt64:
			n.full = true
		case !n.hasNext || k >= n.next:
			n.next, n.hasNext = k+1, true
		}
	}
}

// appendKey returns the key an append ([]) would use, or false when PHP
// would refuse the append.
func (n *pnode) appendKey() (string, bool) {
	if n.full {
		return "", false
	}
	if !n.hasNext {
		return "0", true
	}
	return strconv.FormatInt(n.next, 10), true
}

// len returns the number of keys of an array node.
func (n *pnode) len() int {
	if n == nil || !n.isArr {
		return 0
	}
	return len(n.keys)
}

// list returns the children in key order (nil for a leaf).
func (n *pnode) list() []*pnode {
	if n == nil || !n.isArr {
		return nil
	}
	out := make([]*pnode, 0, len(n.keys))
	for _, k := range n.keys {
		out = append(out, n.kids[k])
	}
	return out
}

// toAny converts the node to the public representation: map[string]any with
// string leaves.
func (n *pnode) toAny() any {
	if n == nil {
		return nil
	}
	if !n.isArr {
		return n.str
	}
	m := make(map[string]any, len(n.keys))
	for _, k := range n.keys {
		m[k] = n.kids[k].toAny()
	}
	return m
}

// clone returns a deep copy.
func (n *pnode) clone() *pnode {
	if n == nil {
		return nil
	}
	c := *n
	if n.isArr {
		c.keys = append([]string(nil), n.keys...)
		c.kids = make(map[string]*pnode, len(n.kids))
		for k, v := range n.kids {
			c.kids[k] = v.clone()
		}
	}
	return &c
}

// phpIntKey reports whether PHP would turn the array key s into an integer.
func phpIntKey(s string) (int64, bool) {
	if s == "" || len(s) > 20 {
		return 0, false
	}
	digits := s
	if s[0] == '-' {
		digits = s[1:]
	}
	if digits == "" || (digits[0] == '0' && (len(digits) > 1 || s[0] == '-')) {
		return 0, false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return 0, false
		}
	}
	v, err := strconv.ParseInt(s, 10, 64)
	return v, err == nil
}

// phpURLDecode decodes like PHP's urldecode: '+' is a space, a valid %XX is
// a byte and anything else is kept as it is.
func phpURLDecode(s string) string {
	if !strings.ContainsAny(s, "+%") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '+':
			b = append(b, ' ')
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// parseForm adds the pairs of a query string or urlencoded body to root,
// following PHP's parse_str.
func parseForm(s string, root *pnode) {
	for _, piece := range strings.Split(s, "&") {
		if piece == "" {
			continue
		}
		name, value, _ := strings.Cut(piece, "=")
		registerVar(root, phpURLDecode(name), phpURLDecode(value))
	}
}

// registerVar stores value under the bracketed name, as PHP's
// php_register_variable_ex does.
func registerVar(root *pnode, name, value string) {
	if i := strings.IndexByte(name, 0); i >= 0 {
		name = name[:i]
	}
	name = strings.TrimLeft(name, " ")
	// The base name: spaces and dots become '_' up to the first '['.
	var base []byte
	rest, isArr := "", false
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c == '[' {
			rest, isArr = name[i+1:], true
			break
		}
		if c == ' ' || c == '.' {
			c = '_'
		}
		base = append(base, c)
	}
	if len(base) == 0 {
		return
	}
	if isArr && !strings.Contains(rest, "]") {
		// An unterminated first bracket is no index at all.
		b := append(base, '_')
		for i := 0; i < len(rest); i++ {
			c := rest[i]
			if c == ' ' || c == '.' || c == '[' {
				c = '_'
			}
			b = append(b, c)
		}
		root.set(string(b), leaf(value))
		return
	}
	if !isArr {
		root.set(string(base), leaf(value))
		return
	}
	// Collect the indexes; "" means append.
	var idx []string
	for {
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			break // unterminated later bracket: the rest is ignored
		}
		idx = append(idx, rest[:end])
		rest = rest[end+1:]
		if len(idx) > maxNesting {
			return
		}
		if rest == "" || rest[0] != '[' {
			break
		}
		rest = rest[1:]
	}
	cur, key := root, string(base)
	for _, ix := range idx {
		child := cur.get(key)
		if child == nil || !child.isArr {
			child = newArr()
			cur.set(key, child)
		}
		cur = child
		if ix == "" {
			k, ok := cur.appendKey()
			if !ok {
				return
			}
			key = k
		} else {
			key = ix
		}
	}
	cur.set(key, leaf(value))
}

// parseJSON reads a JSON document into a node, keeping object key order.
// Numbers keep their text, true becomes "1", false and null become "" (the
// strings PHP would give when casting them).
func parseJSON(data []byte) (*pnode, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	n, err := readJSONValue(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errTrailingJSON
	}
	return n, nil
}

type parseError string

func (e parseError) Error() string { return string(e) }

const (
	errTrailingJSON = parseError("trailing data after JSON value")
	errDeepJSON     = parseError("JSON nested too deeply")
)

func readJSONValue(dec *json.Decoder, depth int) (*pnode, error) {
	if depth > 512 {
		return nil, errDeepJSON
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		arr := newArr()
		i := 0
		for dec.More() {
			var key string
			if t == '{' {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key, _ = kt.(string)
			} else {
				key = strconv.Itoa(i)
				i++
			}
			v, err := readJSONValue(dec, depth+1)
			if err != nil {
				return nil, err
			}
			arr.set(key, v)
		}
		if _, err := dec.Token(); err != nil {
			return nil, err
		}
		return arr, nil
	case string:
		return leaf(t), nil
	case json.Number:
		return &pnode{str: t.String(), nonStr: true}, nil
	case bool:
		if t {
			return &pnode{str: "1", nonStr: true}, nil
		}
		return &pnode{nonStr: true}, nil
	}
	return &pnode{nonStr: true}, nil // null
}

// merge copies the top-level keys of src over dst (PHP array_merge of two
// string-keyed arrays).
func merge(dst, src *pnode) {
	if src == nil || !src.isArr {
		return
	}
	for _, k := range src.keys {
		dst.set(k, src.kids[k])
	}
}
