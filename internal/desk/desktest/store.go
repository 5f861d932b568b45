package desktest

import (
	"errors"
	"regexp"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/desk"
)

// TestStore runs the contract of desk.Store. newStore must return an empty
// store of its own on every call.
func TestStore(t *testing.T, newStore func(t *testing.T) desk.Store) {
	for _, c := range []struct {
		name string
		run  func(t *testing.T, newStore func(t *testing.T) desk.Store)
	}{
		{"ConversationRoundTrip", testConversationRoundTrip},
		{"ConversationCopies", testConversationCopies},
		{"UpdateConversation", testUpdateConversation},
		{"TouchConversations", testTouchConversations},
		{"FindConversationsSearch", testFindSearch},
		{"FindConversationsFilters", testFindFilters},
		{"FindConversationsPages", testFindPages},
		{"FindConversationsPriorityOrder", testFindPriorityOrder},
		{"FindConversationsBadInput", testFindBadInput},
		{"WaitingAndAssigned", testWaitingAndAssigned},
		{"Stats", testStats},
		{"MessageRoundTrip", testMessageRoundTrip},
		{"MessageUniqueKeys", testMessageUniqueKeys},
		{"MessageRaces", testMessageRaces},
		{"MessagesAfterAndMaxSeq", testMessagesAfter},
		{"Notes", testNotes},
		{"Agents", testAgents},
		{"FormFields", testFormFields},
		{"Settings", testSettings},
		{"CannedReplies", testCannedReplies},
		{"Attachments", testAttachments},
		{"EndedContext", testStoreEndedContext},
		{"Compliance", testCompliance},     // store_compliance.go
		{"ContactIndex", testContactIndex}, // store_contact.go
	} {
		t.Run(c.name, func(t *testing.T) { c.run(t, newStore) })
	}
}

// t0 is a time a BSON date keeps exactly: UTC, whole milliseconds.
var t0 = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

var hexID = regexp.MustCompile(`^[0-9a-f]{24}$`)

func isNotFound(err error) bool {
	return errors.Is(err, chat.ErrNotFound) || chat.ErrorCode(err) == chat.ENOTFOUND
}
