package desk

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// auditLog writes the append-only audit log (chat.AuditEntry): sign-ins,
// exports, erasures, blocks, settings and account changes — who, what,
// when, from where. Entries are written on a context detached from the
// request (a client that hangs up does not erase its trace) and bounded
// in time.
type auditLog struct {
	store AuditStore
	now   Clock
	log   *slog.Logger
}

// auditWrite bounds one entry's write.
const auditWrite = 5 * time.Second

// record appends an entry about what actor did; a failure to store it is
// logged (with the entry, so the trace survives in the node's log) and
// does not undo the action.
func (a auditLog) record(ctx context.Context, actor Actor, action, target, detail string) {
	if err := a.write(ctx, a.entry(actor, action, target, detail)); err != nil {
		a.log.Error("audit log write failed", "action", action, "actor", actor.AgentID(), "target", target, "ip", actor.IP, "err", err)
	}
}

// recordStrict appends an entry and reports a failure: for actions that
// must not happen without their record (an erasure is written down before
// it starts).
func (a auditLog) recordStrict(ctx context.Context, actor Actor, action, target, detail string) error {
	return a.write(ctx, a.entry(actor, action, target, detail))
}

// recordAs appends an entry for a caller without an account (a failed
// sign-in names the email typed).
func (a auditLog) recordAs(ctx context.Context, name, role, ip, action, target, detail string) {
	e := &chat.AuditEntry{At: stamp(a.now), ActorName: name, ActorRole: role, Action: action, Target: target, Detail: detail, IP: ip}
	if err := a.write(ctx, e); err != nil {
		a.log.Error("audit log write failed", "action", action, "actor", name, "ip", ip, "err", err)
	}
}

func (a auditLog) entry(actor Actor, action, target, detail string) *chat.AuditEntry {
	e := &chat.AuditEntry{At: stamp(a.now), Action: action, Target: target, Detail: detail, IP: actor.IP}
	switch {
	case actor.Agent != nil:
		e.ActorID, e.ActorName, e.ActorRole = actor.Agent.ID, actor.Agent.Name, string(actor.Agent.Role)
	case actor.Visitor:
		e.ActorID, e.ActorRole = actor.ConversationID, "visitor"
	default:
		e.ActorRole = "system"
	}
	return e
}

func (a auditLog) write(ctx context.Context, e *chat.AuditEntry) error {
	if a.store == nil {
		return nil
	}
	e.ID = chat.NewAuditID(e.At)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), auditWrite)
	defer cancel()
	return a.store.AppendAudit(ctx, e)
}

// AuditLog returns a page of the audit log to an admin, newest first, and
// the cursor of the next page. Nobody can change or delete an entry: there
// is no such operation, in the API or the store.
func (ad *Admin) AuditLog(ctx context.Context, actor Actor, f chat.AuditFilter) ([]*chat.AuditEntry, string, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, "", err
	}
	if f.Before != "" && !chat.ValidID(f.Before) {
		return nil, "", &chat.Error{Code: chat.EINVALID, Message: "Vị trí trang không hợp lệ.", Fields: map[string]string{"before": "Vị trí trang không hợp lệ."}}
	}
	for _, act := range f.Actions {
		if !slices.Contains(chat.AuditActions, act) {
			return nil, "", &chat.Error{Code: chat.EINVALID, Message: "Loại hoạt động không hợp lệ.", Fields: map[string]string{"action": "Loại hoạt động không hợp lệ: " + act}}
		}
	}
	items, next, err := ad.store.AuditEntries(ctx, f)
	if err != nil {
		return nil, "", ad.fail.unavailable(err)
	}
	return items, next, nil
}

func agentCreatedDetail(a *chat.Agent) string {
	return "Tạo tài khoản " + a.Email + " (" + roleName(a.Role) + ")."
}

// agentPatchDetail says what changed on an account, never the password.
func agentPatchDetail(a *chat.Agent, p AgentPatch) string {
	var parts []string
	if p.Name != nil {
		parts = append(parts, "tên")
	}
	if p.Role != nil {
		parts = append(parts, "vai trò: "+roleName(*p.Role))
	}
	if p.Disabled != nil {
		if *p.Disabled {
			parts = append(parts, "vô hiệu hóa")
		} else {
			parts = append(parts, "kích hoạt")
		}
	}
	if p.Password != nil {
		parts = append(parts, "đặt lại mật khẩu")
	}
	d := "Sửa tài khoản " + a.Email
	if len(parts) > 0 {
		d += ": " + strings.Join(parts, ", ")
	}
	return d + "."
}

func roleName(r chat.Role) string {
	if r == chat.RoleAdmin {
		return "quản trị"
	}
	return "nhân viên"
}
