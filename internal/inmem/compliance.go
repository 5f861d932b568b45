package inmem

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// complianceData is what desk.ComplianceStore keeps: the audit log,
// blocks, the privacy settings and notices, login records. Guarded by
// Store.mu; made on first use.
type complianceData struct {
	audit   []*chat.AuditEntry // in insertion order
	blocks  map[string]*chat.Block
	privacy *chat.PrivacySettings
	notices map[int]chat.PrivacyNotice
	logins  map[string]chat.LoginRecord
}

func (d *complianceData) init() {
	if d.blocks == nil {
		d.blocks = map[string]*chat.Block{}
		d.notices = map[int]chat.PrivacyNotice{}
		d.logins = map[string]chat.LoginRecord{}
	}
}

// AppendAudit stores e, giving it an id when it has none.
func (s *Store) AppendAudit(ctx context.Context, e *chat.AuditEntry) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	if e.ID == "" {
		e.ID = chat.NewAuditID(e.At)
	}
	c := *e
	c.At = ms(e.At)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range s.comp.audit {
		if x.ID == e.ID {
			return errDuplicateID
		}
	}
	s.comp.audit = append(s.comp.audit, &c)
	return nil
}

// AuditEntries pages the log newest first, by id.
func (s *Store) AuditEntries(ctx context.Context, f chat.AuditFilter) ([]*chat.AuditEntry, string, error) {
	if err := s.check(ctx); err != nil {
		return nil, "", err
	}
	limit := auditLimit(f.Limit)
	s.mu.RLock()
	all := slices.Clone(s.comp.audit)
	s.mu.RUnlock()
	slices.SortFunc(all, func(a, b *chat.AuditEntry) int { return cmp.Compare(b.ID, a.ID) })
	out := []*chat.AuditEntry{}
	for _, e := range all {
		if f.Before != "" && e.ID >= f.Before {
			continue
		}
		if len(f.Actions) > 0 && !slices.Contains(f.Actions, e.Action) {
			continue
		}
		if len(out) == limit {
			return out, out[len(out)-1].ID, nil
		}
		c := *e
		out = append(out, &c)
	}
	return out, "", nil
}

// auditLimit is the page size internal/mongo uses too.
func auditLimit(n int) int {
	if n <= 0 {
		return 50
	}
	return min(n, 200)
}

func cloneBlock(b *chat.Block) *chat.Block {
	c := *b
	c.CreatedAt = ms(b.CreatedAt)
	c.ExpiresAt = msPtr(b.ExpiresAt)
	return &c
}

// CreateBlock stores b, giving it an id when it has none.
func (s *Store) CreateBlock(ctx context.Context, b *chat.Block) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	if b.ID == "" {
		b.ID = chat.NewID()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.comp.init()
	if s.comp.blocks[b.ID] != nil {
		return errDuplicateID
	}
	s.comp.blocks[b.ID] = cloneBlock(b)
	return nil
}

// Blocks returns every block, newest first (by id).
func (s *Store) Blocks(ctx context.Context) ([]*chat.Block, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	s.mu.RLock()
	out := make([]*chat.Block, 0, len(s.comp.blocks))
	for _, b := range s.comp.blocks {
		out = append(out, cloneBlock(b))
	}
	s.mu.RUnlock()
	slices.SortFunc(out, func(a, b *chat.Block) int { return cmp.Compare(b.ID, a.ID) })
	return out, nil
}

// DeleteBlock returns chat.ErrNotFound for an unknown id.
func (s *Store) DeleteBlock(ctx context.Context, id string) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.comp.blocks[id] == nil {
		return chat.ErrNotFound
	}
	delete(s.comp.blocks, id)
	return nil
}

// PrivacySettings returns the saved settings or the defaults.
func (s *Store) PrivacySettings(ctx context.Context) (chat.PrivacySettings, error) {
	if err := s.check(ctx); err != nil {
		return chat.PrivacySettings{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.comp.privacy == nil {
		return chat.DefaultPrivacySettings(), nil
	}
	p := *s.comp.privacy
	p.UpdatedAt = msPtr(p.UpdatedAt)
	return p, nil
}

// SavePrivacySettings replaces the settings.
func (s *Store) SavePrivacySettings(ctx context.Context, p chat.PrivacySettings) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	p.UpdatedAt = msPtr(p.UpdatedAt)
	s.mu.Lock()
	s.comp.privacy = &p
	s.mu.Unlock()
	return nil
}

// PublishPrivacyNotice stores a version once: chat.ErrDuplicateKey after.
func (s *Store) PublishPrivacyNotice(ctx context.Context, n chat.PrivacyNotice) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	n.PublishedAt = ms(n.PublishedAt)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.comp.init()
	if _, ok := s.comp.notices[n.Version]; ok {
		return chat.ErrDuplicateKey
	}
	s.comp.notices[n.Version] = n
	return nil
}

