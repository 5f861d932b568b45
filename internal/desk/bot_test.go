package desk

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// scriptedBot stands in for the OpenAI-compatible API (an external
// service, not the system under test): it answers with a fixed text, or
// waits for release.
type scriptedBot struct {
	mu      sync.Mutex
	calls   int
	answer  string
	release chan struct{} // nil: answer at once
}

func (b *scriptedBot) Complete(ctx context.Context, _ chat.BotSettings, turns []chat.BotTurn) (string, error) {
	b.mu.Lock()
	b.calls++
	release := b.release
	b.mu.Unlock()
	if release != nil {
		select {
		case <-release:
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	return b.answer, nil
}

func (b *scriptedBot) called() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.calls
}

func (d *testDesk) enableBot(wait int) {
	d.t.Helper()
	b := chat.DefaultBotSettings()
	b.Enabled, b.BaseURL, b.Model, b.APIKey, b.WaitSeconds = true, "https://bot.example/v1", "m", "k", wait
	if err := d.store.SaveBotSettings(d.ctx, b); err != nil {
		d.t.Fatal(err)
	}
	d.core.settings.invalidate()
}

// settle waits for the core's background work (bot turns, drains).
func (d *testDesk) settle() { d.core.tasks.work.Wait() }

func botMessages(ms []*chat.Message) int {
	n := 0
	for _, m := range ms {
		if m.SenderType == chat.SenderBot {
			n++
		}
	}
	return n
}

func TestBotSpeaksOnlyWhenItMay(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(d *testDesk) *chat.Conversation
		enabled bool
		want    int
	}{
		{"nobody online: it answers", func(d *testDesk) *chat.Conversation { return d.newConversation("Khách", "Còn hàng không?") }, true, 1},
		{"disabled: silent", func(d *testDesk) *chat.Conversation { return d.newConversation("Khách", "Còn hàng không?") }, false, 0},
		{"an agent took it: silent", func(d *testDesk) *chat.Conversation {
			d.online(d.agent("An", chat.RoleAgent))
			return d.newConversation("Khách", "Còn hàng không?")
		}, true, 0},
		{"the visitor asked for a person: silent", func(d *testDesk) *chat.Conversation {
			c := d.newConversation("Khách", "")
			if _, err := d.core.Conversations.Handoff(d.ctx, visitorOf(c), c.ID); err != nil {
				d.t.Fatal(err)
			}
			if _, _, err := d.core.Messages.SendMessage(d.ctx, visitorOf(c), c.ID, "q", "Còn hàng không?"); err != nil {
				d.t.Fatal(err)
			}
			return c
		}, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bot := &scriptedBot{answer: "Dạ còn ạ."}
			d := newTestDesk(t, testOptions{bot: bot})
			if tt.enabled {
				d.enableBot(0)
			}
			c := tt.setup(d)
			d.settle()
			if got := botMessages(d.transcript(c.ID)); got != tt.want {
				t.Fatalf("%d bot answers, want %d (%d API calls)", got, tt.want, bot.called())
			}
		})
	}
}

func TestBotAnswerIsDroppedWhenAnAgentClaimsMeanwhile(t *testing.T) {
	bot := &scriptedBot{answer: "Dạ còn ạ.", release: make(chan struct{})}
	d := newTestDesk(t, testOptions{bot: bot})
	d.enableBot(0)
	c := d.newConversation("Khách", "Còn hàng không?")
	eventually(t, "the bot composing", func() (bool, string) { return bot.called() == 1, "" })
	an := d.agent("An", chat.RoleAgent)
	if _, err := d.core.Conversations.Claim(d.ctx, agentActor(an), c.ID); err != nil {
		t.Fatal(err)
	}
	close(bot.release)
	d.settle()
	if n := botMessages(d.transcript(c.ID)); n != 0 {
		t.Fatalf("the bot answered in a conversation An owns (%d messages)", n)
	}
}

func TestStopEndsBackgroundWork(t *testing.T) {
	bot := &scriptedBot{answer: "x", release: make(chan struct{})} // never released
	d := newTestDesk(t, testOptions{bot: bot})
	d.enableBot(0)
	d.newConversation("Khách", "Còn hàng không?")
	eventually(t, "the bot composing", func() (bool, string) { return bot.called() == 1, "" })
	d.core.grace = 100 * time.Millisecond
	start := time.Now()
	d.core.Stop()
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("Stop took %s", took)
	}
	// Nothing starts after Stop.
	d.core.Presence.drainSoon()
	d.core.tasks.work.Wait()
}
