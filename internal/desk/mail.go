package desk

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// Mailer renders and sends the core's emails through the SMTP server the
// settings name. internal/mail implements it.
type Mailer interface {
	Transcript(ctx context.Context, s chat.MailSettings, t chat.TranscriptMail) error
	WaitingNotice(ctx context.Context, s chat.MailSettings, w chat.WaitingMail) error
}

// mailer sends email for the core: the notice to admins that a visitor
// waits with nobody available (throttled cluster-wide), and transcripts
// visitors ask for. Nothing is sent, and nothing costs anything, while
// SMTP is not configured. A nil *mailer does nothing.
type mailer struct {
	store interface {
		MailSettingsStore
	}
	convs interface {
		ConversationStore
		MessageStore
		StatsStore
	}
	sender   Mailer
	env      *chat.MailSettings
	settings *settingsCache
	avail    availability
	named    NamedLocks
	limits   limits
	tasks    *tasks
	nodeID   string
	link     string
	now      Clock
	fail     failures
	log      *slog.Logger

	mu     sync.Mutex
	cached chat.MailSettings
	at     time.Time
}

// current returns the settings in force: the environment's connection
// (CHATDESK_SMTP_URL) when set, with the admin's notice options; cached
// like the other settings.
func (m *mailer) current(ctx context.Context) (chat.MailSettings, error) {
	m.mu.Lock()
	if !m.at.IsZero() && time.Since(m.at) < settingsCacheTTL {
		s := m.cached
		m.mu.Unlock()
		return s, nil
	}
	m.mu.Unlock()
	s, err := m.store.MailSettings(ctx)
	if err != nil {
		return s, err
	}
	if m.env != nil {
		e := *m.env
		e.NotifyWaiting, e.NotifyEveryMinutes, e.FromEnv = s.NotifyWaiting, s.NotifyEveryMinutes, true
		s = e
	}
	m.mu.Lock()
	m.cached, m.at = s, time.Now()
	m.mu.Unlock()
	return s, nil
}

// configured reports whether email can be sent now (a nil mailer cannot).
func (m *mailer) configured(ctx context.Context) bool {
	if m == nil {
		return false
	}
	s, err := m.current(ctx)
	return err == nil && s.Configured()
}

func (m *mailer) invalidate() {
	m.mu.Lock()
	m.at = time.Time{}
	m.mu.Unlock()
}

// waiting is called when a new conversation is left waiting: if nobody
// is available and the notice is on, admins get an email — at most one per
// NotifyEveryMinutes for the whole cluster (a named lock taken for that
// long and never released). It runs in the background.
func (m *mailer) waiting(ctx context.Context, c *chat.Conversation) {
	if m == nil || c.Status != chat.StatusWaiting {
		return
	}
	s, err := m.current(ctx)
	if err != nil || !s.Configured() || !s.NotifyWaiting {
		return
	}
	m.tasks.goWithin(time.Minute, func(ctx context.Context) {
		if agents, err := m.avail.agents(ctx); err != nil || len(agents) > 0 {
			return
		}
		unlock, err := m.named.TryLock(ctx, "mail-waiting", m.nodeID, time.Duration(s.NotifyEveryMinutes)*time.Minute)
		if err != nil || unlock == nil {
			return // sent recently (by this node or another)
		}
		all, err := m.settings.agents(ctx)
		if err != nil {
			return
		}
		var to []string
		for _, a := range all {
			if a.Role == chat.RoleAdmin && !a.Disabled {
				to = append(to, a.Email)
			}
		}
		if len(to) == 0 {
			return
		}
		n, _ := m.convs.CountWaiting(ctx)
		w := chat.WaitingMail{To: to, Conversation: c, FirstMessage: chat.AnswerValue(c.Answers, chat.KeyMessage), Waiting: max(n, 1), DashboardURL: m.link}
		if err := m.sender.WaitingNotice(ctx, s, w); err != nil {
			m.log.Warn("waiting notice not sent", "err", err)
		}
	})
}

var errMailOff = &chat.Error{Code: chat.ECONFLICT, Message: "Chức năng gửi email chưa được cấu hình."}

