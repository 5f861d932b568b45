package desk

import (
	"context"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// ComplianceStore is what abuse controls and the personal data law need
// from durable storage (#16): the audit log, blocks, the privacy notice and
// its versions, finding, erasing and anonymizing a contact's data, and
// the sign-in records. Queries keep to what FerretDB serves: no
// transactions, no TTL indexes, no $lookup; the hot reads (blocks, the
// privacy settings, a login record) are small or by _id.
type ComplianceStore interface {
	AuditStore
	BlockStore
	PrivacyStore
	ContactStore
	LoginRecordStore
}

// AuditStore keeps the append-only audit log. There is no update or
// delete, on purpose.
type AuditStore interface {
	// AppendAudit stores e, giving it an id when it has none
	// (chat.NewAuditID(e.At): ids sort by time).
	AppendAudit(ctx context.Context, e *chat.AuditEntry) error
	// AuditEntries returns a page of entries, newest first (by id), and the
	// cursor of the next page ("" at the end).
	AuditEntries(ctx context.Context, f chat.AuditFilter) ([]*chat.AuditEntry, string, error)
}

// BlockStore keeps blocks ("Chặn khách").
type BlockStore interface {
	CreateBlock(ctx context.Context, b *chat.Block) error
	// Blocks returns every block, expired ones included, newest first.
	Blocks(ctx context.Context) ([]*chat.Block, error)
	// DeleteBlock returns chat.ErrNotFound when there is no such block.
	DeleteBlock(ctx context.Context, id string) error
}

// PrivacyStore keeps the privacy settings and every published notice.
type PrivacyStore interface {
	// PrivacySettings returns chat.DefaultPrivacySettings() when none were saved.
	PrivacySettings(ctx context.Context) (chat.PrivacySettings, error)
	SavePrivacySettings(ctx context.Context, p chat.PrivacySettings) error
	// PublishPrivacyNotice stores a version; chat.ErrDuplicateKey when the
	// version exists (another admin published it first).
	PublishPrivacyNotice(ctx context.Context, n chat.PrivacyNotice) error
	// PrivacyNotices returns every published version, newest first.
	PrivacyNotices(ctx context.Context) ([]chat.PrivacyNotice, error)
}

// ContactStore finds and removes what is kept about a visitor.
type ContactStore interface {
	// ConversationsByPhone returns every conversation whose visitor gave
	// this phone (national form), oldest first.
	ConversationsByPhone(ctx context.Context, phone string) ([]*chat.Conversation, error)
	// ConversationsIdleSince returns up to limit conversations whose last
	// activity (updatedAt) is before cutoff and that are not anonymized,
	// oldest activity first.
	ConversationsIdleSince(ctx context.Context, cutoff time.Time, limit int) ([]*chat.Conversation, error)
	// DeleteConversation removes the conversation document (its messages
	// and files are removed separately); missing is fine.
	DeleteConversation(ctx context.Context, id string) error
	// DeleteMessages removes every message of a conversation and returns
	// how many there were.
	DeleteMessages(ctx context.Context, conversationID string) (int, error)
	// AnonymizeConversation removes everything about the visitor from the
	// document — answers, visitor, preview text, rating comment, consent —
	// and sets AnonymizedAt; times, status, assignee, priority, tags and
	// rating stars stay for the statistics.
	AnonymizeConversation(ctx context.Context, id string, at time.Time) error
}

// LoginRecordStore keeps each account's sign-in record (chat.LoginRecord),
// by account: the normalised email the agent signs in with.
type LoginRecordStore interface {
	// LoginRecord returns the zero record when there is none.
	LoginRecord(ctx context.Context, account string) (chat.LoginRecord, error)
	SaveLoginRecord(ctx context.Context, account string, r chat.LoginRecord) error
}
