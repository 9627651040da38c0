package sonet_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/b24kit/sonet"
)

func TestStoredFormEncodesEmojiOnly(t *testing.T) {
	assert.Equal(t, ":f09f9a80: Launch é ✓", sonet.StoredForm("🚀 Launch é ✓"))
	assert.Equal(t, ":f09f9a80:", sonet.StoredForm(":f09f9a80:"))
	assert.Equal(t, "a\xffb", sonet.StoredForm("a\xffb"))
}

// The portal stores and filters NAME with emoji encoded; give Where that
// form. FieldName conditions encode by themselves.
func ExampleStoredForm() {
	c := sonet.Where("%NAME", sonet.StoredForm("🚀"))
	fmt.Println(c.Key(), c.Values())
	// Output: %NAME [:f09f9a80:]
}
