package sonettest

import "testing"

func TestUserGetByID(t *testing.T) {
	s, _ := newTestServer(t)
	s.AddUser(User{ID: 5, Name: "Bob"})
	s.AddUser(User{ID: 6, Name: "Old", Fired: true})
	steps := []struct{ body, want string }{
		{`{"FILTER":{"ID":5}}`, `{"result":[{"ID":"5","ACTIVE":true,"NAME":"Bob"}],"total":1}`},
		{`{"FILTER":{"ID":[6,99,1]}}`, `{"result":[{"ID":"1","ACTIVE":true,"NAME":"Admin"},{"ID":"6","ACTIVE":false,"NAME":"Old"}],"total":2}`},
		{`{"ID":99}`, `{"result":[],"total":0}`},
		{`{}`, `{"result":[{"ID":"1","ACTIVE":true,"NAME":"Admin"},{"ID":"5","ACTIVE":true,"NAME":"Bob"},{"ID":"6","ACTIVE":false,"NAME":"Old"}],"total":3}`},
	}
	for _, st := range steps {
		code, body := callJSON(t, s, "user.get", st.body)
		if code != 200 || withoutTime(body) != st.want {
			t.Errorf("user.get %s: %d %s, want %s", st.body, code, body, st.want)
		}
	}
}
