package desk

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

// transcript stores messages and does what follows a stored message: the
// durable write path (reserve a seq, group-committed insert, give the seq
// back on failure) and then the event, the unread counters, the inbox
// preview. Every message goes through it: visitors', agents', the bot's and
// system notices. It does not decide who may write; its callers do.
type transcript struct {
	store interface {
		MessageStore
	}
	seq      Sequencer
	reserves *reserver // Sequencer.Reserve, batched with concurrent sends
	lock     replyLock
	replays  *replayCache
	touches  *toucher
	updates  *coalescer
	events   *events
	hooks    *webhooks
	now      Clock
	metrics  metricsOrNil
	fail     failures
}

// errResent: the clientId is known; the stored message is returned with it.
var errResent = errors.New("resent")

// requeueForSearch: a resent message is acknowledged as stored, so it must
// also be searchable, even when its first attempt failed between the
// message write and the search queue write. A failure here is logged, not
// returned: the message is durable, and an admin rebuild indexes it.
func (t *transcript) requeueForSearch(ctx context.Context, m *chat.Message) {
	if err := t.store.RequeueForSearch(ctx, m); err != nil {
		t.fail.log.Warn("resent message not queued for search", "conversation", m.ConversationID, "err", err)
	}
}

// append runs the durable write path for a message from sender to c, which
// may carry an attachment (stored already): one Redis round trip reserves
// the seq (checking an agent's reply lock, remembering the clientId and
// raising the other side's unread counter in the same script), then the
// group-committed insert; a failed insert gives the reservation back. It
// returns errResent with the stored message for a known clientId.
func (t *transcript) append(ctx context.Context, c *chat.Conversation, sender Actor, clientID, text string, att *chat.Attachment) (*chat.Message, error) {
	return t.write(ctx, c, sender, newMessage(c, sender, clientID, text, att))
}

// write is append for a message already built.
func (t *transcript) write(ctx context.Context, c *chat.Conversation, sender Actor, m *chat.Message) (*chat.Message, error) {
	clientID := m.ClientID
	r := chat.Reservation{ConversationID: c.ID, ClientID: clientID, AgentID: sender.AgentID(), Unread: unreadSide(m.SenderType)}
	for attempt := 0; attempt < 4; attempt++ {
		res, err := t.reserve(ctx, c, r)
		if err != nil {
			return nil, err
		}
		if res.Reused {
			// A resend: the first attempt may be stored, in flight, or failed.
			if prev, err := t.store.MessageByClientID(ctx, c.ID, clientID); err == nil {
				t.requeueForSearch(ctx, prev)
				return prev, errResent
			}
		}
		m.Seq = res.Seq
		m.CreatedAt = t.now().UTC()
		start := time.Now()
		err = t.store.InsertMessage(ctx, m)
		switch {
		case err == nil:
			t.metrics.messageStored(time.Since(start))
			t.replays.stored(m)
			t.afterStore(ctx, c, m, res)
			return m, nil
		case errors.Is(err, chat.ErrDuplicateClientID):
			prev, ferr := t.store.MessageByClientID(ctx, c.ID, clientID)
			if ferr != nil {
				return nil, t.fail.unavailable(ferr)
			}
			if !res.Reused && prev.Seq != res.Seq {
				_ = t.seq.Unreserve(ctx, r, res.Seq)
			}
			t.requeueForSearch(ctx, prev)
			return prev, errResent
		case errors.Is(err, chat.ErrDuplicateSeq):
			// The counter was rebuilt behind an in-flight write: give back
			// the client id and the unread count (not the seq, which a
			// stored message holds), move the counter past what is stored
			// and try again.
			_ = t.seq.Unreserve(ctx, r, 0)
			max, ferr := t.store.MaxSeq(ctx, c.ID)
			if ferr != nil {
				return nil, t.fail.unavailable(ferr)
			}
			if err := t.seq.RaiseSeq(ctx, c.ID, max); err != nil {
				return nil, t.fail.redis(err)
			}
		default:
			// Not stored (MongoDB down or timed out): give the reservation
			// back so the sequence stays gap-free, and refuse. The client
			// retries with the same clientId. The release must happen even
			// when the request's context is what ended.
			t.metrics.mongoError()
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
			_ = t.seq.Unreserve(rctx, r, res.Seq)
			cancel()
			t.fail.log.Warn("message not stored", "conversation", c.ID, "err", err)
			return nil, chat.ErrUnavailable
		}
	}
	return nil, chat.ErrUnavailable
}

