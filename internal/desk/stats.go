package desk

import (
	"context"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// Stats computes the admin statistics for the days from..to (YYYY-MM-DD in
// Vietnam time, both included; empty: the last 7 days).
func (ad *Admin) Stats(ctx context.Context, actor Actor, from, to string) (*chat.Stats, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	r, err := chat.ParseStatsRange(from, to, ad.now())
	if err != nil {
		return nil, err
	}
	convs, err := ad.store.ConversationsCreatedBetween(ctx, r.From, r.To)
	if err != nil {
		return nil, ad.fail.unavailable(err)
	}
	waiting, err := ad.store.CountWaiting(ctx)
	if err != nil {
		return nil, ad.fail.unavailable(err)
	}
	agents, err := ad.store.Agents(ctx)
	if err != nil {
		return nil, ad.fail.unavailable(err)
	}
	names := make(map[string]string, len(agents))
	for _, a := range agents {
		names[a.ID] = a.Name
	}
	st := chat.ComputeStats(r, convs, names, waiting)
	return &st, nil
}
