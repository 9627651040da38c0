package sonetapp

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func FuzzParseInstallEvent(f *testing.F) {
	for _, name := range []string{"install_event.form", "install_event_no_tokens.form"} {
		if b, err := os.ReadFile(filepath.Join("testdata", "oauth", name)); err == nil {
			f.Add(string(b), "")
		}
	}
	f.Add("event=ONAPPINSTALL&auth[application_token]=x&auth[member_id]=m&auth[domain]=d", "x")
	f.Fuzz(func(t *testing.T, body, stored string) {
		r, _ := http.NewRequest(http.MethodPost, "https://app.example/install", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		ev, err := ParseInstallEvent(r, stored)
		if err != nil {
			if !errors.Is(err, ErrBadAppRequest) && !errors.Is(err, ErrEventTokenMismatch) {
				t.Fatalf("error %v matches neither sentinel", err)
			}
			return
		}
		if ev.ApplicationToken == "" || ev.Auth.MemberID == "" || ev.Domain == "" {
			t.Fatalf("incomplete event accepted: %+v", ev)
		}
		if stored != "" && ev.ApplicationToken != stored {
			t.Fatal("application_token mismatch accepted")
		}
	})
}
