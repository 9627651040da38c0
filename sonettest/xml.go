package sonettest

import (
	"bytes"
	"encoding/json"
	"strings"
)

// xmlAnswer renders a JSON answer as CRestServer::outputXml does for the
// ".xml" transport: the whole answer inside <response>, one element per key,
// "item" for integer keys (list entries), scalar text escaped like
// CDataXML::xmlspecialchars (& < > " '), true as 1, false and null empty,
// floats with 14 significant digits. No XML declaration, no whitespace;
// status codes stay as they are. Answers that are not JSON (a 502 page)
// pass unchanged.
func xmlAnswer(ans answer) answer {
	if !strings.HasPrefix(ans.ctype, "application/json") {
		return ans
	}
	dec := json.NewDecoder(bytes.NewReader(ans.body))
	dec.UseNumber()
	v, err := readRval(dec)
	if err != nil {
		return ans
	}
	var b strings.Builder
	writeXML(&b, "response", v)
	ans.body = []byte(b.String())
	ans.ctype = "text/xml; charset=utf-8"
	return ans
}

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;")

func writeXML(b *strings.Builder, key string, v *rval) {
	if _, isInt := phpIntKey(key); isInt {
		key = "item"
	}
	b.WriteString("<" + key + ">")
	if v.kind == rArr {
		for _, k := range v.keys {
			writeXML(b, k, v.kids[k])
		}
	} else {
		s, _ := v.phpString()
		xmlEscaper.WriteString(b, s)
	}
	b.WriteString("</" + key + ">")
}
