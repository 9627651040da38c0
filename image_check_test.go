package sonet

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/b24kit/sonet/sonettest"
)

// tinyPNG is a complete 1x1 PNG.
func tinyPNG() []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
		panic(err)
	}
	return b.Bytes()
}

func TestImageRefusedBeforeSendingLikeThePortal(t *testing.T) {
	gif := []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00")
	for _, tc := range []struct {
		name    string
		content []byte
		reason  string
	}{
		{"a.txt", tinyPNG(), `file name "a.txt": the portal accepts only jpg, bmp, jpeg, jpe, gif, png, webp`},
		{"avatar", tinyPNG(), `file name "avatar": the portal accepts only jpg, bmp, jpeg, jpe, gif, png, webp`},
		{"a.png", []byte("not a picture"), "content is not a PNG, JPEG, GIF, BMP or WebP image"},
		{"a.PNG", []byte("<svg/>"), "content is not a PNG, JPEG, GIF, BMP or WebP image"},
	} {
		c, mt := newMockClient(t)
		_, err := c.CreateGroup(context.Background(), &GroupCreateRequest{Name: "x", Image: &Image{Name: tc.name, Content: tc.content}})
		var ve *ValidationError
		require.True(t, errors.As(err, &ve), "%s: %v", tc.name, err)
		assert.Equal(t, ValidationError{Field: "IMAGE", Reason: tc.reason}, *ve)
		assert.ErrorIs(t, err, ErrValidation)
		assert.Equal(t, 0, mt.GetTotalCallCount(), "nothing sent")
	}
	for _, ok := range []Image{
		{Name: "a.png", Content: tinyPNG()}, {Name: "photo.JPE", Content: []byte{0xFF, 0xD8, 0xFF, 0xE0}},
		{Name: "a.png", Content: gif}, {Name: "a.bmp", Content: []byte("BM\x00\x00")},
		{Name: "a.webp", Content: []byte("RIFF\x00\x00\x00\x00WEBPVP8 ")},
	} {
		assert.NoError(t, ok.validate("IMAGE"), ok.Name)
	}
}

// What the SDK lets through the fake portal takes: an image under an image
// name, whatever its format.
func TestE2EImageAcceptedByPortal(t *testing.T) {
	srv := sonettest.NewServer()
	defer srv.Close()
	c, err := NewWebhookClient(srv.WebhookURL(), WithoutRateLimit())
	require.NoError(t, err)
	id, err := c.CreateGroup(context.Background(), &GroupCreateRequest{Name: "Logo", Image: &Image{Name: "logo.gif", Content: tinyPNG()}})
	require.NoError(t, err)
	g, err := c.GetGroup(context.Background(), id)
	require.NoError(t, err)
	assert.Equal(t, srv.URL()+"/upload/sonettest/1001/logo.gif", g.Image)
}
