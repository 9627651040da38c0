package sonet

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/b24kit/sonet/internal/wire"
)

// This file holds the value types requests are built from: Flag (Y/N/unset),
// Role, Image, and the String, Int and Time helpers for pointer fields.

// Flag is a three-state Y/N value for requests: the zero value sends nothing
// (the portal keeps its default or the current value), Yes sends "Y" and No
// sends "N". A Go bool is never put on the wire, because PHP reads the
// string "false" as true.
type Flag uint8

const (
	// Unset sends nothing.
	Unset Flag = iota
	// Yes sends "Y".
	Yes
	// No sends "N".
	No
)

// FlagOf returns Yes for true and No for false.
func FlagOf(b bool) Flag {
	if b {
		return Yes
	}
	return No
}

// String returns "Y", "N" or "" for Unset.
func (f Flag) String() string {
	switch f {
	case Yes:
		return "Y"
	case No:
		return "N"
	}
	return ""
}

func (f Flag) encodeValues(key string, v *url.Values) error {
	switch f {
	case Unset:
		return nil
	case Yes, No:
		v.Set(key, f.String())
		return nil
	}
	return &ValidationError{Field: key, Reason: fmt.Sprintf("flag value %d is neither Yes nor No", f)}
}

func (f Flag) keyOrder(key string) []string { return []string{key} }

// Role is a member role letter, also used for who-may-invite permissions.
type Role string

const (
	// RoleOwner is the group owner ("A").
	RoleOwner Role = "A"
	// RoleModerator is a moderator ("E").
	RoleModerator Role = "E"
	// RoleMember is an ordinary member ("K").
	RoleMember Role = "K"
	// RoleRequest is a pending request or invitation ("Z").
	RoleRequest Role = "Z"
	// RoleAll is "all users" in the legacy SPAM_PERMS parameter ("N"). The
	// docs name SONET_ROLES_ALL without its letter; "N" is the letter the
	// socialnetwork module uses for it.
	RoleAll Role = "N"
)

// String returns the role letter.
func (r Role) String() string { return string(r) }

// validPerm reports whether r may be sent as INITIATE_PERMS.
func validPerm(r Role) bool {
	return r == RoleOwner || r == RoleModerator || r == RoleMember
}

// Image is an avatar to upload: a file name and the file's bytes. It goes on
// the wire as the pair IMAGE[0]=name, IMAGE[1]=base64(content), the form every
// official example uses. The portal accepts only a name ending in .jpg,
// .bmp, .jpeg, .jpe, .gif, .png or .webp whose content is an image; the SDK
// refuses anything else before sending (a *ValidationError).
type Image struct {
	Name    string
	Content []byte
}

func (im Image) encodeValues(key string, v *url.Values) error {
	v.Set(key+"[0]", im.Name)
	v.Set(key+"[1]", base64.StdEncoding.EncodeToString(im.Content))
	return nil
}

func (im Image) keyOrder(key string) []string { return []string{key + "[0]", key + "[1]"} }

func (im *Image) validate(field string) error {
	if im == nil {
		return nil
	}
	if im.Name == "" {
		return &ValidationError{Field: field, Reason: "image file name is empty"}
	}
	if len(im.Content) == 0 {
		return &ValidationError{Field: field, Reason: "image content is empty"}
	}
	if reason := checkImage(im.Name, im.Content); reason != "" {
		return &ValidationError{Field: field, Reason: reason}
	}
	return nil
}

// String returns a pointer to s, for optional request fields where the empty
// string is a value to send (clear DESCRIPTION).
func String(s string) *string { return &s }

// Int returns a pointer to n, for optional request fields where 0 is a value
// to send (IMAGE_FILE_ID = 0 removes an avatar).
func Int(n int) *int { return &n }

// Time returns a pointer to t, for optional date fields.
func Time(t time.Time) *time.Time { return &t }

func formatTime(t time.Time) string { return t.Format(wire.ISOLayout) }

func itoa(n int) string { return strconv.Itoa(n) }