// reserve runs Sequencer.Reserve, repairing what Redis forgot: a missing
// counter is seeded from MongoDB's highest stored seq (a new conversation,
// Redis restarted without persistence), a missing reply lock is restored
// from the conversation's mirror.
func (t *transcript) reserve(ctx context.Context, c *chat.Conversation, r chat.Reservation) (chat.Reserved, error) {
	for attempt := 0; ; attempt++ {
		res, err := t.reserves.reserve(ctx, r)
		switch {
		case err == nil:
			return res, nil
		case errors.Is(err, chat.ErrNotAssigned):
			return res, chat.ErrNotAssigned
		case attempt == 2:
		case errors.Is(err, chat.ErrSeqUnknown):
			max, ferr := t.store.MaxSeq(ctx, c.ID)
			if ferr != nil {
				return res, t.fail.unavailable(ferr)
			}
			if err := t.seq.InitSeq(ctx, c.ID, max); err != nil {
				return res, t.fail.redis(err)
			}
			continue
		case errors.Is(err, chat.ErrNoReplyLock):
			if err := t.lock.mustOwn(ctx, c, r.AgentID); err != nil {
				return res, err
			}
			continue
		}
		return res, t.fail.redis(err)
	}
}

func newMessage(c *chat.Conversation, sender Actor, clientID, text string, att *chat.Attachment) *chat.Message {
	m := &chat.Message{
		ID:             chat.NewID(),
		ConversationID: c.ID,
		ClientID:       clientID,
		Text:           text,
		Kind:           chat.KindText,
		Attachment:     att,
	}
	if att != nil {
		m.Kind = chat.KindFile
		if strings.HasPrefix(att.ContentType, "image/") {
			m.Kind = chat.KindImage
		}
	}
	switch {
	case sender.IsAgent():
		m.SenderType, m.SenderID, m.SenderName = chat.SenderAgent, sender.Agent.ID, sender.Agent.Name
	case sender.Visitor:
		m.SenderType, m.SenderName = chat.SenderVisitor, c.Visitor.Name
	case sender.Bot != "":
		m.SenderType, m.SenderName = chat.SenderBot, sender.Bot
	default:
		m.SenderType = chat.SenderSystem
	}
	return m
}

// afterStore publishes a stored message and records the activity.
func (t *transcript) afterStore(ctx context.Context, c *chat.Conversation, m *chat.Message, res chat.Reserved) {
	published := t.events.publishSoon(ctx, ConversationTopic(c.ID), protocol.EvtMessageCreated, protocol.MessageCreated{Message: m})
	defer published() // after the inbox update below joined the batch
	// The webhook deliveries' insert runs while the event is published.
	defer t.hooks.messageCreated(ctx, c, m)()
	touch := chat.ConversationTouch{ID: c.ID, UpdatedAt: m.CreatedAt}
	if m.SenderType != chat.SenderSystem {
		// The inbox previews what people wrote, not "An đã tham gia...".
		touch.LastMessage = &chat.Preview{Seq: m.Seq, Text: chat.PreviewText(chat.AttachmentPreview(m)), SenderType: m.SenderType, SenderName: m.SenderName, At: m.CreatedAt}
	}
	if unreadSide(m.SenderType) != "" {
		ua, uv := res.UnreadAgent, res.UnreadVisit
		touch.UnreadAgent, touch.UnreadVisit = &ua, &uv
		c.UnreadAgent, c.UnreadVisit = ua, uv
	}
	if m.SenderType == chat.SenderAgent && c.FirstResponseAt == nil {
		// The first agent answer, for the response-time statistics. c was
		// read for this send, so this rides on the activity write (no write
		// of its own) and stops once the stamp is stored. It goes through
		// the toucher rather than a separate update because FerretDB
		// applies updates as read-modify-write of the whole document: two
		// writers racing on one conversation can lose a field. Two nodes
		// answering first in the same flush period are last writer wins,
		// milliseconds apart: good enough for a median.
		at := m.CreatedAt
		touch.FirstResponseAt = &at
		c.FirstResponseAt = &at
	}
	t.touches.add(touch)
	if touch.LastMessage != nil {
		c.LastMessage = touch.LastMessage
	}
	c.UpdatedAt = m.CreatedAt
	t.updates.add(c) // conversation.updated "message", at most one per conversation per window
}

// unreadSide is the side whose unread counter a message raises.
func unreadSide(sender chat.SenderType) string {
	switch sender {
	case chat.SenderVisitor:
		return "agent"
	case chat.SenderAgent, chat.SenderBot:
		return "visitor"
	}
	return ""
}

// system stores a notice in the transcript: text for agents, n for the
// visitor's widget, which words it in the visitor's voice and language.
// Failures are logged, the state change it describes has happened
// regardless.
func (t *transcript) system(ctx context.Context, c *chat.Conversation, n chat.Notice, text string) {
	m := newMessage(c, Actor{}, "sys-"+chat.NewID(), text, nil)
	m.Notice = &n
	if _, err := t.write(ctx, c, Actor{}, m); err != nil && !errors.Is(err, errResent) {
		t.fail.log.Warn("system message not stored", "conversation", c.ID, "err", err)
	}
}
