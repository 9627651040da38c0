package sonettest

import (
	"io"
	"mime"
	"mime/multipart"
	"regexp"
	"strconv"
	"strings"
	"time"
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

// serveREST answers a /rest/ call in the portal's order: the request counts
// against the rate bucket whatever follows; the method is looked up before
// the credentials are checked (CRestServer finds the method description
// first), so an unknown method is 404 even with bad credentials; then the
// webhook or the OAuth token (OAuth\Auth::getAuthKey) is checked. A ".xml"
// method suffix renders the answer, errors included, as XML.
func (s *Server) serveREST(path, authHeader string, params *pnode, rec *Request) answer {
	userStr, code, method, xml, ok := splitRESTPath(path)
	rec.Method = method
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.cfg.now()
	rec.Time = now
	ans := s.routeREST(userStr, code, method, ok, authHeader, params, now)
	if xml {
		ans = xmlAnswer(ans)
	}
	return ans
}

// routeREST counts, routes, authenticates and runs one /rest/ call.
// Callers hold s.mu.
func (s *Server) routeREST(userStr, code, method string, ok bool, authHeader string, params *pnode, now time.Time) answer {
	if !s.takeBucket(now) {
		return errAnswer(errQueryLimit)
	}
	h, known := methods[method]
	if !ok || method == "" || (method != "batch" && !known) {
		return errAnswer(errMethodNotFound)
	}
	var c *call
	if userStr != "" {
		uid, err := strconv.Atoi(userStr)
		if err != nil || s.users[uid] == nil || code != s.webhookCode(uid) {
			return errAnswer(errNoAuth)
		}
		c = &call{s: s, user: uid, cred: "webhook:" + userStr}
	} else {
		uid, e := s.checkToken(authKey(authHeader, params), now)
		if e != nil {
			return errAnswer(e)
		}
		c = &call{s: s, user: uid, cred: "app"}
	}
	c.admin = s.users[c.user].Admin
	c.now = now
	c.method = method
	kind, delay := s.drawFault(method)
	ans := s.timed(c, func() answer { return s.runFaulted(c, method, h, params, kind) })
	ans.delay = delay
	return ans
}
