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

func (sa *storedAgent) clone() *chat.Agent { return cloneAgent(sa.a) }

// CreateAgent stores a, giving it an id when it has none; it returns
// chat.ErrDuplicateEmail when the email, however cased, is taken.
func (s *Store) CreateAgent(ctx context.Context, a *chat.Agent) error {
	return s.write(ctx, func() error {
		if a.ID == "" {
			a.ID = newID()
		}
		stored := cloneAgent(a)
		if s.emailTaken(stored.Email, stored.ID) {
			return chat.ErrDuplicateEmail
		}
		if _, ok := s.agents[a.ID]; ok {
			return errDuplicateID
		}
		s.agents[a.ID] = &storedAgent{stored}
		return nil
	})
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
	return read(ctx, s, func() (*chat.Agent, error) { return lookup(s.agents, id, (*storedAgent).clone) })
}

// AgentByEmail finds an agent however the email is cased or padded.
func (s *Store) AgentByEmail(ctx context.Context, email string) (*chat.Agent, error) {
	email = chat.NormalizeEmail(email)
	return read(ctx, s, func() (*chat.Agent, error) {
		for _, sa := range s.agents {
			if sa.a.Email == email {
				return sa.clone(), nil
			}
		}
		return nil, chat.ErrNotFound
	})
}

// Agents returns every agent, by name then id.
func (s *Store) Agents(ctx context.Context) ([]*chat.Agent, error) {
	return read(ctx, s, func() ([]*chat.Agent, error) {
		out := make([]*chat.Agent, 0, len(s.agents))
		for _, sa := range s.agents {
			out = append(out, sa.clone())
		}
		slices.SortFunc(out, func(a, b *chat.Agent) int {
			return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
		})
		return out, nil
	})
}

// UpdateAgent replaces the stored agent with a. It returns chat.ErrNotFound
// when a.ID is unknown and chat.ErrDuplicateEmail when the new email
// belongs to another agent.
func (s *Store) UpdateAgent(ctx context.Context, a *chat.Agent) error {
	stored := cloneAgent(a)
	return s.write(ctx, func() error {
		if _, ok := s.agents[a.ID]; ok && s.emailTaken(stored.Email, stored.ID) {
			return chat.ErrDuplicateEmail
		}
		return replace(s.agents, a.ID, &storedAgent{stored})
	})
}
