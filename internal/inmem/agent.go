package inmem

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// storedAgent wraps an agent so the map holds the store's own copy.
type storedAgent struct{ a *chat.Agent }

// CreateAgent stores a, giving it an id when it has none; it returns
// chat.ErrDuplicateEmail when the email, however cased, is taken.
func (s *Store) CreateAgent(ctx context.Context, a *chat.Agent) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	if a.ID == "" {
		a.ID = newID()
	}
	stored := cloneAgent(a)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.emailTaken(stored.Email, stored.ID) {
		return chat.ErrDuplicateEmail
	}
	if _, ok := s.agents[a.ID]; ok {
		return errDuplicateID
	}
	s.agents[a.ID] = &storedAgent{stored}
	return nil
}

// emailTaken reports whether an agent other than id has the (normalised)
// email. The agents are few; a scan is what a small collection costs.
func (s *Store) emailTaken(email, id string) bool {
	for _, sa := range s.agents {
		if sa.a.Email == email && sa.a.ID != id {
			return true
		}
	}
	return false
}

// Agent returns chat.ErrNotFound when id is unknown.
func (s *Store) Agent(ctx context.Context, id string) (*chat.Agent, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if sa, ok := s.agents[id]; ok {
		return cloneAgent(sa.a), nil
	}
	return nil, chat.ErrNotFound
}

// AgentByEmail finds an agent however the email is cased or padded.
func (s *Store) AgentByEmail(ctx context.Context, email string) (*chat.Agent, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	email = chat.NormalizeEmail(email)
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, sa := range s.agents {
		if sa.a.Email == email {
			return cloneAgent(sa.a), nil
		}
	}
	return nil, chat.ErrNotFound
}

// Agents returns every agent, by name then id.
func (s *Store) Agents(ctx context.Context) ([]*chat.Agent, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	s.mu.RLock()
	out := make([]*chat.Agent, 0, len(s.agents))
	for _, sa := range s.agents {
		out = append(out, cloneAgent(sa.a))
	}
	s.mu.RUnlock()
	slices.SortFunc(out, func(a, b *chat.Agent) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
	})
	return out, nil
}

// UpdateAgent replaces the stored agent with a. It returns chat.ErrNotFound
// when a.ID is unknown and chat.ErrDuplicateEmail when the new email
// belongs to another agent.
func (s *Store) UpdateAgent(ctx context.Context, a *chat.Agent) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	stored := cloneAgent(a)
	s.mu.Lock()
	defer s.mu.Unlock()
	sa, ok := s.agents[a.ID]
	if !ok {
		return chat.ErrNotFound
	}
	if s.emailTaken(stored.Email, stored.ID) {
		return chat.ErrDuplicateEmail
	}
	sa.a = stored
	return nil
}
