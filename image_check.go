package sonet

import (
	"bytes"
	"fmt"
	"path"
	"strings"
)

// imageExtensions are the avatar names a portal accepts
// (CFile::GetImageExtensions), compared case-insensitively.
var imageExtensions = []string{"jpg", "bmp", "jpeg", "jpe", "gif", "png", "webp"}

// imageSignatures are the first bytes of the formats a portal measures as
// images (getimagesize): PNG, JPEG, GIF, BMP and WebP (RIFF....WEBP).
var imageSignatures = [][]byte{
	[]byte("\x89PNG\r\n\x1a\n"), {0xFF, 0xD8, 0xFF}, []byte("GIF87a"), []byte("GIF89a"), []byte("BM"),
}

// checkImage returns why the portal would refuse name and content as an
// avatar (CFile::CheckImageFile checks the name's extension and the
// content's type), or "" when it would not. Content is recognised by its
// signature; a portal also reads the dimensions, so a truncated file can
// still be refused there.
func checkImage(name string, content []byte) string {
	ext := strings.ToLower(strings.TrimPrefix(path.Ext(name), "."))
	found := false
	for _, e := range imageExtensions {
		found = found || e == ext
	}
	if !found {
		return fmt.Sprintf("file name %q: the portal accepts only %s", name, strings.Join(imageExtensions, ", "))
	}
	if len(content) >= 12 && bytes.HasPrefix(content, []byte("RIFF")) && string(content[8:12]) == "WEBP" {
		return ""
	}
	for _, sig := range imageSignatures {
		if bytes.HasPrefix(content, sig) {
			return ""
		}
	}
	return "content is not a PNG, JPEG, GIF, BMP or WebP image"
}
