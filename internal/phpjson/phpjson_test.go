package phpjson

import "testing"

func TestMarshalLikePHP(t *testing.T) {
	type row struct {
		Name string `json:"NAME"`
		URL  string `json:"URL"`
		Nil  *int   `json:"NIL"`
	}
	got, err := Marshal(row{Name: "Café <b>&\"\\ 😀", URL: "https://p.example/a/b"})
	if err != nil {
		t.Fatal(err)
	}
	// php -r 'echo json_encode(["NAME"=>"Café <b>&\"\\ 😀","URL"=>"https://p.example/a/b","NIL"=>null]);'
	want := `{"NAME":"Caf\u00e9 <b>&\"\\ \ud83d\ude00","URL":"https:\/\/p.example\/a\/b","NIL":null}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestAppendStringLikePHP(t *testing.T) {
	s := "Café \x01\t\n\r\b\f/\"\\ 😀"
	// php -r 'echo json_encode("Caf\u{e9} \x01\t\n\r\x08\x0c/\"\\ \u{1F600}");'
	want := `"Caf\u00e9 \u0001\t\n\r\b\f\/\"\\ \ud83d\ude00"`
	if got := string(AppendString([]byte("x"), s)); got != "x"+want {
		t.Errorf("got  %s\nwant x%s", got, want)
	}
}

// sonettest writes strings with AppendString and sonetmock with Marshal: the
// two must give the same bytes for every string, invalid UTF-8 included.
func TestAppendStringAndMarshalAgree(t *testing.T) {
	for _, s := range []string{"", "plain", "a/b", "<&>", "\x00\x1f\x7f", "Café", "😀 Launch", "\xff\xfe bad", "\u2028\u2029", "tab\tquote\"back\\"} {
		m, err := Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if a := AppendString(nil, s); string(a) != string(m) {
			t.Errorf("%q: AppendString %s, Marshal %s", s, a, m)
		}
	}
}
