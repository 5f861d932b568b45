package desk

import (
	"context"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// Stats computes the admin statistics for the days from..to (YYYY-MM-DD in
// Vietnam time, both included; empty: the last 7 days).
func (s *Service) Stats(ctx context.Context, actor Actor, from, to string) (*chat.Stats, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	r, err := chat.ParseStatsRange(from, to, s.now())
	if err != nil {
		return nil, err
	}
	convs, err := s.store.ConversationsCreatedBetween(ctx, r.From, r.To)
	if err != nil {
		return nil, s.unavailable(err)
	}
	waiting, err := s.store.CountWaiting(ctx)
	if err != nil {
		return nil, s.unavailable(err)
	}
	agents, err := s.store.Agents(ctx)
	if err != nil {
		return nil, s.unavailable(err)
	}
	names := make(map[string]string, len(agents))
	for _, a := range agents {
		names[a.ID] = a.Name
	}
	st := chat.ComputeStats(r, convs, names, waiting)
	return &st, nil
}
