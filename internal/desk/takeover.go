package desk

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

// Takeover (issue #15): an agent who does not own a conversation asks its
// owner for it; the owner accepts or declines; with no answer by the
// deadline the request passes the conversation to the requester when the
// owner is away or offline, and expires otherwise; an admin takes over
// directly. Every step runs under the conversation's lock (convlocks.go)
// and settles the one pending request by compare-and-delete in Redis
// (Takeovers.SettleTakeover), so an answer racing the timeout — on any
// node — has exactly one outcome; the reply lock then moves by the same
// compare-and-set as a transfer. Steps the visitor must not see (asked,
// declined, cancelled, expired) are agent-only notices stored as notes;
// a change of owner is an ordinary system message (NoticeTransferred).

var (
	errNoTakeover        = &chat.Error{Code: chat.ENOTFOUND, Message: "Không có yêu cầu nhận cuộc trò chuyện nào đang chờ."}
	errTakeoverOwnerOnly = &chat.Error{Code: chat.EFORBIDDEN, Message: "Chỉ nhân viên đang phụ trách mới có thể đồng ý hoặc từ chối yêu cầu."}
	errTakeoverNotYours  = &chat.Error{Code: chat.EFORBIDDEN, Message: "Chỉ người gửi yêu cầu mới có thể huỷ yêu cầu."}
	errTakeoverAdminOnly = &chat.Error{Code: chat.EFORBIDDEN, Message: "Chỉ quản trị viên mới có thể nhận ngay cuộc trò chuyện."}
	errTakeoverOwnIt     = &chat.Error{Code: chat.EINVALID, Message: "Bạn đang phụ trách cuộc trò chuyện này."}
	errTakeoverResolved  = &chat.Error{Code: chat.ECONFLICT, Message: "Cuộc trò chuyện đã kết thúc. Hãy mở lại trước khi nhận."}
	errTakeoverSettled   = &chat.Error{Code: chat.ECONFLICT, Message: "Yêu cầu vừa được xử lý, vui lòng tải lại."}
)

// takeovers is what the takeover steps need beyond Conversations' own
// ports: the pending requests, who is available, the agent-only notices,
// and the timer.
type takeovers struct {
	pending Takeovers
	avail   availability
	notes   agentNotes
	tasks   *tasks
	timeout time.Duration
}

// TakeoverTimeout is how long an owner has to answer a request.
func (cs *Conversations) TakeoverTimeout() time.Duration { return cs.takeover.timeout }

// PendingTakeover returns the conversation's pending request, nil when
// there is none (agents only).
func (cs *Conversations) PendingTakeover(ctx context.Context, actor Actor, id string) (*chat.Takeover, error) {
	if err := requireAgent(actor); err != nil {
		return nil, err
	}
	if _, err := cs.store.Conversation(ctx, id); err != nil {
		return nil, cs.fail.unavailable(err)
	}
	t, ok, err := cs.takeover.pending.PendingTakeover(ctx, id)
	if err != nil {
		return nil, cs.fail.redis(err)
	}
	if !ok {
		return nil, nil
	}
	return &t, nil
}

// RequestTakeover asks the owner for the conversation. A waiting
// conversation has no owner to ask: it is simply claimed (the result has
// no request then). Asking again while one's own request is pending
// returns it; another agent's pending request is takeover_pending.
func (cs *Conversations) RequestTakeover(ctx context.Context, actor Actor, id string) (*chat.Conversation, *chat.Takeover, error) {
	var out *chat.Takeover
	c, err := cs.change(ctx, actor, id, func(c *chat.Conversation) (*chat.Conversation, error) {
		if c.Status == chat.StatusResolved {
			return nil, errTakeoverResolved
		}
		owner, err := cs.lock.owner(ctx, c)
		if err != nil {
			return nil, err
		}
		if owner == "" {
			return cs.claimLocked(ctx, actor, c)
		}
		if owner == actor.AgentID() {
			return nil, errTakeoverOwnIt
		}
		now := cs.now().UTC()
		t := chat.Takeover{ID: chat.NewID(), ConversationID: id, RequesterID: actor.Agent.ID, RequesterName: actor.Agent.Name,
			OwnerID: owner, CreatedAt: now, Deadline: now.Add(cs.takeover.timeout)}
		got, err := cs.takeover.pending.OpenTakeover(ctx, t)
		if err != nil {
			return nil, cs.fail.redis(err)
		}
		if got.ID != t.ID {
			if got.RequesterID == actor.Agent.ID {
				out = &got
				return c, nil
			}
			return nil, &chat.Error{Code: chat.ETAKEOVERPENDING, Message: fmt.Sprintf("%s đang xin nhận cuộc trò chuyện này, vui lòng chờ chủ sở hữu trả lời.", got.RequesterName)}
		}
		out = &t
		ownerName := cs.settings.agentName(ctx, owner)
		cs.takeover.notes.write(ctx, c, "takeover:"+t.ID+":requested", chat.Notice{Code: chat.NoticeTakeoverRequested, Name: t.RequesterName},
			fmt.Sprintf("%s xin nhận cuộc trò chuyện từ %s.", t.RequesterName, ownerName))
		cs.events.publish(ctx, AgentsTopic, protocol.EvtTakeoverRequested, protocol.TakeoverRequested{Takeover: &t})
		cs.scheduleTakeover(t)
		return c, nil
	})
	if err != nil {
		return nil, nil, err
	}
	return c, out, nil
}

