package desk

import (
	"context"
	"fmt"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// retention deletes or anonymizes the conversations without activity for
// longer than the admin's setting (PrivacySettings.RetentionMonths; off by
// default). Every node runs the loop; one at a time does the work, under
// the cluster-wide lock "retention", in batches, for a bounded time per
// run (the next run goes on where it stopped: what it finds is what is
// still over the limit).
type retention struct {
	privacy *Privacy
	named   NamedLocks
	nodeID  string
	every   time.Duration
}

const (
	retentionEvery  = time.Hour
	retentionBatch  = 100
	retentionBudget = 5 * time.Minute
	// retentionLockTTL outlives a run's budget, so a second node never
	// starts while the first still works; a crashed holder frees it.
	retentionLockTTL = retentionBudget + time.Minute
)

func (r *retention) run(stop <-chan struct{}) {
	// The first run a minute after start, not with every node of a
	// rolling deploy at once.
	first := time.NewTimer(time.Minute)
	defer first.Stop()
	tick := time.NewTicker(r.every)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-first.C:
		case <-tick.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), retentionLockTTL)
		if _, err := r.once(ctx); err != nil {
			r.privacy.fail.log.Warn("retention run failed", "err", err)
		}
		cancel()
	}
}

// RetentionRun is what one run did.
type RetentionRun struct {
	// Ran is false when retention is off or another node holds the lock.
	Ran        bool   `json:"ran"`
	Mode       string `json:"mode"`
	Processed  int    `json:"processed"`
	Messages   int    `json:"messages"`
	Files      int    `json:"attachments"`
	Incomplete bool   `json:"incomplete"` // stopped by its time budget; the next run goes on
}

// once runs retention if it is on and no other node is running it.
func (r *retention) once(ctx context.Context) (*RetentionRun, error) {
	p := r.privacy
	set, err := p.store.PrivacySettings(ctx)
	if err != nil {
		return nil, err
	}
	out := &RetentionRun{Mode: string(set.RetentionMode)}
	if set.RetentionMonths <= 0 {
		return out, nil
	}
	unlock, err := r.named.TryLock(ctx, "retention", r.nodeID, retentionLockTTL)
	if err != nil || unlock == nil {
		return out, err
	}
	defer unlock()
	out.Ran = true
	anonymize := set.RetentionMode == chat.RetainAnonymize
	cutoff := p.now().AddDate(0, -set.RetentionMonths, 0)
	deadline := time.Now().Add(retentionBudget)
	for {
		batch, err := p.store.ConversationsIdleSince(ctx, cutoff, retentionBatch)
		if err != nil {
			return out, err
		}
		done := make([]string, 0, len(batch))
		for _, c := range batch {
			n, err := p.erase.deleteConversation(ctx, c.ID, anonymize, p.now)
			if err != nil {
				p.forget(ctx, done)
				r.audit(ctx, out, set)
				return out, err
			}
			done = append(done, c.ID)
			out.Processed += n.Conversations
			out.Messages += n.Messages
			out.Files += n.Attachments
		}
		// Webhook deliveries still kept about them (7 days; an admin's
		// "Gửi lại" makes a new one) hold the visitor's data too.
		p.forget(ctx, done)
		if len(batch) < retentionBatch {
			break
		}
		if time.Now().After(deadline) {
			out.Incomplete = true
			break
		}
	}
	r.audit(ctx, out, set)
	return out, nil
}

func (r *retention) audit(ctx context.Context, out *RetentionRun, set chat.PrivacySettings) {
	if out.Processed == 0 {
		return
	}
	verb := "Xóa"
	if set.RetentionMode == chat.RetainAnonymize {
		verb = "Ẩn danh"
	}
	r.privacy.audit.record(ctx, Actor{}, chat.AuditRetentionRun, "retention",
		fmt.Sprintf("%s %d cuộc trò chuyện không hoạt động quá %d tháng (%d tin nhắn, %d tệp).", verb, out.Processed, set.RetentionMonths, out.Messages, out.Files))
}

// RunRetention runs retention now (an admin's "Chạy ngay"), unless it is
// off or another node is running it.
func (p *Privacy) RunRetention(ctx context.Context, actor Actor) (*RetentionRun, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	out, err := p.retention.once(ctx)
	if err != nil {
		return nil, p.fail.unavailable(err)
	}
	return out, nil
}
