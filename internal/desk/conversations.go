package desk

import (
	"context"
	"log/slog"
	"time"

	"github.com/chatdesk/chatdesk/internal/auth"
	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

// Conversations opens, finds and hands over conversations: the pre-chat
// form, search, claim, transfer, resolve, reopen, triage, rating and the
// visitor's request for a person.
type Conversations struct {
	pages *Pages
	store interface {
		ConversationStore
		AgentStore
		StatsStore
	}
	convs      convReader
	settings   *settingsCache
	tokens     *auth.Tokens
	transcript *transcript
	owners     *ownership
	lock       replyLock
	locks      convLocks
	replyLocks ReplyLocks
	route      *router
	bot        *botRunner
	events     *events
	hooks      *webhooks
	mail       *mailer
	limits     limits
	now        Clock
	fail       failures
	log        *slog.Logger
	blocks     *blockCache
	privacy    *privacyCache
	challenges *challenges
	waits      *typicalWait
	takeover   takeovers
	contacts   *contactIndex
}

// NewConversation is a submitted pre-chat form with what the transport knows
// about the visitor.
type NewConversation struct {
	Fields    map[string]any
	PageURL   string
	Referrer  string
	UserAgent string
	IP        string
	// UserID and Hash are the identity the page claims (ChatDesk.setUser):
	// Hash is hex HMAC-SHA256(UserID, the identity secret), computed by
	// the shop's server.
	UserID string
	Hash   string
	// Consent is what the visitor did with the privacy notice (nil: the
	// form showed none).
	Consent *Consent
	// Challenge is the widget's answer to the form's spam protection.
	Challenge ChallengeAnswer
}

// Created is the answer to a form submission.
type Created struct {
	Conversation *chat.Conversation `json:"conversation"`
	VisitorToken string             `json:"visitorToken"`
}

// CreateConversation validates the form, stores the conversation, issues the
// visitor token, stores the form's message as the first message and assigns
// an agent (or leaves it waiting).
func (cs *Conversations) CreateConversation(ctx context.Context, in NewConversation) (*Created, error) {
	if err := cs.limits.take(ctx, "conv-ip", in.IP); err != nil {
		return nil, err
	}
	ident, err := cs.settings.identity(ctx)
	if err != nil {
		return nil, cs.fail.unavailable(err)
	}
	userID, err := chat.CheckIdentity(ident, in.UserID, in.Hash)
	if err != nil {
		return nil, err
	}
	defs, err := cs.settings.formFields(ctx)
	if err != nil {
		return nil, cs.fail.unavailable(err)
	}
	answers, err := chat.ValidateSubmission(defs, in.Fields)
	if err != nil {
		return nil, err
	}
	consent, err := cs.privacy.consentFor(ctx, in.Consent, cs.now)
	if err != nil {
		return nil, cs.fail.unavailable(err)
	}
	// Spent only once the form is valid: a visitor who corrects a field
	// sends the same answer again.
	if err := cs.challenges.verify(ctx, in.Challenge); err != nil {
		return nil, err
	}
	if cs.blocks.match(ctx, "", chat.AnswerValue(answers, chat.KeyPhone), in.IP) != nil {
		return nil, chat.ErrBlocked
	}
	now := cs.now().UTC()
	c := &chat.Conversation{
		ID:      chat.NewID(),
		Status:  chat.StatusWaiting,
		Answers: answers,
		Visitor: chat.Visitor{
			Name:  chat.AnswerValue(answers, chat.KeyName),
			Phone: chat.AnswerValue(answers, chat.KeyPhone),
			// Only http(s) addresses are kept: agents open them.
			PageURL:   truncate(chat.CleanPageURL(in.PageURL), 2000),
			Referrer:  truncate(chat.CleanPageURL(in.Referrer), 2000),
			UserAgent: truncate(in.UserAgent, 500),
			Browser:   chat.DescribeUserAgent(in.UserAgent),
			IP:        in.IP,
			UserID:    userID,
			Verified:  userID != "",
		},
		CreatedAt:   now,
		UpdatedAt:   now,
		Priority:    chat.PriorityNormal,
		Tags:        []string{},
		Privacy:     consent,
		LeftMessage: cs.route.avail.leftMessage(ctx),
	}
	admitted := cs.contacts.admit(ctx, c)
	err = cs.store.CreateConversation(ctx, c)
	admitted(err == nil)
	if err != nil {
		return nil, cs.fail.unavailable(err)
	}
	cs.hooks.conversationCreated(ctx, c)
	token, err := cs.tokens.IssueVisitor(c.ID)
	if err != nil {
		return nil, err
	}
	visitor := Actor{Visitor: true, ConversationID: c.ID}
	if text := chat.AnswerValue(answers, chat.KeyMessage); text != "" {
		if _, err := cs.transcript.append(ctx, c, visitor, "form-"+c.ID, text, nil); err != nil {
			cs.log.Warn("storing the form message failed", "conversation", c.ID, "err", err)
		}
	}
	cs.events.conversation(ctx, c, protocol.EvtConversationCreated, "")
	if assigned, err := cs.route.assignNew(ctx, c); err != nil {
		cs.log.Warn("assignment failed; conversation stays waiting", "conversation", c.ID, "err", err)
	} else {
		c = assigned
	}
	if c.Status == chat.StatusWaiting && chat.AnswerValue(answers, chat.KeyMessage) != "" {
		cs.bot.wake(c.ID)
	}
	cs.mail.waiting(ctx, c)
	return &Created{Conversation: c, VisitorToken: token}, nil
}

// Conversation returns one conversation to its visitor or to any agent.
func (cs *Conversations) Conversation(ctx context.Context, actor Actor, id string) (*chat.Conversation, error) {
	if err := canRead(actor, id); err != nil {
		return nil, err
	}
	c, err := cs.store.Conversation(ctx, id)
	if err != nil {
		return nil, cs.fail.unavailable(err)
	}
	return cs.pages.live(ctx, c), nil
}

// ConversationForSession returns a conversation the actor may read, served
// from the short-lived cache: for hello, join and sync, where a few seconds
// of staleness of the snapshot are harmless (live events follow).
func (cs *Conversations) ConversationForSession(ctx context.Context, actor Actor, id string) (*chat.Conversation, error) {
	if err := canRead(actor, id); err != nil {
		return nil, err
	}
	c, err := cs.convs.get(ctx, id)
	if err != nil {
		return nil, cs.fail.unavailable(err)
	}
	return c, nil
}

// ListConversations searches conversations for agents.
func (cs *Conversations) ListConversations(ctx context.Context, actor Actor, f chat.ConversationFilter, order chat.SortOrder) ([]*chat.Conversation, string, error) {
	if err := requireAgent(actor); err != nil {
		return nil, "", err
	}
	if f.Limit <= 0 {
		f.Limit = 20
	}
	if f.Limit > chat.MaxPageSize {
		f.Limit = chat.MaxPageSize
	}
	for _, st := range f.Statuses {
		if !st.Valid() {
			return nil, "", &chat.Error{Code: chat.EINVALID, Message: "Trạng thái không hợp lệ.", Fields: map[string]string{"status": "Trạng thái không hợp lệ."}}
		}
	}
	for _, p := range f.Priorities {
		if !p.Valid() {
			return nil, "", &chat.Error{Code: chat.EINVALID, Message: "Mức ưu tiên không hợp lệ.", Fields: map[string]string{"priority": "Mức ưu tiên phải là low, normal, high hoặc urgent."}}
		}
	}
	if f.Tag != "" {
		tag, err := chat.CleanTag(f.Tag)
		if err != nil {
			return nil, "", &chat.Error{Code: chat.EINVALID, Message: "Nhãn không hợp lệ.", Fields: map[string]string{"tag": "Nhãn không hợp lệ."}}
		}
		f.Tag = tag
	}
	if order != chat.SortCreatedDesc && order != chat.SortPriority {
		order = chat.SortUpdatedDesc
	}
	items, next, err := cs.store.FindConversations(ctx, f, order)
	if err != nil {
		return nil, "", cs.fail.unavailable(err)
	}
	return items, next, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// stamp is now at the precision BSON stores (milliseconds), so what a write
// answers equals what a later read returns.
func stamp(now Clock) time.Time { return now().UTC().Truncate(time.Millisecond) }
