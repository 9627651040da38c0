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
