package auth

import (
	"crypto/hmac"
	"crypto/sha256"
)

// DeriveKey returns a key for another use of the node's secret (signing
// the widget's form challenges), independent of the token key: HMAC of
// the secret over the purpose's name.
func (t *Tokens) DeriveKey(purpose string) []byte {
	m := hmac.New(sha256.New, t.secret)
	m.Write([]byte("chatdesk/" + purpose))
	return m.Sum(nil)
}