// transcript emails a conversation to its visitor. to may be empty when
// the form asked for an email (a field with the key "email").
func (m *mailer) transcript(ctx context.Context, actor Actor, id, to string) (string, error) {
	if err := canRead(actor, id); err != nil {
		return "", err
	}
	if !actor.Visitor {
		return "", &chat.Error{Code: chat.EFORBIDDEN, Message: "Chỉ khách hàng mới có thể yêu cầu gửi nội dung cuộc trò chuyện."}
	}
	if m == nil {
		return "", errMailOff
	}
	s, err := m.current(ctx)
	if err != nil {
		return "", m.fail.unavailable(err)
	}
	if !s.Configured() {
		return "", errMailOff
	}
	c, err := m.convs.Conversation(ctx, id)
	if err != nil {
		return "", m.fail.unavailable(err)
	}
	if to == "" {
		to = chat.AnswerValue(c.Answers, "email")
	}
	if to, err = chat.CleanEmail(to); err != nil {
		return "", err
	}
	// Anyone may type any address: bound what one conversation and one
	// address can send.
	if err := m.limits.takeStrict(ctx, "transcript", id); err != nil {
		return "", err
	}
	if err := m.limits.takeStrict(ctx, "transcript-ip", actor.IP); err != nil {
		return "", err
	}
	var msgs []*chat.Message
	for after := int64(0); ; {
		page, err := m.convs.MessagesAfter(ctx, id, after, MaxReplay)
		if err != nil {
			return "", m.fail.unavailable(err)
		}
		msgs = append(msgs, page...)
		if len(page) < MaxReplay {
			break
		}
		after = page[len(page)-1].Seq
	}
	title := ""
	if set, err := m.settings.settings(ctx); err == nil {
		title = set.WidgetTitle
	}
	if err := m.sender.Transcript(ctx, s, chat.TranscriptMail{To: to, SiteTitle: title, Conversation: c, Messages: msgs}); err != nil {
		m.log.Warn("transcript not sent", "conversation", id, "err", err)
		return "", &chat.Error{Code: chat.EUNAVAILABLE, Message: "Chưa gửi được email, vui lòng thử lại sau."}
	}
	return to, nil
}

// MailSettings returns the SMTP settings to an admin, without the password.
func (in *Integrations) MailSettings(ctx context.Context, actor Actor) (chat.MailSettings, error) {
	if err := in.ready(actor); err != nil {
		return chat.MailSettings{}, err
	}
	if in.mail == nil {
		return chat.MailSettings{}, errNoIntegrations
	}
	s, err := in.mail.current(ctx)
	if err != nil {
		return chat.MailSettings{}, in.fail.unavailable(err)
	}
	return s.Public(), nil
}

// SaveMailSettings validates and stores the SMTP settings; an empty
// password keeps the stored one (not when the host changes). While the
// environment configures SMTP only the notice options are kept.
func (in *Integrations) SaveMailSettings(ctx context.Context, actor Actor, s chat.MailSettings) (chat.MailSettings, error) {
	if err := in.ready(actor); err != nil {
		return chat.MailSettings{}, err
	}
	if in.mail == nil {
		return chat.MailSettings{}, errNoIntegrations
	}
	prev, err := in.store.MailSettings(ctx)
	if err != nil {
		return chat.MailSettings{}, in.fail.unavailable(err)
	}
	if in.mail.env != nil {
		prev.NotifyWaiting, prev.NotifyEveryMinutes = s.NotifyWaiting, s.NotifyEveryMinutes
		s = prev
	}
	if err := chat.ValidateMailSettings(&s, prev); err != nil {
		return chat.MailSettings{}, err
	}
	if err := in.store.SaveMailSettings(ctx, s); err != nil {
		return chat.MailSettings{}, in.fail.unavailable(err)
	}
	in.mail.invalidate()
	in.audit.record(ctx, actor, chat.AuditMailChanged, "mail", mailChangedDetail(prev, s))
	return in.MailSettings(ctx, actor)
}

// SendTranscript emails the visitor's conversation to them and returns
// the address it went to.
func (in *Integrations) SendTranscript(ctx context.Context, actor Actor, conversationID, email string) (string, error) {
	return in.mail.transcript(ctx, actor, conversationID, email)
}

// newMailer builds the mailer: nil without an integration store or a
// Mailer.
func newMailer(d Deps, cfg Config, store IntegrationStore, convs Store, settings *settingsCache, avail availability, lim limits, tasks *tasks, fail failures) *mailer {
	if store == nil || d.Mailer == nil {
		return nil
	}
	return &mailer{store: store, convs: convs, sender: d.Mailer, env: cfg.Mail, settings: settings, avail: avail, named: d.Coord,
		limits: lim, tasks: tasks, nodeID: cfg.NodeID, link: cfg.PublicURL, now: cfg.Clock, fail: fail, log: d.Log}
}
