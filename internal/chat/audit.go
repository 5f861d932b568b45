package chat

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
	"time"
)

// AuditEntry is one line of the audit log: who did what, when, from where.
// The log is append-only: nothing in chatdesk updates or deletes an entry
// (docs/security.md, "Audit log").
type AuditEntry struct {
	// ID is a NewID: its first four bytes are the second it was written, so
	// ids sort by time and pages are cut by id.
	ID string    `json:"id"`
	At time.Time `json:"at"`
	// Actor: an agent's id and name; for a failed sign-in, the email typed
	// (ActorID "" then). Role is admin, agent, visitor, system or anonymous.
	ActorID   string `json:"actorId"`
	ActorName string `json:"actorName"`
	ActorRole string `json:"actorRole"`
	Action    string `json:"action"`
	// Target names what was acted on: an agent, a block, a masked phone, a
	// webhook endpoint.
	Target string `json:"target"`
	// Detail is a short Vietnamese sentence for the admin reading the log.
	// It carries no personal data beyond the target (a phone is masked).
	Detail string `json:"detail"`
	IP     string `json:"ip"`
}

// Audit actions.
const (
	AuditLogin           = "auth.login"
	AuditLoginFailed     = "auth.login_failed"
	AuditAgentCreated    = "agent.created"
	AuditAgentUpdated    = "agent.updated"
	AuditSettingsChanged = "settings.updated"
	AuditFormChanged     = "form.updated"
	AuditBotChanged      = "bot.updated"
	AuditPrivacyChanged  = "privacy.updated"
	AuditBlockAdded      = "block.added"
	AuditBlockRemoved    = "block.removed"
	AuditContactExported = "contact.exported"
	AuditContactErased   = "contact.erased"
	AuditRetentionRun    = "retention.run"
	AuditWebhookCreated  = "webhook.created"
	AuditWebhookUpdated  = "webhook.updated"
	AuditWebhookDeleted  = "webhook.deleted"
	AuditMailChanged     = "mail.updated"
	AuditContactRelinked = "contact.relinked"
)

// AuditActions lists every action, for the log's filter.
var AuditActions = []string{
	AuditLogin, AuditLoginFailed, AuditAgentCreated, AuditAgentUpdated, AuditSettingsChanged, AuditFormChanged,
	AuditBotChanged, AuditPrivacyChanged, AuditBlockAdded, AuditBlockRemoved, AuditContactExported, AuditContactErased,
	AuditRetentionRun, AuditWebhookCreated, AuditWebhookUpdated, AuditWebhookDeleted, AuditMailChanged,
	AuditContactRelinked,
}

// AuditFilter pages through the log, newest first.
type AuditFilter struct {
	// Before is the id of the last entry of the previous page ("" for the
	// first page).
	Before string
	// Actions keeps only these actions (empty: all).
	Actions []string
	Limit   int
}

// MaskPhone keeps the first three and last two digits of a phone, for
// records that must say whose data was touched without keeping it:
// "0912345678" → "091*****78".
func MaskPhone(p string) string {
	if len(p) <= 5 {
		return strings.Repeat("*", len(p))
	}
	return p[:3] + strings.Repeat("*", len(p)-5) + p[len(p)-2:]
}

// NewAuditID is an id for an entry written at t that sorts by time to the
// millisecond (6 bytes of Unix milliseconds, then 6 random bytes; 24 hex
// characters like every id), so a page of the log is in the order things
// happened even within one second.
func NewAuditID(t time.Time) string {
	var b [12]byte
	ms := uint64(t.UnixMilli())
	for i := 5; i >= 0; i-- {
		b[i] = byte(ms)
		ms >>= 8
	}
	_, _ = rand.Read(b[6:])
	return hex.EncodeToString(b[:])
}
