package sonettest

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"image"
	_ "image/gif"  // getimagesize reads GIF
	_ "image/jpeg" // and JPEG
	_ "image/png"  // and PNG
	"path"
	"strconv"
	"strings"
)

// imageExtensions are CFile::GetImageExtensions(): the names an avatar may
// have, compared case-insensitively.
var imageExtensions = map[string]bool{"jpg": true, "bmp": true, "jpeg": true, "jpe": true, "gif": true, "png": true, "webp": true}

// phpBase64Decode decodes like PHP's base64_decode without strict mode:
// characters outside the alphabet are skipped and a trailing partial
// group is decoded as far as it goes.
func phpBase64Decode(s string) []byte {
	var b strings.Builder
	for _, r := range s {
		if r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '+' || r == '/' {
			b.WriteRune(r)
		}
	}
	t := b.String()
	if len(t)%4 == 1 {
		t = t[:len(t)-1]
	}
	out, _ := base64.RawStdEncoding.DecodeString(t)
	return out
}

// isImage reports whether data is a picture getimagesize would measure:
// PNG, GIF or JPEG with a readable header, BMP or WebP with positive
// dimensions. The file's name plays no part: a GIF named .png passes.
func isImage(data []byte) bool {
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(data)); err == nil {
		return cfg.Width > 0 && cfg.Height > 0
	}
	switch {
	case len(data) >= 26 && string(data[:2]) == "BM":
		w := int32(binary.LittleEndian.Uint32(data[18:22]))
		h := int32(binary.LittleEndian.Uint32(data[22:26]))
		return w > 0 && h != 0
	case len(data) >= 30 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		switch string(data[12:16]) {
		case "VP8 ", "VP8L", "VP8X":
			return true
		}
	}
	return false
}

// applyImage handles IMAGE_FILE_ID and IMAGE as the REST class does: a
// positive IMAGE_FILE_ID wins (the fake takes any ID as a readable disk
// file), on update 0 removes the avatar, and anything else is dropped so
// that IMAGE counts; IMAGE is read the way CRestUtil::saveFile and
// CFile::CheckImageFile do. IMAGE is
// [name, base64]; a bare base64 string gets a random name without an
// extension and so is refused. Content that is empty, "false", missing (a
// list of fewer than two entries) or decodes to nothing is no file:
// ignored on create, removes the avatar on update.
// Otherwise the name must end in one of imageExtensions and the content
// must be an image, else ERROR_IMAGE_ID.
func (c *call) applyImage(st *gstate, create bool) *apiError {
	g := &st.g
	if n := c.p.get("IMAGE_FILE_ID"); n != nil {
		switch id := phpInt(n); {
		case id > 0:
			g.ImageFileID = id
			g.ImageURL = c.s.URL() + "/disk/showFile/" + strconv.Itoa(id) + "/avatar.png"
			return nil
		case id == 0 && !create:
			g.ImageFileID, g.ImageURL = 0, ""
			return nil
		}
		// Otherwise the REST class drops IMAGE_FILE_ID and reads IMAGE.
	}
	n := c.p.get("IMAGE")
	if n == nil {
		return nil
	}
	name, content, nameIsArr := "", leafStr(n), false
	if n.isArr {
		// list($name, $content) = array_values(IMAGE): a missing entry is
		// null, so a list of fewer than two entries has no content.
		v := n.list()
		content = ""
		if len(v) > 1 {
			if v[1].isArr {
				return errBadImage
			}
			content = v[1].str
		}
		if len(v) > 0 {
			name, nameIsArr = v[0].str, v[0].isArr
		}
	}
	var data []byte
	if content != "" && content != "false" {
		data = phpBase64Decode(content)
	}
	if len(data) == 0 {
		if !create {
			g.ImageFileID, g.ImageURL = 0, ""
		}
		return nil
	}
	ext := strings.ToLower(strings.TrimPrefix(path.Ext(name), "."))
	if nameIsArr || !imageExtensions[ext] || !isImage(data) {
		return errBadImage
	}
	g.ImageFileID = c.s.newFileID()
	g.ImageURL = c.s.URL() + "/upload/sonettest/" + strconv.Itoa(g.ImageFileID) + "/" + path.Base(name)
	return nil
}
