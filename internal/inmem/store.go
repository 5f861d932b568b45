package inmem

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// Store keeps everything internal/mongo keeps, in memory, with the same
// observable behaviour: unique rules and the errors they return, sort
// orders and tie-breaks, pagination cursors, defaults, and what a round
// trip through BSON does to values. It is safe for concurrent use; the zero
// value is not usable, call NewStore.
type Store struct {
	downSwitch

	mu            sync.RWMutex
	conversations map[string]*storedConversation
	messages      map[string]*conversationMessages // by conversation
	messageIDs    map[string]bool
	agents        map[string]*storedAgent
	formFields    map[string]chat.FormField
	settings      *chat.Settings
	bot           *chat.BotSettings
	hours         *chat.OfficeHours
	identity      *chat.IdentitySettings
	canned        map[string]*chat.CannedReply
	files         map[string]*storedFile
	comp          complianceData // audit, blocks, privacy, login records (compliance.go)
	contacts      contactData    // contact index documents (contact.go)
}

// NewStore returns an empty store.
func NewStore() *Store {
	return &Store{
		conversations: map[string]*storedConversation{},
		messages:      map[string]*conversationMessages{},
		messageIDs:    map[string]bool{},
		agents:        map[string]*storedAgent{},
		formFields:    map[string]chat.FormField{},
		canned:        map[string]*chat.CannedReply{},
		files:         map[string]*storedFile{},
	}
}

// Ping fails while the store is down.
func (s *Store) Ping(ctx context.Context) error { return s.check(ctx) }

// newID returns 24 random hex characters, as internal/mongo gives objects
// that arrive without an id.
func newID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
