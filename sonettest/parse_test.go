package sonettest

import (
	"testing"
)

// nodeJSON renders a parsed node the way PHP's json_encode renders the
// array parse_str produced, so results compare byte for byte with PHP.
func nodeJSON(n *pnode) string { return string(encodeJSON(nodeValue(n))) }

func nodeValue(n *pnode) any {
	if !n.isArr {
		return n.str
	}
	a := phpArr{}
	for _, k := range n.keys {
		a = append(a, kv{k, nodeValue(n.kids[k])})
	}
	return a
}

// The expected values were produced with PHP 8.2:
// php -r 'parse_str($argv[1],$o); echo json_encode($o);' -- QUERY
func TestParseFormMatchesPHP(t *testing.T) {
	cases := []struct{ in, want string }{
		{"a[ b]=1", `{"a":{" b":"1"}}`},
		{"a[b][c=1", `{"a":{"b":"1"}}`},
		{"a[b=1", `{"a_b":"1"}`},
		{"a b.c[x.y]=1", `{"a_b_c":{"x.y":"1"}}`},
		{" a=1", `{"a":"1"}`},
		{"a[b]x[c]=1", `{"a":{"b":"1"}}`},
		{"a[]=1&a[]=2&a[5]=3&a[]=4", `{"a":{"0":"1","1":"2","5":"3","6":"4"}}`},
		{"a[-5]=1&a[]=2", `{"a":{"-5":"1","-4":"2"}}`},
		{"a=1&a[x]=2", `{"a":{"x":"2"}}`},
		{"a[x]=2&a=1", `{"a":"1"}`},
		{"a[x]=1&a[y]=2&a[x]=3", `{"a":{"x":"3","y":"2"}}`},
		{"FILTER[%NAME]=Pro&FILTER[%25NAME]=x", `{"FILTER":{"%NAME":"x"}}`},
		{"a[01]=1&a[1]=2&a[]=3", `{"a":{"01":"1","1":"2","2":"3"}}`},
		{"a%00b=1&c[d%00e]=2", `{"a":"1","c_d":"2"}`},
		{"=1&a", `{"a":""}`},
		{"a[b]]=1", `{"a":{"b":"1"}}`},
		{"a[[b]=1", `{"a":{"[b":"1"}}`},
		{"a][=1", `{"a]_":"1"}`},
		{"a.b[c.d][e.f]=1", `{"a_b":{"c.d":{"e.f":"1"}}}`},
		{"x=%zz%4", `{"x":"%zz%4"}`},
		{"[a]=1", `[]`},
		{"a[b", `{"a_b":""}`},
		{"a[]b=1", `{"a":["1"]}`},
		{"a[b.c d[e=1", `{"a_b_c_d_e":"1"}`},
		{"+a+b=1", `{"a_b":"1"}`},
		{"a[b][]=1&a[b][]=2", `{"a":{"b":["1","2"]}}`},
		{"a[x]=1&a[]=2", `{"a":{"x":"1","0":"2"}}`},
		{"a[9223372036854775807]=1&a[]=2", `{"a":{"9223372036854775807":"1"}}`},
		{"a[1]=x&a[1][2]=y", `{"a":{"1":{"2":"y"}}}`},
		{"&&a=1&&", `{"a":"1"}`},
		{"a=1=2", `{"a":"1=2"}`},
		{"a[=1", `{"a_":"1"}`},
		{"a%5Bb%5D=1", `{"a":{"b":"1"}}`},
		{"a+[b]=1", `{"a_":{"b":"1"}}`},
		{"SITE_ID[]=s1&IMAGE[0]=a.png&IMAGE[1]=b64", `{"SITE_ID":["s1"],"IMAGE":["a.png","b64"]}`},
	}
	for _, c := range cases {
		root := newArr()
		parseForm(c.in, root)
		if got := nodeJSON(root); got != c.want {
			t.Errorf("parseForm(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}

func TestParseNestingLimit(t *testing.T) {
	q := "a"
	for i := 0; i < maxNesting; i++ {
		q += "[x]"
	}
	root := newArr()
	parseForm(q+"=1&b=2", root)
	if got := root.len(); got != 2 {
		t.Fatalf("64 levels: %d top-level keys, want 2", got)
	}
	root = newArr()
	parseForm(q+"[x]=1&b=2", root)
	if got := nodeJSON(root); got != `{"b":"2"}` {
		t.Fatalf("65 levels: %s", got)
	}
}

// The create example of seed 000, sent as JSON and as a form, parses to
// the same structure.
func TestJSONAndFormParseAlike(t *testing.T) {
	js := `{"NAME":"New Project","PROJECT":"Y","VISIBLE":"Y","OPENED":"N","INITIATE_PERMS":"K",` +
		`"IMAGE":["avatar.png","iVBORw0KGgoAAAANSUhEUgAA..."],"SITE_ID":["s1"],"OWNER_ID":1271,"X":true,"Y":false,"Z":null}`
	form := "NAME=New+Project&PROJECT=Y&VISIBLE=Y&OPENED=N&INITIATE_PERMS=K&IMAGE%5B0%5D=avatar.png" +
		"&IMAGE%5B1%5D=iVBORw0KGgoAAAANSUhEUgAA...&SITE_ID[]=s1&OWNER_ID=1271&X=1&Y=&Z="
	jn := parseRequest("POST", "", []byte(js), "application/json")
	fn := parseRequest("POST", "", []byte(form), "application/x-www-form-urlencoded")
	want := `{"NAME":"New Project","PROJECT":"Y","VISIBLE":"Y","OPENED":"N","INITIATE_PERMS":"K",` +
		`"IMAGE":["avatar.png","iVBORw0KGgoAAAANSUhEUgAA..."],"SITE_ID":["s1"],"OWNER_ID":"1271","X":"1","Y":"","Z":""}`
	if got := nodeJSON(jn); got != want {
		t.Errorf("json: %s", got)
	}
	if got := nodeJSON(fn); got != want {
		t.Errorf("form: %s", got)
	}
	get := parseRequest("GET", "ORDER%5BNAME%5D=ASC&FILTER%5B%25NAME%5D=Pro&auth=T", nil, "")
	if got := nodeJSON(get); got != `{"ORDER":{"NAME":"ASC"},"FILTER":{"%NAME":"Pro"},"auth":"T"}` {
		t.Errorf("query: %s", got)
	}
}

func TestParseJSONErrors(t *testing.T) {
	for _, in := range []string{`{"a":`, `{"a":1} x`, `[1,]`} {
		if _, err := parseJSON([]byte(in)); err == nil {
			t.Errorf("parseJSON(%q) succeeded", in)
		}
	}
	n, err := parseJSON([]byte(`{"b":1,"a":{"x":[1,{"y":2}]},"b":3}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := nodeJSON(n); got != `{"b":"3","a":{"x":["1",{"y":"2"}]}}` {
		t.Errorf("got %s", got)
	}
}

func FuzzParseForm(f *testing.F) {
	for _, s := range []string{"a[b][c]=1", "a[]=1&a[]=2", "a[b=1", "%zz", "a[9223372036854775807]=1&a[]=2",
		"FILTER[%25NAME]=x&FILTER[><ID][]=1", "a.b c[=", "[]", "a[x]=1&a=2&a[]=3", "cmd[a]=sonet_group.get%3FID%3D1"} {
		f.Add(s, []byte(`{"a":[1,{"b":null}]}`))
	}
	f.Fuzz(func(t *testing.T, q string, body []byte) {
		root := newArr()
		parseForm(q, root)
		_ = nodeJSON(root)
		_ = root.toAny()
		if n, err := parseJSON(body); err == nil {
			_ = nodeJSON(n)
		}
		parseRequest("POST", q, body, "application/json")
		parseRequest("POST", q, body, "application/x-www-form-urlencoded")
		parseRequest("POST", q, body, "multipart/form-data; boundary=xx")
	})
}
