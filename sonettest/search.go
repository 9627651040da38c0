package sonettest

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// searchMatch applies a "?" filter value to text the way GetFilterQuery
// (main's CFilterQuery) builds its SQL:
//
//   - "quoted" and 'quoted' text is one word;
//   - a space or + between words is AND, & is AND, | is OR, ~ negates the
//     next word or group, parentheses group; AND binds tighter than OR.
//     The words "and", "or", "not" are plain words (that query language is
//     the search module's, not this one);
//   - each word is upper(field) LIKE upper('%word%') (% and _ in the word
//     are wildcards, the word is cut to 100 characters);
//   - a query the normaliser cannot fix (unbalanced parentheses, two words
//     separated by a tab or newline rather than a space, nothing left)
//     becomes the condition "0": it matches nothing.
func searchMatch(text, query string) bool {
	toks, ok := searchCompile(query)
	if !ok {
		return false
	}
	e := &searchEval{toks: toks, text: strings.ToLower(text)}
	return e.or()
}

type searchEval struct {
	toks []string
	i    int
	text string
}

func (e *searchEval) next() string {
	if e.i >= len(e.toks) {
		return ""
	}
	return e.toks[e.i]
}

func (e *searchEval) or() bool {
	v := e.and()
	for e.next() == "OR" {
		e.i++
		w := e.and()
		v = v || w
	}
	return v
}

func (e *searchEval) and() bool {
	v := e.not()
	for e.next() == "AND" {
		e.i++
		w := e.not()
		v = v && w
	}
	return v
}

func (e *searchEval) not() bool {
	t := e.next()
	e.i++
	switch t {
	case "NOT":
		return !e.not()
	case "(":
		v := e.or()
		e.i++ // ")": searchCompile checked the balance
		return v
	}
	if !strings.HasPrefix(t, "w") {
		return false // unreachable: searchCompile checked the grammar
	}
	w := t[1:] // a word, prefixed with "w"
	if utf8.RuneCountInString(w) > 100 {
		w = string([]rune(w)[:100])
	}
	return likeMatch(e.text, "%"+strings.ToLower(w)+"%")
}

type searchRule struct {
	re  *regexp.Regexp
	rep string
}

func rules(pairs ...string) []searchRule {
	out := make([]searchRule, 0, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, searchRule{regexp.MustCompile(pairs[i]), pairs[i+1]})
	}
	return out
}

// searchNormalise is CFilterQuery::ParseStr with its default operator &:
// the rewrites that turn spaces and + into &, put & between a word or
// group and a following ~ or group, and drop operators with no operand.
var searchNormalise = rules(
	` *\+ *`, "&",
	` *([()|~]) *`, "$1",
	`( +|&\|+|\|&+)`, "&",
	`\|+`, "|", `&+`, "&", `~+`, "~", `\|&\|`, "&", `[|&~]+$`, "", `^[|&]+`, "",
	`([^&~|()]+)~([^&~|()]+)`, "${1}&~${2}",
	`\)~+`, ")&~",
	`~+\(`, "&~(",
	`\)([^&~|()]+)`, ")&${1}",
	`([^&~|()]+)\(`, "${1}&(",
	`\) *\(`, ")&(",
	`\|+`, "|", `&+`, "&",
	`\(&+`, "(", `&+\)`, ")", `~+\)`, ")", `\(\|+`, "(", `\|+\)`, ")", `~+&+`, "&", `~+\|+`, "|",
	`\(\)`, "", `^[|&]+`, "", `[|&~]+$`, "", `\|&`, "&", `&\|`, "|",
	`\|+`, "|", `&+`, "&",
)

var (
	searchQuoted = []*regexp.Regexp{regexp.MustCompile(`"([^"]*)"`), regexp.MustCompile(`'([^']*)'`)}
	searchSpaces = regexp.MustCompile(`[ \t\n\v\f\r]+`)
)

// searchCompile turns a query into tokens ("AND", "OR", "NOT", "(", ")" and
// words prefixed with "w") the way CFilterQuery::GetQueryString does, or
// reports that it would give up.
func searchCompile(q string) ([]string, bool) {
	kav := map[string]string{}
	for k, re := range searchQuoted { // CutKav: "..." then '...'
		for n := 0; n <= 100; n++ {
			m := re.FindStringSubmatch(q)
			if m == nil {
				break
			}
			rep := " "
			if phpTrim(m[1]) != "" {
				rep = strconv.Itoa(n) + "cut" + strconv.Itoa(5+k)
				kav[rep] = m[1]
				rep = " " + rep + " "
			}
			q = strings.ReplaceAll(q, m[0], rep)
		}
	}
	q = phpTrim(q) // ParseQ, then ParseStr
	if q == "" {
		return nil, false
	}
	for _, r := range searchNormalise {
		q = r.re.ReplaceAllString(q, r.rep)
	}
	q = strings.NewReplacer("&", " && ", "|", " || ", "~", " ! ", "(", " ( ", ")", " ) ").Replace(q)
	q = searchSpaces.ReplaceAllString("( "+q+" )", " ")
	// PrepareQuery: a word or group must follow an operator, an operator
	// must follow a word or group.
	var out []string
	operand, depth := true, 0
	for _, t := range strings.Split(q, " ") { // strtok($q, " ")
		if t == "" {
			continue
		}
		switch {
		case operand && (t == "||" || t == "&&" || t == ")"):
			return nil, false
		case operand && t == "!":
			out = append(out, "NOT")
		case operand && t == "(":
			depth++
			out = append(out, "(")
		case operand:
			if w, ok := kav[t]; ok {
				t = w
			}
			out = append(out, "w"+t)
			operand = false
		case t == "||" || t == "&&":
			out = append(out, map[string]string{"||": "OR", "&&": "AND"}[t])
			operand = true
		case t == ")":
			if depth--; depth < 0 {
				return nil, false // invalid SQL on a real portal
			}
			out = append(out, ")")
		default:
			return nil, false
		}
	}
	if depth != 0 || operand {
		return nil, false
	}
	return out, true
}