// AcceptTakeover: the owner agrees, the requester owns the conversation.
func (cs *Conversations) AcceptTakeover(ctx context.Context, actor Actor, id string) (*chat.Conversation, error) {
	return cs.answer(ctx, actor, id, true)
}

// DeclineTakeover: the owner refuses; the conversation stays theirs.
func (cs *Conversations) DeclineTakeover(ctx context.Context, actor Actor, id string) (*chat.Conversation, error) {
	return cs.answer(ctx, actor, id, false)
}

// answer settles the pending request by the current owner's answer. The
// owner who answers is the one holding the lock now (a transfer meanwhile
// hands the question on with the conversation).
func (cs *Conversations) answer(ctx context.Context, actor Actor, id string, accept bool) (*chat.Conversation, error) {
	return cs.change(ctx, actor, id, func(c *chat.Conversation) (*chat.Conversation, error) {
		t, err := cs.pendingOf(ctx, id)
		if err != nil {
			return nil, err
		}
		owner, err := cs.lock.owner(ctx, c)
		if err != nil {
			return nil, err
		}
		if owner == "" || owner != actor.AgentID() {
			return nil, errTakeoverOwnerOnly
		}
		if !accept {
			if err := cs.settle(ctx, t); err != nil {
				return nil, err
			}
			cs.takeover.notes.write(ctx, c, "takeover:"+t.ID+":declined", chat.Notice{Code: chat.NoticeTakeoverDeclined, Name: actor.Agent.Name},
				fmt.Sprintf("%s đã từ chối yêu cầu nhận cuộc trò chuyện của %s.", actor.Agent.Name, t.RequesterName))
			cs.ended(ctx, t, chat.TakeoverDeclined, actor.Agent.Name)
			return c, nil
		}
		to, err := cs.store.Agent(ctx, t.RequesterID)
		if err != nil || to.Disabled {
			// The requester is gone: the request ends without a new owner.
			if err := cs.settle(ctx, t); err != nil {
				return nil, err
			}
			cs.expire(ctx, c, t)
			return nil, &chat.Error{Code: chat.ECONFLICT, Message: "Người gửi yêu cầu không còn hoạt động; yêu cầu đã hết hiệu lực."}
		}
		if err := cs.settle(ctx, t); err != nil {
			return nil, err
		}
		return cs.moveTo(ctx, c, t, owner, to, chat.TakeoverAccepted, actor.Agent.Name)
	})
}

// CancelTakeover withdraws the caller's own pending request.
func (cs *Conversations) CancelTakeover(ctx context.Context, actor Actor, id string) (*chat.Conversation, error) {
	return cs.change(ctx, actor, id, func(c *chat.Conversation) (*chat.Conversation, error) {
		t, err := cs.pendingOf(ctx, id)
		if err != nil {
			return nil, err
		}
		if t.RequesterID != actor.AgentID() {
			return nil, errTakeoverNotYours
		}
		if err := cs.settle(ctx, t); err != nil {
			return nil, err
		}
		cs.takeover.notes.write(ctx, c, "takeover:"+t.ID+":cancelled", chat.Notice{Code: chat.NoticeTakeoverCancelled, Name: t.RequesterName},
			fmt.Sprintf("%s đã huỷ yêu cầu nhận cuộc trò chuyện.", t.RequesterName))
		cs.ended(ctx, t, chat.TakeoverCancelled, actor.Agent.Name)
		return c, nil
	})
}

