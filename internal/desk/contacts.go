package desk

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// Contacts shows agents one customer across conversations — the same
// normalized phone, unless an admin separated them — and lets admins
// correct a wrong merge (#15). Everything here is agent-only: a visitor
// asking gets not_found, as for notes.
type Contacts struct {
	store Store
	convs convReader
	index *contactIndex
	audit auditLog
	fail  failures
}

// Bounds of the visitor panel: it reads the index (one document by _id),
// then at most contactShown conversations by _id through the cache, and
// the notes of the contactNoteConvs newest of them.
const (
	contactShown     = 20
	contactNoteConvs = 5
	contactNotes     = 20
)

// ContactView is the visitor panel's "customer" section for one
// conversation.
type ContactView struct {
	ConversationID string `json:"conversationId"`
	// Total counts the contact's conversations, this one included.
	Total     int  `json:"total"`
	Returning bool `json:"returning"`
	// Detached says an admin separated this conversation from the
	// contact its phone would give it.
	Detached      bool          `json:"detached"`
	FirstSeen     *time.Time    `json:"firstSeen"`
	Conversations []ContactLine `json:"conversations"`
	Notes         []ContactNote `json:"notes"`
}

// ContactLine is one other conversation of the contact.
type ContactLine struct {
	ID           string      `json:"id"`
	CreatedAt    time.Time   `json:"createdAt"`
	Status       chat.Status `json:"status"`
	AssigneeName string      `json:"assigneeName"`
	Stars        int         `json:"stars"` // 0: not rated
	FirstLine    string      `json:"firstLine"`
}

// ContactNote is an internal note from another conversation of the
// contact.
type ContactNote struct {
	ID             string    `json:"id"`
	ConversationID string    `json:"conversationId"`
	SenderName     string    `json:"senderName"`
	Text           string    `json:"text"`
	CreatedAt      time.Time `json:"createdAt"`
}

// Contact returns the contact of a conversation: its other conversations,
// newest first, and the notes written in them, newest first. Agents only.
func (ct *Contacts) Contact(ctx context.Context, actor Actor, id string) (*ContactView, error) {
	if actor.Visitor {
		return nil, chat.ErrNotFound
	}
	if err := requireAgent(actor); err != nil {
		return nil, err
	}
	c, err := ct.convs.get(ctx, id)
	if err != nil {
		return nil, ct.fail.unavailable(err)
	}
	v := &ContactView{ConversationID: id, Total: 1, Conversations: []ContactLine{}, Notes: []ContactNote{}}
	v.Detached = c.ContactKey != "" && c.ContactKey == chat.DetachedContactKey(c.ID)
	if c.ContactKey == "" {
		return v, nil
	}
	x, err := ct.index.read(ctx, c.ContactKey)
	if err != nil {
		return nil, err
	}
	if len(x.Conversations) > 0 {
		v.Total = len(x.Conversations)
		first := x.FirstSeen
		v.FirstSeen = &first
	}
	v.Returning = x.Position(id) > 1
	for i := len(x.Conversations) - 1; i >= 0 && len(v.Conversations) < contactShown; i-- {
		e := x.Conversations[i]
		if e.ID == id {
			continue
		}
		o, err := ct.convs.get(ctx, e.ID)
		if chat.ErrorCode(err) == chat.ENOTFOUND {
			continue // erased; the eraser is taking it out of the index
		} else if err != nil {
			return nil, ct.fail.unavailable(err)
		}
		line := ContactLine{ID: o.ID, CreatedAt: o.CreatedAt, Status: o.Status, AssigneeName: o.AssigneeName, FirstLine: chat.FirstLine(o)}
		if o.Rating != nil {
			line.Stars = o.Rating.Stars
		}
		v.Conversations = append(v.Conversations, line)
	}
	for i, o := range v.Conversations {
		if i == contactNoteConvs {
			break
		}
		ns, err := ct.store.Notes(ctx, o.ID)
		if err != nil {
			return nil, ct.fail.unavailable(err)
		}
		for _, n := range ns {
			v.Notes = append(v.Notes, ContactNote{ID: n.ID, ConversationID: o.ID, SenderName: n.SenderName, Text: n.Text, CreatedAt: n.CreatedAt})
		}
	}
	sort.SliceStable(v.Notes, func(i, j int) bool { return v.Notes[i].CreatedAt.After(v.Notes[j].CreatedAt) })
	if len(v.Notes) > contactNotes {
		v.Notes = v.Notes[:contactNotes]
	}
	return v, nil
}

