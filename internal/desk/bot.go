package desk

import (
	"context"
	"log/slog"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

// botRunner lets the optional bot answer waiting visitors (docs/
// architecture.md, Bot). It runs in the background after the visitor's
// message was stored and acknowledged: the bot never delays it.
type botRunner struct {
	client BotClient
	store  interface {
		ConversationStore
		MessageStore
	}
	settings   *settingsCache
	locks      convLocks
	named      NamedLocks
	transcript *transcript
	events     *events
	avail      availability
	tasks      *tasks
	now        Clock
	metrics    metricsOrNil
	log        *slog.Logger
	nodeID     string
	every      time.Duration // the janitor's period: one sweep per tick
}

// wake lets the bot consider a conversation.
func (b *botRunner) wake(id string) {
	if b.client == nil {
		return
	}
	b.tasks.goWithin(2*time.Minute, func(ctx context.Context) { b.run(ctx, id) })
}

// run answers the conversation's latest visitor message if the bot may
// speak. One turn per conversation at a time across nodes (the "bot:" lock);
// a wake that finds the lock taken waits for it, then finds the message
// answered or answers it, so a burst of visitor messages gets answers
// without duplicates.
func (b *botRunner) run(ctx context.Context, id string) {
	set, err := b.settings.botSettings(ctx)
	if err != nil || !set.Enabled {
		return
	}
	turn := time.Duration(set.TimeoutSeconds)*time.Second + 15*time.Second
	unlock, err := waitLock(ctx, b.named, "bot:"+id, b.nodeID+"/"+chat.NewID(), turn, turn)
	if err != nil || unlock == nil {
		return
	}
	defer unlock()
	c, err := b.store.Conversation(ctx, id)
	if err != nil || !b.maySpeak(ctx, set, c) {
		return
	}
	history, err := b.recentMessages(ctx, id)
	if err != nil || !awaitsAnswer(history) {
		return
	}
	b.typing(ctx, set, id, true)
	answer, err := b.ask(ctx, set, c, history)
	b.typing(ctx, set, id, false)
	if err != nil {
		b.metrics.botCall("error")
		b.log.Warn("bot did not answer", "conversation", id, "err", err)
		return
	}
	if answer = chat.CleanBotAnswer(answer); answer == "" {
		b.metrics.botCall("empty")
		return
	}
	// An agent may have taken the conversation while the bot composed:
	// check again under the conversation lock, which every ownership change
	// holds, so the answer is stored only while nobody owns it.
	_, err = b.locks.with(ctx, id, func(c *chat.Conversation) (*chat.Conversation, error) {
		if !b.maySpeak(ctx, set, c) {
			b.metrics.botCall("dropped")
			return c, nil
		}
		if _, err := b.transcript.append(ctx, c, Actor{Bot: set.Name}, "bot-"+chat.NewID(), answer, nil); err != nil {
			return nil, err
		}
		b.metrics.botCall("answered")
		return c, nil
	})
	if err != nil {
		b.log.Warn("bot answer not stored", "conversation", id, "err", err)
	}
}

func (b *botRunner) ask(ctx context.Context, set chat.BotSettings, c *chat.Conversation, history []*chat.Message) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Duration(set.TimeoutSeconds)*time.Second)
	defer cancel()
	return b.client.Complete(ctx, set, chat.BotPrompt(set, c, history))
}

// maySpeak: enabled, nobody owns the conversation, the visitor has not
// asked for a person, and no agent is online or the wait is over.
func (b *botRunner) maySpeak(ctx context.Context, set chat.BotSettings, c *chat.Conversation) bool {
	if !set.Enabled || c.Status != chat.StatusWaiting || c.HandoffAt != nil {
		return false
	}
	if set.WaitSeconds > 0 && b.now().Sub(c.CreatedAt) >= time.Duration(set.WaitSeconds)*time.Second {
		return true
	}
	return !b.avail.supportOnline(ctx)
}

// recentMessages returns about the last chat.BotHistory messages.
func (b *botRunner) recentMessages(ctx context.Context, id string) ([]*chat.Message, error) {
	last, err := b.store.MaxSeq(ctx, id)
	if err != nil {
		return nil, err
	}
	return b.store.MessagesAfter(ctx, id, max(0, last-2*chat.BotHistory), 2*chat.BotHistory)
}

// awaitsAnswer: the latest message that is not a system notice is the
// visitor's.
func awaitsAnswer(history []*chat.Message) bool {
	for i := len(history) - 1; i >= 0; i-- {
		switch history[i].SenderType {
		case chat.SenderSystem:
			continue
		case chat.SenderVisitor:
			return true
		default:
			return false
		}
	}
	return false
}

func (b *botRunner) typing(ctx context.Context, set chat.BotSettings, id string, typing bool) {
	b.events.publish(ctx, ConversationTopic(id), protocol.EvtTyping, protocol.Typing{ConversationID: id, SenderType: chat.SenderBot, SenderName: set.Name, Typing: typing})
}

// sweep wakes the bot for conversations that have waited longer than the
// configured time since their visitor last wrote. One node sweeps per
// janitor tick.
func (b *botRunner) sweep(ctx context.Context) {
	if b.client == nil {
		return
	}
	set, err := b.settings.botSettings(ctx)
	if err != nil || !set.Enabled || set.WaitSeconds == 0 {
		return
	}
	unlock, err := b.named.TryLock(ctx, "botsweep", b.nodeID, b.every)
	if err != nil || unlock == nil {
		return
	}
	defer unlock()
	waiting, err := b.store.WaitingConversations(ctx, 200)
	if err != nil {
		return
	}
	for _, c := range waiting {
		due := b.now().Sub(c.CreatedAt) >= time.Duration(set.WaitSeconds)*time.Second
		if due && c.HandoffAt == nil && c.LastMessage != nil && c.LastMessage.SenderType == chat.SenderVisitor {
			b.wake(c.ID)
		}
	}
}
