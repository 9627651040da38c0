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

// stok is a search token: an operator (& | ~ ( )) or, with op 0, a word.
type stok struct {
	op   byte
	word string
}

type searchParser struct {
	toks []stok
	i    int
	text string
}

// peek returns the next operator, 'w' for a word and 0 at the end.
func (p *searchParser) peek() byte {
	if p.i >= len(p.toks) {
		return 0
	}
	if p.toks[p.i].op == 0 {
		return 'w'
	}
	return p.toks[p.i].op
}

func (p *searchParser) or() bool {
	v := p.and()
	for p.peek() == '|' {
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
		if t == '&' {
			p.i++
		} else if t == 0 || t == '|' || t == ')' {
			return v
		}
		w := p.not()
		v = v && w
	}
}

func (p *searchParser) not() bool {
	switch p.peek() {
	case '~':
		p.i++
		return !p.not()
	case '(':
		p.i++
		v := p.or()
		if p.peek() == ')' {
			p.i++
		}
		return v
	case 'w':
		w := p.toks[p.i].word
		p.i++
		return strings.Contains(p.text, strings.ToLower(w))
	case 0:
		return true
	}
	// A missing operand (e.g. "a &" or "()") is skipped.
	p.i++
	return true
}

// searchTokens splits a query into words (quoted text is one word) and
// the operators & | ~ ( ); the words and, or, not are operators.
func searchTokens(q string) []stok {
	var toks []stok
	word := func(w string) {
		switch strings.ToLower(w) {
		case "and":
			toks = append(toks, stok{op: '&'})
		case "or":
			toks = append(toks, stok{op: '|'})
		case "not":
			toks = append(toks, stok{op: '~'})
		default:
			toks = append(toks, stok{word: w})
		}
	}
	for i := 0; i < len(q); {
		c := q[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case strings.IndexByte("&|~()", c) >= 0:
			toks = append(toks, stok{op: c})
			i++
		case c == '"':
			j := strings.IndexByte(q[i+1:], '"')
			if j < 0 {
				j = len(q) - i - 1
			}
			if w := q[i+1 : i+1+j]; w != "" {
				toks = append(toks, stok{word: w})
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
