package cli

import (
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
