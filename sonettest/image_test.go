package sonettest

import (
	"encoding/base64"
	"fmt"
	"testing"
)

// tinyPNG is a complete 1x1 PNG; tinyGIF a GIF header getimagesize reads.
const (
	tinyPNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg=="
	tinyGIF = "R0lGODlhAQABAAAAAA=="
)

func TestImageCheckedByExtensionAndContent(t *testing.T) {
	bmp := make([]byte, 26)
	copy(bmp, "BM")
	bmp[18], bmp[22] = 2, 3
	webp := []byte("RIFF\x16\x00\x00\x00WEBPVP8L\x0a\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88")
	for _, tc := range []struct {
		image string
		ok    bool
	}{
		{`["a.png","` + tinyPNG + `"]`, true},
		{`["A.PNG","` + tinyPNG + `"]`, true},
		{`["photo.jpe","` + tinyGIF + `"]`, true}, // any image content under an image name
		{`["a.bmp","` + base64.StdEncoding.EncodeToString(bmp) + `"]`, true},
		{`["a.webp","` + base64.StdEncoding.EncodeToString(webp) + `"]`, true},
		{`["a.png","` + base64.StdEncoding.EncodeToString([]byte("not a picture")) + `"]`, false},
		{`["a.png","iVBORw0KGgo="]`, false}, // a PNG signature without a header
		{`["a.txt","` + tinyPNG + `"]`, false},
		{`["png","` + tinyPNG + `"]`, false},
		{`["","` + tinyPNG + `"]`, false},
		{`"` + tinyPNG + `"`, false}, // a bare string gets a name without an extension
	} {
		s, _ := newTestServer(t)
		code, body := callJSON(t, s, "sonet_group.create", `{"NAME":"x","IMAGE":`+tc.image+`}`)
		if tc.ok {
			if g, _ := s.Group(1); code != 200 || g.ImageFileID != 1001 {
				t.Errorf("%s: %d %s", tc.image, code, body)
			}
			continue
		}
		expectErr(t, code, body, 400, "ERROR_IMAGE_ID", "Image is incorrect: Invalid file type")
	}
}

// Content that decodes to nothing is no file: create ignores it, update
// removes the avatar.
func TestImageWithoutContent(t *testing.T) {
	s, _ := newTestServer(t)
	code, body := callJSON(t, s, "sonet_group.create", `{"NAME":"x","IMAGE":["a.exe","!!!"]}`)
	if g, _ := s.Group(1); code != 200 || g.ImageFileID != 0 {
		t.Fatalf("%d %s", code, body)
	}
	callJSON(t, s, "sonet_group.update", `{"GROUP_ID":1,"IMAGE":["a.gif","`+tinyGIF+`"]}`)
	if g, _ := s.Group(1); g.ImageFileID != 1001 {
		t.Fatalf("image %d", g.ImageFileID)
	}
	code, body = callJSON(t, s, "sonet_group.update", `{"GROUP_ID":1,"IMAGE":["a.gif","false"]}`)
	if g, _ := s.Group(1); code != 200 || g.ImageFileID != 0 || g.ImageURL != "" {
		t.Errorf("%d %s %+v", code, body, g)
	}
}

func TestCreateAndUpdateRefuseWhatCheckFieldsRefuses(t *testing.T) {
	s, _ := newTestServer(t)
	s.AddGroup(NewGroup("Base"))
	for _, tc := range []struct{ method, body, desc string }{
		{"sonet_group.create", `{"NAME":"x","SUBJECT_ID":7}`, "Cannot create group"},
		{"sonet_group.create", `{"NAME":"x","SPAM_PERMS":"Z"}`, "Cannot create group"},
		{"sonet_group.create", `{"NAME":"x","SPAM_PERMS":""}`, "Cannot create group"},
		{"sonet_group.update", `{"GROUP_ID":1,"SUBJECT_ID":7}`, "Cannot update group"},
		{"sonet_group.update", `{"GROUP_ID":1,"SUBJECT_ID":0}`, "Cannot update group"},
		{"sonet_group.update", `{"GROUP_ID":1,"SPAM_PERMS":"X"}`, "Cannot update group"},
		{"sonet_group.update", `{"GROUP_ID":1,"INITIATE_PERMS":"N"}`, "Cannot update group"},
	} {
		code, body := callJSON(t, s, tc.method, tc.body)
		expectErr(t, code, body, 400, "", tc.desc)
	}
	if len(s.Groups()) != 1 {
		t.Fatalf("a refused create stored a group")
	}
	// What CheckFields repairs instead of refusing: a missing or <= 0
	// SUBJECT_ID on create is the first subject, a wrong INITIATE_PERMS on
	// create is K, flags that are neither Y nor N take their defaults, an
	// OWNER_ID of 0 leaves the caller as owner.
	code, body := callJSON(t, s, "sonet_group.create",
		`{"NAME":"y","OWNER_ID":0,"SUBJECT_ID":-4,"INITIATE_PERMS":"Q","SPAM_PERMS":"N","VISIBLE":"yes","OPENED":"yes","ACTIVE":"no","CLOSED":"1"}`)
	g, _ := s.Group(2)
	if code != 200 || g.OwnerID != 1 || fmt.Sprintln(g.SubjectID, g.SubjectName, g.InitiatePerms, g.Visible, g.Opened, g.Active, g.Closed) != "1 Workgroups K true false true false\n" {
		t.Errorf("%d %s %+v", code, body, g)
	}
	callJSON(t, s, "sonet_group.update", `{"GROUP_ID":2,"VISIBLE":"N","ACTIVE":"N"}`)
	callJSON(t, s, "sonet_group.update", `{"GROUP_ID":2,"VISIBLE":"n"}`)
	if g, _ := s.Group(2); !g.Visible || g.Active {
		t.Errorf("VISIBLE other than N is Y, ACTIVE stays N: %+v", g)
	}
	id := s.AddSubject("Projects")
	code, body = callJSON(t, s, "sonet_group.update", fmt.Sprintf(`{"GROUP_ID":2,"SUBJECT_ID":%d}`, id))
	if g, _ := s.Group(2); code != 200 || g.SubjectID != 2 || g.SubjectName != "Projects" {
		t.Errorf("%d %s %+v", code, body, g)
	}
}

