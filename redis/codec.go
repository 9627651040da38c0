package sonetredis

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/b24kit/sonet"
)

// JSONCodec stores a pair as one JSON object with the field names of the
// Bitrix24 token answer, so that programs in other languages can read it:
//
//	{"access_token": "…", "refresh_token": "…", "expires": 1773934520,
//	 "expires_in": 3600, "domain": "oauth.bitrix.info",
//	 "server_endpoint": "https://oauth.bitrix.info/rest/",
//	 "client_endpoint": "https://portal.example/rest/", "member_id": "…",
//	 "scope": "sonet_group", "status": "L", "user_id": 1}
//
// expires is unix seconds (0 when unknown), expires_in seconds.
type JSONCodec struct{}

type jsonToken struct {
	AccessToken    string `json:"access_token"`
	RefreshToken   string `json:"refresh_token"`
	Expires        int64  `json:"expires"`
	ExpiresIn      int64  `json:"expires_in"`
	Domain         string `json:"domain,omitempty"`
	ServerEndpoint string `json:"server_endpoint,omitempty"`
	ClientEndpoint string `json:"client_endpoint"`
	MemberID       string `json:"member_id,omitempty"`
	Scope          string `json:"scope,omitempty"`
	Status         string `json:"status,omitempty"`
	UserID         int    `json:"user_id,omitempty"`
}

// Encode writes t as JSON.
func (JSONCodec) Encode(t sonet.Token) ([]byte, error) {
	j := jsonToken{
		AccessToken: t.AccessToken, RefreshToken: t.RefreshToken, ExpiresIn: int64(t.ExpiresIn / time.Second),
		Domain: t.Domain, ServerEndpoint: t.ServerEndpoint, ClientEndpoint: t.ClientEndpoint,
		MemberID: t.MemberID, Scope: t.Scope, Status: t.Status, UserID: t.UserID,
	}
	if !t.Expires.IsZero() {
		j.Expires = t.Expires.Unix()
	}
	return json.Marshal(j)
}

// Decode reads what Encode wrote.
func (JSONCodec) Decode(b []byte) (sonet.Token, error) {
	var j jsonToken
	if err := json.Unmarshal(b, &j); err != nil {
		// encoding/json may quote a character of the input: say only
		// what kind of failure it was.
		return sonet.Token{}, fmt.Errorf("not a JSON token pair (%T)", err)
	}
	t := sonet.Token{
		AccessToken: j.AccessToken, RefreshToken: j.RefreshToken, ExpiresIn: time.Duration(j.ExpiresIn) * time.Second,
		Domain: j.Domain, ServerEndpoint: j.ServerEndpoint, ClientEndpoint: j.ClientEndpoint,
		MemberID: j.MemberID, Scope: j.Scope, Status: j.Status, UserID: j.UserID,
	}
	if j.Expires != 0 {
		t.Expires = time.Unix(j.Expires, 0)
	}
	return t, nil
}

// aesGCM seals with AES-GCM: a random 12-byte nonce followed by the
// ciphertext and tag, with the Redis key as associated data. A random
// nonce is safe for far more values than a token store writes (one per
// refresh) under one key: the limit is about 2^32.
type aesGCM struct{ aead cipher.AEAD }

// NewAESGCM returns a Sealer that encrypts with AES-GCM under key (16, 24
// or 32 bytes; keep it out of Redis, e.g. in your secret manager). Each
// value gets a random nonce; Open refuses anything altered or sealed under
// another key or stored under another Redis key.
func NewAESGCM(key []byte) (Sealer, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, &sonet.ValidationError{Field: "key", Reason: "want 16, 24 or 32 bytes"}
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return aesGCM{aead}, nil
}

func (a aesGCM) Seal(plain, aad []byte) ([]byte, error) {
	nonce := make([]byte, a.aead.NonceSize(), a.aead.NonceSize()+len(plain)+a.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return a.aead.Seal(nonce, nonce, plain, aad), nil
}

var errSealed = errors.New("sealed value is damaged or was sealed under another key")

func (a aesGCM) Open(sealed, aad []byte) ([]byte, error) {
	n := a.aead.NonceSize()
	if len(sealed) < n+a.aead.Overhead() {
		return nil, errSealed
	}
	plain, err := a.aead.Open(nil, sealed[:n], sealed[n:], aad)
	if err != nil {
		return nil, errSealed
	}
	return plain, nil
}

func (a aesGCM) String() string { return "sonetredis.AESGCM{key: [REDACTED]}" }
