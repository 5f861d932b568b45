package inmem

import (
	"slices"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// The store keeps its own deep copies, made on the way in and on the way
// out, so no caller can change stored state through a pointer or a slice.
// The copies also apply what a MongoDB round trip does to a value: dates
// keep milliseconds and read back in UTC, lists read back as [] rather
// than nil, defaults fill what older documents lack.

// ms is a time as a BSON date keeps it.
func ms(t time.Time) time.Time { return time.UnixMilli(t.UnixMilli()).UTC() }

func msPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := ms(*t)
	return &v
}

// strings copies a list, never returning nil.
func copyStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return slices.Clone(s)
}

func cloneConversation(c *chat.Conversation) *chat.Conversation {
	out := *c
	out.Answers = make([]chat.Answer, len(c.Answers))
	copy(out.Answers, c.Answers)
	out.Tags = copyStrings(c.Tags)
	out.Priority = c.Priority.OrDefault()
	out.CreatedAt = ms(c.CreatedAt)
	out.UpdatedAt = ms(c.UpdatedAt)
	out.AssignedAt = msPtr(c.AssignedAt)
	out.ResolvedAt = msPtr(c.ResolvedAt)
	out.FirstResponseAt = msPtr(c.FirstResponseAt)
	out.FirstResolvedAt = msPtr(c.FirstResolvedAt)
	out.HandoffAt = msPtr(c.HandoffAt)
	out.LastMessage = clonePreview(c.LastMessage)
	out.Rating = cloneRating(c.Rating)
	out.AnonymizedAt = msPtr(c.AnonymizedAt)
	if c.Privacy != nil {
		p := *c.Privacy
		p.At = ms(p.At)
		out.Privacy = &p
	}
	return &out
}

func clonePreview(p *chat.Preview) *chat.Preview {
	if p == nil {
		return nil
	}
	out := *p
	out.At = ms(p.At)
	return &out
}

func cloneRating(r *chat.Rating) *chat.Rating {
	if r == nil {
		return nil
	}
	out := *r
	out.At = ms(r.At)
	return &out
}

func cloneMessage(m *chat.Message) *chat.Message {
	out := *m
	if out.Kind == "" {
		out.Kind = chat.KindText // as documents stored before kinds existed
	}
	if m.Attachment != nil {
		a := *m.Attachment
		out.Attachment = &a
	}
	if m.Notice != nil {
		n := *m.Notice
		out.Notice = &n
	}
	if m.Note != nil {
		n := *m.Note
		n.Mentions = slices.Clone(n.Mentions)
		out.Note = &n
	}
	out.CreatedAt = ms(m.CreatedAt)
	return &out
}

func cloneAgent(a *chat.Agent) *chat.Agent {
	out := *a
	// Stored normalised: the unique index compares emails exactly.
	out.Email = chat.NormalizeEmail(a.Email)
	out.CreatedAt = ms(a.CreatedAt)
	out.UpdatedAt = ms(a.UpdatedAt)
	return &out
}

func cloneCanned(r *chat.CannedReply) *chat.CannedReply {
	out := *r
	out.CreatedAt = ms(r.CreatedAt)
	out.UpdatedAt = ms(r.UpdatedAt)
	return &out
}

func cloneFormField(f chat.FormField) chat.FormField {
	f.Options = copyStrings(f.Options)
	return f
}

func cloneSettings(s chat.Settings) chat.Settings {
	s.AllowedOrigins = copyStrings(s.AllowedOrigins)
	s.Greetings = append([]chat.GreetingRule{}, s.Greetings...) // nil reads back as [], as through BSON
	return s
}

// cloneOfficeHours copies the week and the holidays; nil lists read back
// as empty ones, as through BSON in internal/mongo.
func cloneOfficeHours(h chat.OfficeHours) chat.OfficeHours {
	h.Week = append([]chat.DayHours{}, h.Week...)
	h.Holidays = copyStrings(h.Holidays)
	return h
}

// cloneBotSettings drops APIKeySet, which is derived for clients and not
// stored.
func cloneBotSettings(b chat.BotSettings) chat.BotSettings {
	b.APIKeySet = false
	return b
}
