package chat

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"time"
)

// NewID returns a 24-hex-character id that sorts roughly by creation time
// (4 bytes of unix seconds, then 8 random bytes), like a MongoDB ObjectID.
func NewID() string {
	var b [12]byte
	binary.BigEndian.PutUint32(b[:4], uint32(time.Now().Unix()))
	_, _ = rand.Read(b[4:])
	return hex.EncodeToString(b[:])
}

// ValidID reports whether id has the shape NewID produces, so a hand-typed
// or hostile id is refused before it reaches a query.
func ValidID(id string) bool {
	if len(id) != 24 {
		return false
	}
	_, err := hex.DecodeString(id)
	return err == nil
}
