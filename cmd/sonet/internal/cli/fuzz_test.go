package cli

import (
	"strings"
	"testing"
)

// FuzzParseState: no input panics the desired-state reader; whatever it
// accepts has a name on every group and valid roles.
func FuzzParseState(f *testing.F) {
	f.Add([]byte(changedState))
	f.Add([]byte(`{"name":"A","members":[{"user_id":1,"role":"owner"}]}` + "\n" + `{"name":"B"}` + "\n"))
	f.Add([]byte(`[{"name":"A","visible":"Y"}]`))
	f.Add([]byte("id,name,description,visible,members\n1,A,x,true,1:owner 2:member\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		specs, err := parseState("f", data)
		if err != nil {
			return
		}
		for _, s := range specs {
			if s.Name == "" {
				t.Fatalf("a group without a name was accepted")
			}
			if s.Members != nil {
				for _, m := range *s.Members {
					if m.UserID <= 0 || (m.Role != "A" && m.Role != "E" && m.Role != "K") {
						t.Fatalf("bad member accepted: %+v", m)
					}
				}
			}
		}
	})
}

// FuzzFlattenJSON: no input panics the -d reader.
func FuzzFlattenJSON(f *testing.F) {
	f.Add([]byte(`{"NAME":"Q3","FILTER":{"%NAME":"x","><ID":[1,2]},"N":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = flattenJSON(data)
	})
}

// FuzzCSVEscape: the CSV escaping reverses exactly, and what it writes never
// starts with a character a spreadsheet reads as a formula.
func FuzzCSVEscape(f *testing.F) {
	for _, s := range []string{"=1+2", "-x", "@a", "'quoted", "''", "\tx", "\rx", "+", "Sales", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e := csvEscape(s)
		if got := csvUnescape(e); got != s {
			t.Fatalf("csvUnescape(csvEscape(%q)) = %q", s, got)
		}
		if e != "" && strings.IndexByte("=+-@\t\r", e[0]) >= 0 {
			t.Fatalf("csvEscape(%q) = %q starts with a formula character", s, e)
		}
	})
}