// ForceTakeover is the admin's "Nhận ngay": the admin owns the conversation
// now, whoever owned it; a pending request of another agent ends
// (superseded).
func (cs *Conversations) ForceTakeover(ctx context.Context, actor Actor, id string) (*chat.Conversation, error) {
	if err := requireAgent(actor); err != nil {
		return nil, err
	}
	if !actor.IsAdmin() {
		return nil, errTakeoverAdminOnly
	}
	return cs.change(ctx, actor, id, func(c *chat.Conversation) (*chat.Conversation, error) {
		if c.Status == chat.StatusResolved {
			return nil, errTakeoverResolved
		}
		owner, err := cs.lock.owner(ctx, c)
		if err != nil {
			return nil, err
		}
		if owner == "" {
			return cs.claimLocked(ctx, actor, c)
		}
		if owner == actor.AgentID() {
			return c, nil
		}
		if t, ok, err := cs.takeover.pending.PendingTakeover(ctx, id); err != nil {
			return nil, cs.fail.redis(err)
		} else if ok {
			if won, err := cs.takeover.pending.SettleTakeover(ctx, id, t.ID); err != nil {
				return nil, cs.fail.redis(err)
			} else if won {
				cs.ended(ctx, t, chat.TakeoverSuperseded, actor.Agent.Name)
			}
		}
		return cs.moveTo(ctx, c, chat.Takeover{}, owner, actor.Agent, "", actor.Agent.Name)
	})
}

// moveTo moves the reply lock from owner to `to` (compare-and-set: only
// while owner still holds it) and records the change; t is the request it
// settles (zero for an admin's direct takeover), outcome its outcome.
// Called under the conversation lock, after the request was settled.
func (cs *Conversations) moveTo(ctx context.Context, c *chat.Conversation, t chat.Takeover, owner string, to *chat.Agent, outcome, byName string) (*chat.Conversation, error) {
	got, err := cs.replyLocks.Transfer(ctx, c.ID, owner, to.ID)
	if err != nil {
		if t.ID != "" {
			cs.expire(ctx, c, t)
		}
		return nil, cs.fail.redis(err)
	}
	if got != to.ID {
		if t.ID != "" {
			cs.expire(ctx, c, t)
		}
		return nil, errOwnerChanged
	}
	c, err = cs.owners.record(ctx, c, to, chat.ChangeTakenOver, owner)
	if err != nil {
		return nil, err
	}
	if t.ID != "" {
		cs.ended(ctx, t, outcome, byName)
	}
	return c, nil
}

// claimLocked gives an unowned conversation to actor (Claim, under the
// conversation lock already held).
func (cs *Conversations) claimLocked(ctx context.Context, actor Actor, c *chat.Conversation) (*chat.Conversation, error) {
	won, err := cs.replyLocks.Claim(ctx, c.ID, actor.AgentID())
	if err != nil {
		return nil, cs.fail.redis(err)
	}
	if won != actor.AgentID() {
		return nil, cs.owners.alreadyAssigned(ctx, won)
	}
	return cs.owners.record(ctx, c, actor.Agent, chat.ChangeClaimed, "")
}

func (cs *Conversations) pendingOf(ctx context.Context, id string) (chat.Takeover, error) {
	t, ok, err := cs.takeover.pending.PendingTakeover(ctx, id)
	if err != nil {
		return chat.Takeover{}, cs.fail.redis(err)
	}
	if !ok {
		return chat.Takeover{}, errNoTakeover
	}
	return t, nil
}

// settle wins the request for the caller or says it was settled already.
func (cs *Conversations) settle(ctx context.Context, t chat.Takeover) error {
	won, err := cs.takeover.pending.SettleTakeover(ctx, t.ConversationID, t.ID)
	if err != nil {
		return cs.fail.redis(err)
	}
	if !won {
		return errTakeoverSettled
	}
	return nil
}

// expire records a settled request that ends without a new owner.
func (cs *Conversations) expire(ctx context.Context, c *chat.Conversation, t chat.Takeover) {
	cs.takeover.notes.write(ctx, c, "takeover:"+t.ID+":expired", chat.Notice{Code: chat.NoticeTakeoverExpired, Name: t.RequesterName},
		fmt.Sprintf("Yêu cầu nhận cuộc trò chuyện của %s đã hết hạn.", t.RequesterName))
	cs.ended(ctx, t, chat.TakeoverExpired, "")
}

func (cs *Conversations) ended(ctx context.Context, t chat.Takeover, outcome, byName string) {
	cs.events.publish(ctx, AgentsTopic, protocol.EvtTakeoverEnded, protocol.TakeoverEnded{Takeover: &t, Outcome: outcome, ByName: byName})
}