// PrivacyNotices returns every version, newest first.
func (s *Store) PrivacyNotices(ctx context.Context) ([]chat.PrivacyNotice, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	s.mu.RLock()
	out := make([]chat.PrivacyNotice, 0, len(s.comp.notices))
	for _, n := range s.comp.notices {
		out = append(out, n)
	}
	s.mu.RUnlock()
	slices.SortFunc(out, func(a, b chat.PrivacyNotice) int { return cmp.Compare(b.Version, a.Version) })
	return out, nil
}

// ConversationsByPhone returns the conversations of a phone, oldest first.
func (s *Store) ConversationsByPhone(ctx context.Context, phone string) ([]*chat.Conversation, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	s.mu.RLock()
	out := []*chat.Conversation{}
	for _, sc := range s.conversations {
		if phone != "" && sc.c.Visitor.Phone == phone {
			out = append(out, cloneConversation(sc.c))
		}
	}
	s.mu.RUnlock()
	slices.SortFunc(out, byCreatedThenID)
	return out, nil
}

func byCreatedThenID(a, b *chat.Conversation) int {
	if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

// ConversationsIdleSince returns conversations whose last activity is
// before cutoff and that are not anonymized, oldest activity first.
func (s *Store) ConversationsIdleSince(ctx context.Context, cutoff time.Time, limit int) ([]*chat.Conversation, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	s.mu.RLock()
	out := []*chat.Conversation{}
	for _, sc := range s.conversations {
		if sc.c.UpdatedAt.Before(cutoff) && sc.c.AnonymizedAt == nil {
			out = append(out, cloneConversation(sc.c))
		}
	}
	s.mu.RUnlock()
	slices.SortFunc(out, func(a, b *chat.Conversation) int {
		if c := a.UpdatedAt.Compare(b.UpdatedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// DeleteConversation removes a conversation; missing is fine.
func (s *Store) DeleteConversation(ctx context.Context, id string) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	s.mu.Lock()
	delete(s.conversations, id)
	s.mu.Unlock()
	return nil
}

// DeleteMessages removes a conversation's messages.
func (s *Store) DeleteMessages(ctx context.Context, conversationID string) (int, error) {
	if err := s.check(ctx); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cm := s.messages[conversationID]
	if cm == nil {
		return 0, nil
	}
	for _, m := range cm.bySeq {
		delete(s.messageIDs, m.ID)
	}
	delete(s.messages, conversationID)
	return len(cm.bySeq), nil
}

// AnonymizeConversation strips the visitor from a conversation.
func (s *Store) AnonymizeConversation(ctx context.Context, id string, at time.Time) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sc := s.conversations[id]
	if sc == nil {
		return chat.ErrNotFound
	}
	c := cloneConversation(sc.c)
	chat.Anonymize(c, at)
	sc.c = cloneConversation(c)
	sc.searchName, sc.phoneSearch = "", ""
	return nil
}

// LoginRecord returns an account's record (zero when none).
func (s *Store) LoginRecord(ctx context.Context, agentID string) (chat.LoginRecord, error) {
	if err := s.check(ctx); err != nil {
		return chat.LoginRecord{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return cloneLoginRecord(s.comp.logins[agentID]), nil
}

// SaveLoginRecord replaces an account's record.
func (s *Store) SaveLoginRecord(ctx context.Context, agentID string, r chat.LoginRecord) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.comp.init()
	s.comp.logins[agentID] = cloneLoginRecord(r)
	return nil
}

func cloneLoginRecord(r chat.LoginRecord) chat.LoginRecord {
	out := chat.LoginRecord{KnownNetworks: []chat.KnownNetwork{}, Failures: r.Failures}
	for _, n := range r.KnownNetworks {
		out.KnownNetworks = append(out.KnownNetworks, chat.KnownNetwork{Network: n.Network, At: ms(n.At)})
	}
	out.Failures.First = msPtr(r.Failures.First)
	out.Failures.Last = msPtr(r.Failures.Last)
	out.Failures.Addresses = copyStrings(r.Failures.Addresses)
	return out
}