// Relink actions.
const (
	RelinkDetach = "detach" // "Tách khỏi khách này": a contact of its own
	RelinkAttach = "attach" // back to its phone's contact, or to another conversation's
)

// RelinkRequest is an admin's correction of a conversation's contact.
type RelinkRequest struct {
	Action string `json:"action"`
	// To, for attach: the conversation whose contact it joins; empty:
	// the contact of its own phone.
	To string `json:"to"`
}

var errRelink = &chat.Error{Code: chat.EINVALID, Message: "Thao tác không hợp lệ.", Fields: map[string]string{"action": "Chọn tách (detach) hoặc gắn lại (attach)."}}

// Relink moves a conversation to another contact — its own (detach), its
// phone's, or another conversation's (attach) — renumbering both
// contacts, and writes the audit log. Admins only.
func (ct *Contacts) Relink(ctx context.Context, actor Actor, id string, r RelinkRequest) (*ContactView, error) {
	if actor.Visitor {
		return nil, chat.ErrNotFound
	}
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	c, err := ct.store.Conversation(ctx, id)
	if err != nil {
		return nil, ct.fail.unavailable(err)
	}
	if c.AnonymizedAt != nil {
		return nil, &chat.Error{Code: chat.ECONFLICT, Message: "Cuộc trò chuyện đã được ẩn danh, không thể gắn với khách."}
	}
	var to string
	switch r.Action {
	case RelinkDetach:
		to = chat.DetachedContactKey(id)
	case RelinkAttach:
		if r.To == "" || r.To == id {
			to = chat.ContactKeyOf(c)
			if to == "" {
				return nil, &chat.Error{Code: chat.EINVALID, Message: "Cuộc trò chuyện không có số điện thoại để gắn lại.", Fields: map[string]string{"to": "Chọn cuộc trò chuyện để gắn vào."}}
			}
		} else {
			o, err := ct.store.Conversation(ctx, r.To)
			if chat.ErrorCode(err) == chat.ENOTFOUND {
				return nil, &chat.Error{Code: chat.EINVALID, Message: "Không tìm thấy cuộc trò chuyện để gắn vào.", Fields: map[string]string{"to": "Không tìm thấy cuộc trò chuyện."}}
			} else if err != nil {
				return nil, ct.fail.unavailable(err)
			}
			if o.ContactKey == "" {
				return nil, &chat.Error{Code: chat.EINVALID, Message: "Cuộc trò chuyện này không gắn với khách nào.", Fields: map[string]string{"to": "Cuộc trò chuyện này không gắn với khách nào."}}
			}
			to = o.ContactKey
		}
	default:
		return nil, errRelink
	}
	from := c.ContactKey
	if from != to {
		if err := ct.move(ctx, id, c.CreatedAt, from, to); err != nil {
			return nil, err
		}
		detail := fmt.Sprintf("Tách cuộc trò chuyện %s khỏi khách %s.", id, maskKey(from))
		if r.Action == RelinkAttach {
			detail = fmt.Sprintf("Gắn cuộc trò chuyện %s vào khách %s (trước đó: %s).", id, maskKey(to), maskKey(from))
		}
		ct.audit.record(ctx, actor, chat.AuditContactRelinked, id, detail)
	}
	return ct.Contact(ctx, actor, id)
}

// move takes a conversation out of one contact and into another, under
// both contacts' locks.
func (ct *Contacts) move(ctx context.Context, id string, createdAt time.Time, from, to string) error {
	unlock, err := ct.index.lockBoth(ctx, from, to)
	if err != nil {
		return err
	}
	defer unlock()
	if from != "" {
		x, err := ct.index.read(ctx, from)
		if err != nil {
			return err
		}
		x.Remove(id)
		if err := ct.index.save(ctx, x); err != nil {
			return ct.fail.unavailable(err)
		}
		if err := ct.index.renumber(ctx, x, true); err != nil {
			return err
		}
	}
	y, err := ct.index.read(ctx, to)
	if err != nil {
		return err
	}
	y.Add(chat.ContactEntry{ID: id, CreatedAt: createdAt})
	if err := ct.index.save(ctx, y); err != nil {
		return ct.fail.unavailable(err)
	}
	return ct.index.renumber(ctx, y, true)
}

// maskKey names a contact in the audit log without its phone.
func maskKey(key string) string {
	switch {
	case key == "":
		return "(không có)"
	case len(key) > 2 && key[:2] == "c:":
		return "riêng"
	}
	return chat.MaskPhone(key)
}
