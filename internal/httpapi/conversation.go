package httpapi

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/desk"
)

func (s *Server) getConversation(c *gin.Context) {
	conv, err := s.svc.Conversations.Conversation(c.Request.Context(), actor(c), c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	out := gin.H{"conversation": viewFor(actor(c), conv), "supportOnline": s.svc.Presence.SupportOnline(c.Request.Context())}
	if conv.Status == chat.StatusWaiting {
		// where it stands in the queue: the REST fallback's queue.position
		if q, err := s.svc.Conversations.QueuePosition(c.Request.Context(), actor(c), conv.ID); err == nil && q != nil {
			out["queue"] = q
		}
	}
	c.JSON(http.StatusOK, out)
}

// viewFor is the conversation as the caller may see it: agents get all of
// it, anyone else (a visitor token) only chat.VisitorView, the one visitor
// projection, so agent-only fields cannot leak through a mixed route.
func viewFor(a desk.Actor, conv *chat.Conversation) any {
	if a.IsAgent() {
		return conv
	}
	return chat.VisitorView(conv)
}

func (s *Server) listMessages(c *gin.Context) {
	after, err := intQuery(c, "after", 0)
	if err != nil {
		s.fail(c, err)
		return
	}
	limit, err := intQuery(c, "limit", 100)
	if err != nil {
		s.fail(c, err)
		return
	}
	ms, err := s.svc.Messages.Messages(c.Request.Context(), actor(c), c.Param("id"), after, int(limit))
	if err != nil {
		s.fail(c, err)
		return
	}
	var next *int64
	if len(ms) > 0 && len(ms) == int(min(max(limit, 1), desk.MaxReplay)) {
		n := ms[len(ms)-1].Seq
		next = &n
	}
	typing, _ := s.svc.Messages.IsTyping(c.Request.Context(), actor(c), c.Param("id"))
	c.JSON(http.StatusOK, gin.H{"items": ms, "next": next, "typing": typing})
}

type sendBody struct {
	Text     string `json:"text"`
	ClientID string `json:"clientId"`
}

func (s *Server) sendMessage(c *gin.Context) {
	var body sendBody
	if err := bind(c, &body); err != nil {
		s.fail(c, err)
		return
	}
	m, resent, err := s.svc.Messages.SendMessage(c.Request.Context(), actor(c), c.Param("id"), body.ClientID, body.Text)
	s.answerSent(c, m, resent, err)
}

// listNotes returns a conversation's internal notes (agents only).
func (s *Server) listNotes(c *gin.Context) {
	ns, err := s.svc.Messages.Notes(c.Request.Context(), actor(c), c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": ns})
}

// addNote stores an internal note: 201 with it, 200 for a resend.
func (s *Server) addNote(c *gin.Context) {
	var body sendBody
	if err := bind(c, &body); err != nil {
		s.fail(c, err)
		return
	}
	m, resent, err := s.svc.Messages.AddNote(c.Request.Context(), actor(c), c.Param("id"), body.ClientID, body.Text)
	if err != nil {
		s.fail(c, err)
		return
	}
	status := http.StatusCreated
	if resent {
		status = http.StatusOK
	}
	c.JSON(status, gin.H{"note": m})
}

// answerSent answers a send: 201 with the new message, 200 with the stored
// one for a resend of a known clientId.
func (s *Server) answerSent(c *gin.Context, m *chat.Message, resent bool, err error) {
	if err != nil {
		s.fail(c, err)
		return
	}
	status := http.StatusCreated
	if resent {
		status = http.StatusOK
	}
	c.JSON(status, gin.H{"message": m})
}

type typingBody struct {
	Typing bool `json:"typing"`
}

func (s *Server) typing(c *gin.Context) {
	var body typingBody
	if err := bind(c, &body); err != nil {
		s.fail(c, err)
		return
	}
	if err := s.svc.Messages.SetTyping(c.Request.Context(), actor(c), c.Param("id"), body.Typing); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

type readBody struct {
	Seq int64 `json:"seq"`
}

func (s *Server) markRead(c *gin.Context) {
	var body readBody
	if err := bind(c, &body); err != nil {
		s.fail(c, err)
		return
	}
	if err := s.svc.Messages.MarkRead(c.Request.Context(), actor(c), c.Param("id"), body.Seq); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *Server) listConversations(c *gin.Context) {
	act := actor(c)
	f, err := parseFilter(c, act)
	if err != nil {
		s.fail(c, err)
		return
	}
	page, err := s.svc.Search.Find(c.Request.Context(), act, f, chat.SortOrder(c.Query("sort")))
	if err != nil {
		s.fail(c, err)
		return
	}
	var nextPtr *string
	if page.Next != "" {
		nextPtr = &page.Next
	}
	c.JSON(http.StatusOK, gin.H{"items": page.Items, "matches": page.Matches, "next": nextPtr})
}

func parseFilter(c *gin.Context, act desk.Actor) (chat.ConversationFilter, error) {
	f := chat.ConversationFilter{Query: strings.TrimSpace(c.Query("q")), Cursor: c.Query("cursor")}
	if len(f.Query) > 100 {
		return f, invalidQuery("q", "Từ khóa tối đa 100 ký tự.")
	}
	if st := c.Query("status"); st != "" {
		for _, p := range strings.Split(st, ",") {
			f.Statuses = append(f.Statuses, chat.Status(strings.TrimSpace(p)))
		}
	}
	if pr := c.Query("priority"); pr != "" {
		for _, p := range strings.Split(pr, ",") {
			f.Priorities = append(f.Priorities, chat.Priority(strings.TrimSpace(p)))
		}
	}
	f.Tag = c.Query("tag")
	switch a := c.Query("assignee"); a {
	case "":
	case "me":
		id := act.AgentID()
		f.AssigneeID = &id
	case "none":
		empty := ""
		f.AssigneeID = &empty
	default:
		f.AssigneeID = &a
	}
	var err error
	if f.From, err = parseTime(c.Query("from"), false); err != nil {
		return f, invalidQuery("from", "Ngày bắt đầu không hợp lệ.")
	}
	if f.To, err = parseTime(c.Query("to"), true); err != nil {
		return f, invalidQuery("to", "Ngày kết thúc không hợp lệ.")
	}
	limit, err := intQuery(c, "limit", 20)
	if err != nil {
		return f, err
	}
	f.Limit = int(limit)
	return f, nil
}

// parseTime accepts RFC 3339 or a bare date; a bare "to" date includes
// that whole day (dates are taken in Vietnam time, UTC+7).
func parseTime(s string, endOfDay bool) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return &t, nil
	}
	t, err := time.ParseInLocation("2006-01-02", s, vietnam)
	if err != nil {
		return nil, err
	}
	if endOfDay {
		t = t.AddDate(0, 0, 1)
	}
	t = t.UTC()
	return &t, nil
}

var vietnam = chat.Vietnam

func intQuery(c *gin.Context, name string, def int64) (int64, error) {
	v := c.Query(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, invalidQuery(name, "Giá trị phải là số nguyên không âm.")
	}
	return n, nil
}

func invalidQuery(field, msg string) error {
	return &chat.Error{Code: chat.EINVALID, Message: "Tham số không hợp lệ.", Fields: map[string]string{field: msg}}
}

type transferBody struct {
	AgentID string `json:"agentId"`
}

func (s *Server) transfer(c *gin.Context) {
	var body transferBody
	if err := bind(c, &body); err != nil {
		s.fail(c, err)
		return
	}
	conv, err := s.svc.Conversations.Transfer(c.Request.Context(), actor(c), c.Param("id"), body.AgentID)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"conversation": conv})
}

// conversationAction is the handler of an agent's bodiless action on a
// conversation (claim, resolve, reopen).
func (s *Server) conversationAction(do func(ctx ctxT, a desk.Actor, id string) (*chat.Conversation, error)) gin.HandlerFunc {
	return func(c *gin.Context) {
		conv, err := do(c.Request.Context(), actor(c), c.Param("id"))
		if err != nil {
			s.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, gin.H{"conversation": conv})
	}
}