// CRestUtil::saveFile reads IMAGE with list($name, $content) =
// array_values(IMAGE): a list with fewer than two entries has no content,
// so it is no file (create ignores it, update removes the avatar), not a
// refused image.
func TestImageListWithoutContentIsNoFile(t *testing.T) {
	for _, image := range []string{`[]`, `["a.png"]`, `[["a"]]`, `["a.png",null]`} {
		s, _ := newTestServer(t)
		code, body := callJSON(t, s, "sonet_group.create", `{"NAME":"x","IMAGE":`+image+`}`)
		if g, _ := s.Group(1); code != 200 || g.ImageFileID != 0 {
			t.Errorf("create %s: %d %s", image, code, body)
			continue
		}
		callJSON(t, s, "sonet_group.update", `{"GROUP_ID":1,"IMAGE":["a.gif","`+tinyGIF+`"]}`)
		code, body = callJSON(t, s, "sonet_group.update", `{"GROUP_ID":1,"IMAGE":`+image+`}`)
		if g, _ := s.Group(1); code != 200 || g.ImageFileID != 0 || g.ImageURL != "" {
			t.Errorf("update %s: %d %s %+v", image, code, body, g)
		}
	}
	// A name that is not text, with content, is still refused.
	s, _ := newTestServer(t)
	code, body := callJSON(t, s, "sonet_group.create", `{"NAME":"x","IMAGE":[["a.png"],"`+tinyPNG+`"]}`)
	expectErr(t, code, body, 400, "ERROR_IMAGE_ID", "Image is incorrect: Invalid file type")
}

// IMAGE_FILE_ID wins only when it names a file (or, on update, is 0, which
// removes the avatar); otherwise the REST class drops it and goes on with
// IMAGE: 0 or less on create, less than 0 on update.
func TestImageFileIDFallsBackToImage(t *testing.T) {
	s, _ := newTestServer(t)
	code, body := callJSON(t, s, "sonet_group.create", `{"NAME":"x","IMAGE_FILE_ID":0,"IMAGE":["a.png","`+tinyPNG+`"]}`)
	if g, _ := s.Group(1); code != 200 || g.ImageFileID != 1001 {
		t.Fatalf("create: %d %s %+v", code, body, g)
	}
	callJSON(t, s, "sonet_group.update", `{"GROUP_ID":1,"IMAGE_FILE_ID":-3}`)
	if g, _ := s.Group(1); g.ImageFileID != 1001 {
		t.Errorf("a negative IMAGE_FILE_ID alone changed the avatar: %+v", g)
	}
	callJSON(t, s, "sonet_group.update", `{"GROUP_ID":1,"IMAGE_FILE_ID":"-1","IMAGE":["b.gif","`+tinyGIF+`"]}`)
	if g, _ := s.Group(1); g.ImageFileID != 1002 {
		t.Errorf("IMAGE after a negative IMAGE_FILE_ID: %+v", g)
	}
	callJSON(t, s, "sonet_group.update", `{"GROUP_ID":1,"IMAGE_FILE_ID":0,"IMAGE":["c.gif","`+tinyGIF+`"]}`)
	if g, _ := s.Group(1); g.ImageFileID != 0 || g.ImageURL != "" {
		t.Errorf("IMAGE_FILE_ID 0 on update removes the avatar whatever IMAGE says: %+v", g)
	}
	callJSON(t, s, "sonet_group.update", `{"GROUP_ID":1,"IMAGE_FILE_ID":77,"IMAGE":["c.gif","`+tinyGIF+`"]}`)
	if g, _ := s.Group(1); g.ImageFileID != 77 {
		t.Errorf("a file ID wins over IMAGE: %+v", g)
	}
}
