package chat

import (
	"slices"
	"strings"
	"time"
)

// A contact is one customer across conversations (#15). Conversations
// share a contact when they share a contact key: the visitor's normalized
// phone by default, or a key of their own once an admin detached one from
// a wrongly merged contact.

// ContactIndex is the per-contact index document: the contact's
// conversations, oldest first, read by _id (the key) so that opening the
// visitor panel never searches the conversations.
type ContactIndex struct {
	Key           string
	Conversations []ContactEntry
	FirstSeen     time.Time
}

// ContactEntry is one conversation of a contact.
type ContactEntry struct {
	ID        string
	CreatedAt time.Time
}

// ContactKeyOf is the key a new conversation gets: its normalized phone
// ("" when there is none, and then no contact).
func ContactKeyOf(c *Conversation) string {
	if p, ok := NormalizePhone(c.Visitor.Phone); ok {
		return p
	}
	return ""
}

// DetachedContactKey is the key of a conversation detached from its
// contact: it cannot collide with a phone (phones are digits).
func DetachedContactKey(conversationID string) string { return "c:" + conversationID }

// Position returns the 1-based place of a conversation among the
// contact's conversations by creation (0 when absent).
func (x *ContactIndex) Position(id string) int {
	for i, e := range x.Conversations {
		if e.ID == id {
			return i + 1
		}
	}
	return 0
}

// Add inserts a conversation (nothing when present) and puts the
// contact back in creation order (relink, backfill: every place is then
// written again); equal times keep their order of arrival.
func (x *ContactIndex) Add(e ContactEntry) {
	x.Append(e)
	slices.SortStableFunc(x.Conversations, func(a, b ContactEntry) int { return a.CreatedAt.Compare(b.CreatedAt) })
}

// Append adds a new conversation last, whatever its time: a conversation
// created while another of the contact waited for the contact's lock may
// carry an earlier time, and the place handed out under the lock is the
// order of arrival.
func (x *ContactIndex) Append(e ContactEntry) {
	if x.Position(e.ID) > 0 {
		return
	}
	x.Conversations = append(x.Conversations, e)
	if x.FirstSeen.IsZero() || e.CreatedAt.Before(x.FirstSeen) {
		x.FirstSeen = e.CreatedAt
	}
}

// Remove drops a conversation (nothing when absent).
func (x *ContactIndex) Remove(id string) {
	for i, e := range x.Conversations {
		if e.ID == id {
			x.Conversations = append(x.Conversations[:i], x.Conversations[i+1:]...)
			break
		}
	}
	x.FirstSeen = time.Time{}
	for _, e := range x.Conversations {
		if x.FirstSeen.IsZero() || e.CreatedAt.Before(x.FirstSeen) {
			x.FirstSeen = e.CreatedAt
		}
	}
}

// FirstLine is the opening line of a conversation for the visitor panel:
// the first line of the form's message, else of the latest preview.
func FirstLine(c *Conversation) string {
	text := AnswerValue(c.Answers, KeyMessage)
	if text == "" && c.LastMessage != nil {
		text = c.LastMessage.Text
	}
	text = strings.TrimSpace(text)
	if i := strings.IndexByte(text, '\n'); i >= 0 {
		text = strings.TrimSpace(text[:i])
	}
	if r := []rune(text); len(r) > 120 {
		text = string(r[:119]) + "…"
	}
	return text
}
