package sonettest

import "strings"

// searchMatch applies a "?" filter value to text the way GetFilterQuery
// builds its SQL: words are substrings (LIKE '%word%', case-insensitive);
// a space, & or the word "and" joins with AND; | or "or" with OR (AND binds
// tighter); ~ or "not" negates the next word or group; parentheses group;
// "quoted text" is one word. An empty query adds no condition.
func searchMatch(text, query string) bool {
	p := &searchParser{toks: searchTokens(query), text: strings.ToLower(text)}
	if len(p.toks) == 0 {
		return true
	}
	return p.or()
}

type searchParser struct {
	toks []string
	i    int
	text string
}

func (p *searchParser) peek() string {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return ""
}

func (p *searchParser) or() bool {
	v := p.and()
	for p.peek() == "|" {
		p.i++
		w := p.and()
		v = v || w
	}
	return v
}

func (p *searchParser) and() bool {
	v := p.not()
	for {
		t := p.peek()
		if t == "&" {
			p.i++
		} else if t == "" || t == "|" || t == ")" {
			return v
		}
		w := p.not()
		v = v && w
	}
}

func (p *searchParser) not() bool {
	switch p.peek() {
	case "~":
		p.i++
		return !p.not()
	case "(":
		p.i++
		v := p.or()
		if p.peek() == ")" {
			p.i++
		}
		return v
	case "", "|", ")", "&":
		// A missing operand (e.g. "a &" or "()") is skipped.
		if p.peek() != "" {
			p.i++
		}
		return true
	}
	w := p.toks[p.i]
	p.i++
	return strings.Contains(p.text, strings.ToLower(strings.TrimPrefix(w, "\x00")))
}

// searchTokens splits a query into words (a quoted word is prefixed with
// NUL so that it is never read as an operator) and the operators & | ~ ( ).
func searchTokens(q string) []string {
	var toks []string
	word := func(w string) {
		switch strings.ToLower(w) {
		case "and":
			toks = append(toks, "&")
		case "or":
			toks = append(toks, "|")
		case "not":
			toks = append(toks, "~")
		default:
			toks = append(toks, w)
		}
	}
	for i := 0; i < len(q); {
		c := q[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case strings.IndexByte("&|~()", c) >= 0:
			toks = append(toks, string(c))
			i++
		case c == '"':
			j := strings.IndexByte(q[i+1:], '"')
			if j < 0 {
				j = len(q) - i - 1
			}
			if w := q[i+1 : i+1+j]; w != "" {
				toks = append(toks, "\x00"+w)
			}
			i += j + 2
		default:
			j := i
			for j < len(q) && strings.IndexByte(" \t\n\r&|~()\"", q[j]) < 0 {
				j++
			}
			word(q[i:j])
			i = j
		}
	}
	return toks
}
