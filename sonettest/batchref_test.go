package sonettest

import (
	"strings"
	"testing"
)

// The (string) casts were taken from php -r 'var_dump((string)$f);' (PHP 8.2).
func TestPHPFloatString(t *testing.T) {
	for f, want := range map[float64]string{
		1773925430.419962: "1773925430.42", 0.41996192932128906: "0.41996192932129", 6.198883056640625e-5: "6.1988830566406E-5",
		1e20: "1.0E+20", 0.1: "0.1", 1.5e-7: "1.5E-7", 123456789012345: "1.2345678901234E+14", 5: "5", -2.5: "-2.5",
	} {
		if got := phpFloatString(f); got != want {
			t.Errorf("%v: got %s, want %s", f, got, want)
		}
	}
}

func testRefs() batchRefs {
	r := newBatchRefs()
	r["result"].set("list", toRval([]obj{{{"ID", "1"}, {"NAME", "Alpha"}}, {{"ID", "2"}, {"NAME", "Beta"}}}))
	r["result"].set("mk", toRval(7))
	r["result"].set("nul", toRval(nil))
	r["result"].set("flag", toRval(true))
	r["error"].set("bad", toRval(obj{{"error", ""}, {"error_description", "x"}}))
	r["time"].set("list", toRval(obj{{"start", 1773925287}, {"finish", 1773925287.419962}, {"duration", 0.41996192932128906}}))
	return r
}

// processBatchElement walks a reference while isset holds and stops at the
// part it reached; a value that is exactly the reference takes that part,
// a longer value takes it only when it is a number or a string.
func TestBatchReferenceWalk(t *testing.T) {
	rows := `[{"ID":"1","NAME":"Alpha"},{"ID":"2","NAME":"Beta"}]`
	section := `{"list":` + rows + `,"mk":"7","nul":"","flag":"1"}`
	r := testRefs()
	for in, want := range map[string]string{
		"$result[list][5][ID]":                       rows,    // a missing row: the whole row list
		"$result[nope][ID]":                          section, // an unknown or failed command: the whole section
		"$result[nul]":                               section, // isset is false for null
		"x$result[list][5][ID]":                      `"x$result[list][5][ID]"`,
		"$result[list][1][NAME],tail":                `"Beta"`, // the match runs to whitespace and is replaced whole
		"a $result[list][1][NAME],tail b":            `"a Beta b"`,
		"$result[list][0][NAME][9]":                  `"Alpha"`, // past the end of a string
		"$result[list][0][NAME][-1]":                 `"a"`,     // a string offset from the end
		"v=$result[mk]":                              `"v=7"`,
		"v=$result[flag]":                            `"v=$result[flag]"`, // a bool is not put into text
		"$result[flag]":                              `"1"`,
		"f=$time[list][finish] s=$time[list][start]": `"f=1773925287.42 s=1773925287"`,
		"d=$time[list][duration]":                    `"d=0.41996192932129"`,
		"$error[bad][error_description]":             `"x"`,
		"$ERROR[bad][error_description]":             `""`, // matched in any case, looked up as written: null
		"a $Result[list][0][ID]":                     `"a $Result[list][0][ID]"`,
		"$result":                                    `"$result"`,
		"$result[]":                                  `"$result[]"`,
		"$result[list][0][ID] $result[list][1][ID]":  `"1 2"`,
		"$result[list][0][ID]$result[list][1][ID]":   `"1"`, // one match: the walk stops at "1"
	} {
		if got := nodeJSON(r.element(in)); got != want {
			t.Errorf("%s: got %s, want %s", in, got, want)
		}
	}
	p := newArr()
	parseForm("FILTER[%3EID]=$result[list][49][ID]&FILTER[NAME]=$result[list][0][NAME]&ID=$result[mk]", p)
	r.substitute(p)
	if got := nodeJSON(p); got != `{"FILTER":{">ID":`+rows+`,"NAME":"Alpha"},"ID":"7"}` {
		t.Errorf("substitute: %s", got)
	}
}

// Any parameter value and any answer body: substitution and the XML
// rendering never panic, and a value without '$' is left as it is.
func FuzzBatchElement(f *testing.F) {
	for _, s := range []string{"$result[list][0][NAME][1]", "$time[list][finish]x $error[bad]", "$result[list][-9]",
		"$RESULT[", "a$result[]b$next[$total[x]]", "$result[list][0][ID]$result[nul][0]"} {
		f.Add(s, []byte(`{"result":[{"a":1.5e300,"b":[true,null]}],"time":{"0":"&<>"}}`))
	}
	r := testRefs()
	f.Fuzz(func(t *testing.T, q string, body []byte) {
		n := r.element(q)
		if !strings.Contains(q, "$") && (n.isArr || n.str != q) {
			t.Errorf("%q changed to %s", q, nodeJSON(n))
		}
		xmlAnswer(jsonAnswer(200, body))
	})
}