// scheduleTakeover times the request out on this node at its deadline;
// the janitors of every node (SweepTakeovers) stand in if this node dies.
func (cs *Conversations) scheduleTakeover(t chat.Takeover) {
	time.AfterFunc(time.Until(t.Deadline)+10*time.Millisecond, func() {
		cs.takeover.tasks.goWithin(30*time.Second, func(ctx context.Context) {
			cs.timeoutTakeover(ctx, t.ConversationID)
		})
	})
}

// sweepTakeovers times out every due request (the janitor, on each node).
func (cs *Conversations) sweepTakeovers(ctx context.Context) {
	ids, err := cs.takeover.pending.DueTakeovers(ctx, cs.now())
	if err != nil {
		return
	}
	for _, id := range ids {
		cs.timeoutTakeover(ctx, id)
	}
}

// timeoutTakeover ends a request whose deadline passed: to the requester
// when the owner is away or offline (and the requester online), expired
// otherwise. Under the conversation lock and settled by compare-and-delete:
// the nodes and answers racing it produce one outcome.
func (cs *Conversations) timeoutTakeover(ctx context.Context, id string) {
	_, err := cs.locks.with(ctx, id, func(c *chat.Conversation) (*chat.Conversation, error) {
		t, ok, err := cs.takeover.pending.PendingTakeover(ctx, id)
		if err != nil {
			return nil, cs.fail.redis(err)
		}
		if !ok {
			// Settled already (or lapsed): drop its due entry.
			_, _ = cs.takeover.pending.SettleTakeover(ctx, id, "")
			return c, nil
		}
		if t.Deadline.After(cs.now()) {
			return c, nil
		}
		owner, err := cs.lock.owner(ctx, c)
		if err != nil {
			return nil, err
		}
		pass := false
		var to *chat.Agent
		if owner != "" && owner != t.RequesterID && c.Status == chat.StatusAssigned {
			online, away, err := cs.takeover.avail.sets(ctx)
			if err != nil {
				return nil, cs.fail.redis(err)
			}
			if !online[owner] || away[owner] {
				if a, err := cs.store.Agent(ctx, t.RequesterID); err == nil && !a.Disabled && online[t.RequesterID] {
					pass, to = true, a
				}
			}
		}
		if err := cs.settle(ctx, t); err != nil {
			return nil, err
		}
		if !pass {
			cs.expire(ctx, c, t)
			return c, nil
		}
		return cs.moveTo(ctx, c, t, owner, to, chat.TakeoverPassed, "")
	})
	if err != nil && !errors.Is(err, errTakeoverSettled) && !errors.Is(err, errOwnerChanged) {
		cs.log.Warn("takeover timeout failed; the janitor retries", "conversation", id, "err", err)
	}
}

// agentNotes writes system notices only agents see: stored as notes
// (notes.go), outside the visitor's sequence, published as note.created
// on the agents' topic. The clientId names the step, so a step is stored
// once.
type agentNotes struct {
	store  MessageStore
	seqs   Sequencer
	events *events
	now    Clock
	log    failures
}

func (n agentNotes) write(ctx context.Context, c *chat.Conversation, step string, notice chat.Notice, text string) {
	after := int64(0)
	if seq, ok, err := n.seqs.CurrentSeq(ctx, c.ID); err == nil && ok {
		after = seq
	} else if c.LastMessage != nil {
		after = c.LastMessage.Seq
	}
	now := n.now().UTC()
	m := &chat.Message{ID: chat.NewID(), ConversationID: c.ID, Seq: chat.NoteSeq(now.UnixMicro()), ClientID: chat.NoteClientIDPrefix + step,
		SenderType: chat.SenderSystem, Text: text, Kind: chat.KindText, Notice: &notice, Note: &chat.NoteInfo{AfterSeq: after}, CreatedAt: now}
	for attempt := 0; ; attempt++ {
		err := n.store.InsertMessage(ctx, m)
		switch {
		case err == nil:
			n.events.publish(ctx, AgentsTopic, protocol.EvtNoteCreated, protocol.NoteCreated{Note: m})
			return
		case errors.Is(err, chat.ErrDuplicateSeq) && attempt < 8:
			m.Seq--
			continue
		case errors.Is(err, chat.ErrDuplicateClientID):
			return
		}
		// The step itself happened (and its event tells the agents); only
		// its line in the transcript is missing.
		n.log.log.Error("storing a takeover notice failed", "conversation", c.ID, "step", step, "err", err)
		n.log.metrics.mongoError()
		return
	}
}
