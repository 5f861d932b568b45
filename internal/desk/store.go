package desk

import (
	"context"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// The interfaces in this file are what the service needs from durable
// storage. internal/mongo implements them.

// ConversationStore keeps conversations.
type ConversationStore interface {
	CreateConversation(ctx context.Context, c *chat.Conversation) error
	// Conversation returns chat.ErrNotFound (an *chat.Error) when missing.
	Conversation(ctx context.Context, id string) (*chat.Conversation, error)
	UpdateConversation(ctx context.Context, id string, u chat.ConversationUpdate) error
	TouchConversations(ctx context.Context, touches []chat.ConversationTouch) error
	// FindConversations pages through conversations matching f, returning the
	// cursor of the next page ("" at the end).
	FindConversations(ctx context.Context, f chat.ConversationFilter, order chat.SortOrder) ([]*chat.Conversation, string, error)
	// WaitingConversations returns up to limit waiting conversations, oldest first.
	WaitingConversations(ctx context.Context, limit int) ([]*chat.Conversation, error)
	// AssignedConversations returns the conversations an agent owns (status assigned).
	AssignedConversations(ctx context.Context, agentID string) ([]*chat.Conversation, error)
	// PartialUpdatesAtomic reports whether two updates of different fields
	// of one conversation, racing, both take effect. MongoDB: yes.
	// FerretDB (development, tests) rewrites whole documents: no, and the
	// writers of a conversation then take its conversation lock.
	PartialUpdatesAtomic() bool
}

// MessageStore keeps messages. InsertMessage goes through a group-commit
// batcher and returns only once the message is durable (or failed).
type MessageStore interface {
	// InsertMessage returns chat.ErrDuplicateClientID or chat.ErrDuplicateSeq
	// when a unique index refuses the message.
	InsertMessage(ctx context.Context, m *chat.Message) error
	MessageByClientID(ctx context.Context, conversationID, clientID string) (*chat.Message, error)
	// RequeueForSearch queues a stored message for the search index once
	// more: a resend's first attempt may have been stored and then failed
	// to reach the search queue. Indexing the same message twice adds
	// nothing. A store without a search index does nothing.
	RequeueForSearch(ctx context.Context, m *chat.Message) error
	// MessagesAfter returns up to limit messages with seq > after, by seq.
	MessagesAfter(ctx context.Context, conversationID string, after int64, limit int) ([]*chat.Message, error)
	// MaxSeq returns the highest stored seq of a conversation (0 when none;
	// notes, whose seqs are negative, are not counted).
	MaxSeq(ctx context.Context, conversationID string) (int64, error)
	// Notes returns a conversation's internal notes (the messages with a
	// negative seq, chat.NoteSeq) in the order they were written (seq
	// descending), at most 1000.
	Notes(ctx context.Context, conversationID string) ([]*chat.Message, error)
}

// AgentStore keeps agents.
type AgentStore interface {
	// CreateAgent returns chat.ErrDuplicateEmail when the email is taken.
	CreateAgent(ctx context.Context, a *chat.Agent) error
	Agent(ctx context.Context, id string) (*chat.Agent, error)
	AgentByEmail(ctx context.Context, email string) (*chat.Agent, error)
	Agents(ctx context.Context) ([]*chat.Agent, error)
	UpdateAgent(ctx context.Context, a *chat.Agent) error
}

// FormStore keeps the pre-chat form definition.
type FormStore interface {
	// FormFields returns every field (enabled or not) ordered by Order.
	FormFields(ctx context.Context) ([]chat.FormField, error)
	// EnsureFormFields inserts defs only when the collection holds no field.
	EnsureFormFields(ctx context.Context, defs []chat.FormField) error
	// CreateFormField returns chat.ErrDuplicateKey when the key is taken.
	CreateFormField(ctx context.Context, f chat.FormField) error
	UpdateFormField(ctx context.Context, f chat.FormField) error
	DeleteFormField(ctx context.Context, key string) error
}

// SettingsStore keeps installation settings.
type SettingsStore interface {
	// Settings returns chat.DefaultSettings() when none were saved.
	Settings(ctx context.Context) (chat.Settings, error)
	SaveSettings(ctx context.Context, s chat.Settings) error
	// BotSettings returns chat.DefaultBotSettings() when none were saved.
	BotSettings(ctx context.Context) (chat.BotSettings, error)
	SaveBotSettings(ctx context.Context, b chat.BotSettings) error
	// OfficeHours returns chat.DefaultOfficeHours() when none were saved.
	OfficeHours(ctx context.Context) (chat.OfficeHours, error)
	SaveOfficeHours(ctx context.Context, h chat.OfficeHours) error
	// IdentitySettings returns the zero settings (no secret, anonymous
	// visitors welcome) when none were saved.
	IdentitySettings(ctx context.Context) (chat.IdentitySettings, error)
	SaveIdentitySettings(ctx context.Context, s chat.IdentitySettings) error
}

// CannedReplyStore keeps canned replies.
type CannedReplyStore interface {
	// CannedReplies returns the replies owned by any of ownerIDs ("" is
	// the shared scope), sorted by shortcut.
	CannedReplies(ctx context.Context, ownerIDs []string) ([]*chat.CannedReply, error)
	// CannedReply returns chat.ErrNotFound when missing.
	CannedReply(ctx context.Context, id string) (*chat.CannedReply, error)
	// CreateCannedReply and UpdateCannedReply return
	// chat.ErrDuplicateShortcut when the scope has that shortcut already.
	CreateCannedReply(ctx context.Context, r *chat.CannedReply) error
	UpdateCannedReply(ctx context.Context, r *chat.CannedReply) error
	DeleteCannedReply(ctx context.Context, id string) error
}

// StatsStore reads what the admin statistics are computed from.
type StatsStore interface {
	// ConversationsCreatedBetween returns conversations created in
	// [from, to); answers, visitor and preview may be left empty.
	ConversationsCreatedBetween(ctx context.Context, from, to time.Time) ([]*chat.Conversation, error)
	CountWaiting(ctx context.Context) (int, error)
}

// Store is all durable storage.
type Store interface {
	ConversationStore
	MessageStore
	AgentStore
	FormStore
	SettingsStore
	CannedReplyStore
	StatsStore
	AttachmentStore
	ComplianceStore
	ContactIndexStore
	Ping(ctx context.Context) error
}

// ContactIndexStore keeps the per-contact index documents (one customer
// across conversations, chat.ContactIndex), read and written by _id only.
// FerretDB's read-modify-writes are not atomic: the writers of a contact
// hold its Redis lock (contactIndex), and a conversation's contact fields
// are written under its conversation lock.
type ContactIndexStore interface {
	// ContactIndex returns nil (no error) when the contact has none.
	ContactIndex(ctx context.Context, key string) (*chat.ContactIndex, error)
	// SaveContactIndex creates or replaces x.
	SaveContactIndex(ctx context.Context, x *chat.ContactIndex) error
	// DeleteContactIndex removes it; missing is fine.
	DeleteContactIndex(ctx context.Context, key string) error
	// SetConversationContact sets a conversation's ContactKey and
	// ContactConversations (Returning follows: place > 1);
	// chat.ErrNotFound when it is missing.
	SetConversationContact(ctx context.Context, id, key string, place int) error
	// UnindexedConversations returns up to limit conversations that have a
	// phone and no contact key (written before contacts existed), oldest
	// first: the startup backfill.
	UnindexedConversations(ctx context.Context, limit int) ([]*chat.Conversation, error)
	// ContactsBackfilled and MarkContactsBackfilled remember that the
	// backfill finished, so that later starts do not scan again.
	ContactsBackfilled(ctx context.Context) (bool, error)
	MarkContactsBackfilled(ctx context.Context) error
}

// AttachmentStore keeps the bytes of attachments, readable from every node.
type AttachmentStore interface {
	// SaveAttachment stores data under a.ID and, when thumb is not nil, a
	// thumbnail beside it.
	SaveAttachment(ctx context.Context, conversationID string, a *chat.Attachment, data, thumb []byte, thumbType string) error
	// OpenAttachment returns chat.ErrNotFound when the file is missing or
	// belongs to another conversation.
	OpenAttachment(ctx context.Context, conversationID, id string, thumbnail bool) (*chat.StoredFile, error)
	// DeleteAttachment removes a file and its thumbnail; missing is fine.
	DeleteAttachment(ctx context.Context, id string) error
}

// SearchStore keeps the history search index (docs/search.md). Optional:
// without one (unit tests on the in-memory store) a text search finds
// nothing beyond visitor names.
type SearchStore interface {
	// IndexQueued folds up to limit queued segments (and erasure purges)
	// into the index and returns how many it took, 0 when none waited.
	// One caller in the cluster at a time.
	IndexQueued(ctx context.Context, limit int) (int, error)
	// SearchIndexBuilt reports whether a full build completed.
	SearchIndexBuilt(ctx context.Context) (bool, error)
	// RebuildSearch builds the index anew from every stored text.
	RebuildSearch(ctx context.Context) (int, error)
	// SearchHeads returns the head of each of terms that has postings.
	SearchHeads(ctx context.Context, terms []string) (map[string]chat.TermHead, error)
	// SearchChunk returns sealed chunk n of term, oldest first.
	SearchChunk(ctx context.Context, term string, n int) ([]chat.Posting, error)
	// SearchSegments returns the stored segments among keys.
	SearchSegments(ctx context.Context, keys []chat.SegmentKey) (map[chat.SegmentKey]chat.Segment, error)
}
