package sonettest

import (
	"io"
	"mime"
	"mime/multipart"
	"regexp"
	"strings"
)

// parseRequest is CRestUtil::getRequestData: the query, and for a POST the
// body, whose top-level keys replace the query's. A body with
// Content-Type application/json (exactly that type, as the portal compares
// it) is decoded as JSON; when it does not decode, or is not an object or
// list, it is ignored and only the query counts. Other bodies are read
// with parse_str rules (multipart: its non-file fields).
func parseRequest(httpMethod, query string, body []byte, ctype string) *pnode {
	root := newArr()
	parseForm(query, root)
	if httpMethod != "POST" || len(body) == 0 {
		return root
	}
	bare, _, _ := strings.Cut(ctype, ";")
	bare = strings.TrimSpace(bare)
	switch {
	case bare == "application/json":
		if n, err := parseJSON(body); err == nil {
			merge(root, n)
		}
	case strings.EqualFold(bare, "multipart/form-data"):
		_, mp, _ := mime.ParseMediaType(ctype)
		bodyRoot := newArr()
		mr := multipart.NewReader(strings.NewReader(string(body)), mp["boundary"])
		for {
			part, err := mr.NextPart()
			if err != nil {
				break
			}
			data, _ := io.ReadAll(part)
			if part.FileName() == "" {
				registerVar(bodyRoot, part.FormName(), string(data))
			}
		}
		merge(root, bodyRoot)
	default:
		bodyRoot := newArr()
		parseForm(string(body), bodyRoot)
		merge(root, bodyRoot)
	}
	return root
}

// dropKey removes key from an array node.
func dropKey(n *pnode, key string) {
	if _, ok := n.kids[key]; !ok {
		return
	}
	delete(n.kids, key)
	for i, k := range n.keys {
		if k == key {
			n.keys = append(n.keys[:i:i], n.keys[i+1:]...)
			break
		}
	}
}

var bearer = regexp.MustCompile(`(?i)^Bearer\s+`)

// authKey is OAuth\Auth::getAuthKey: an "Authorization: Bearer TOKEN"
// header first, else the first of the auth and access_token parameters that
// is present and not an array (even when it is empty).
func authKey(header string, p *pnode) string {
	if loc := bearer.FindStringIndex(header); loc != nil {
		return header[loc[1]:]
	}
	for _, k := range []string{"auth", "access_token"} {
		if n := p.get(k); n != nil && !n.isArr {
			return n.str
		}
	}
	return ""
}

// splitRESTPath returns the webhook user and code (empty for OAuth), the
// method in lower case and whether the answer is XML. As the rest.server
// component does, a last ".json" or ".xml" segment (any case) picks the
// format and is cut off.
func splitRESTPath(path string) (user, code, method string, xml, ok bool) {
	parts := strings.Split(strings.TrimPrefix(path, "/rest/"), "/")
	if n := len(parts); n > 1 && parts[n-1] == "" {
		parts = parts[:n-1]
	}
	switch len(parts) {
	case 1:
		method = parts[0]
	case 3:
		user, code, method = parts[0], parts[1], parts[2]
	default:
		return "", "", "", false, false
	}
	method = strings.ToLower(method)
	if i := strings.LastIndexByte(method, '.'); i > 0 {
		switch method[i+1:] {
		case "json":
			method = method[:i]
		case "xml":
			method, xml = method[:i], true
		}
	}
	return user, code, method, xml, true
}
