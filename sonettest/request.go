package sonettest

import (
	"io"
	"mime"
	"mime/multipart"
	"strings"
)

// parseRequest merges the query and the body (the body wins per top-level
// key) into one node.
func parseRequest(query string, body []byte, ctype string) (*pnode, *apiError) {
	root := newArr()
	parseForm(query, root)
	if len(body) == 0 {
		return root, nil
	}
	mt, mp, _ := mime.ParseMediaType(ctype)
	switch mt {
	case "application/json":
		n, err := parseJSON(body)
		if err != nil {
			return root, errBadJSON
		}
		merge(root, n)
	case "multipart/form-data":
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
	return root, nil
}

// splitRESTPath returns the webhook user and code (empty for OAuth) and the
// method from a /rest/... path.
func splitRESTPath(path string) (user, code, method string, ok bool) {
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
		return "", "", "", false
	}
	method = strings.ToLower(strings.TrimSuffix(method, ".json"))
	return user, code, method, true
}
