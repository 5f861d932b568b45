package desk

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/chatdesk/chatdesk/internal/auth"
	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

// Admin is what administrators manage: agents, the pre-chat form,
// settings, canned replies, the bot and the statistics.
type Admin struct {
	store    Store
	settings *settingsCache
	events   *events
	route    *router
	avail    availability
	mail     *mailer
	tasks    *tasks
	cfg      Config
	now      Clock
	fail     failures
	audit    auditLog
}

// AgentInput is what an admin sets on an agent.
type AgentInput struct {
	Email    string
	Name     string
	Role     chat.Role
	Password string
}

// CreateAgent adds an agent. Used by admins and by the CLI (with a nil
// actor check skipped through CreateAgentUnchecked).
func (ad *Admin) CreateAgent(ctx context.Context, actor Actor, in AgentInput) (*chat.Agent, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	return ad.createAgent(ctx, actor, in)
}

// CreateAgentUnchecked adds an agent without an actor: for the CLI and the
// development seed only (recorded in the audit log as the system's).
func (ad *Admin) CreateAgentUnchecked(ctx context.Context, in AgentInput) (*chat.Agent, error) {
	return ad.createAgent(ctx, Actor{}, in)
}

func (ad *Admin) createAgent(ctx context.Context, actor Actor, in AgentInput) (*chat.Agent, error) {
	in.Email = chat.NormalizeEmail(in.Email)
	in.Name = strings.TrimSpace(in.Name)
	if err := chat.ValidateAgentInput(in.Email, in.Name, in.Role, in.Password, false); err != nil {
		return nil, err
	}
	hash, err := auth.HashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	now := ad.now().UTC()
	a := &chat.Agent{ID: chat.NewID(), Email: in.Email, Name: in.Name, Role: in.Role, PasswordHash: hash, CreatedAt: now, UpdatedAt: now}
	if err := ad.store.CreateAgent(ctx, a); errors.Is(err, chat.ErrDuplicateEmail) {
		return nil, &chat.Error{Code: chat.ECONFLICT, Message: "Email đã được sử dụng.", Fields: map[string]string{"email": "Email đã được sử dụng."}}
	} else if err != nil {
		return nil, ad.fail.unavailable(err)
	}
	ad.settings.invalidate()
	ad.audit.record(ctx, actor, chat.AuditAgentCreated, a.ID, agentCreatedDetail(a))
	return a, nil
}

// AdminAgents lists every agent, disabled ones included.
func (ad *Admin) AdminAgents(ctx context.Context, actor Actor) ([]*chat.Agent, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	all, err := ad.store.Agents(ctx)
	if err != nil {
		return nil, ad.fail.unavailable(err)
	}
	return all, nil
}

// AgentPatch changes some fields of an agent.
type AgentPatch struct {
	Name     *string
	Role     *chat.Role
	Disabled *bool
	Password *string
}

// UpdateAgent applies an admin's changes. A password change or disable
// revokes the agent's tokens; a disabled agent's sockets are closed and its
// conversations go back to the queue.
func (ad *Admin) UpdateAgent(ctx context.Context, actor Actor, id string, p AgentPatch) (*chat.Agent, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	a, err := ad.store.Agent(ctx, id)
	if err != nil {
		return nil, ad.fail.unavailable(err)
	}
	if id == actor.AgentID() && ((p.Disabled != nil && *p.Disabled) || (p.Role != nil && *p.Role != chat.RoleAdmin)) {
		return nil, &chat.Error{Code: chat.EINVALID, Message: "Bạn không thể tự vô hiệu hóa hoặc hạ quyền của chính mình."}
	}
	if p.Name != nil {
		a.Name = strings.TrimSpace(*p.Name)
	}
	if p.Role != nil {
		a.Role = *p.Role
	}
	pw := ""
	if p.Password != nil {
		pw = *p.Password
	}
	if err := chat.ValidateAgentInput(a.Email, a.Name, a.Role, pw, p.Password == nil); err != nil {
		return nil, err
	}
	disabling := p.Disabled != nil && *p.Disabled && !a.Disabled
	if p.Disabled != nil {
		a.Disabled = *p.Disabled
	}
	if p.Password != nil {
		if a.PasswordHash, err = auth.HashPassword(pw); err != nil {
			return nil, err
		}
		a.TokenVersion++
	}
	if disabling {
		a.TokenVersion++
	}
	a.UpdatedAt = ad.now().UTC()
	if err := ad.store.UpdateAgent(ctx, a); err != nil {
		return nil, ad.fail.unavailable(err)
	}
	ad.settings.invalidate()
	ad.audit.record(ctx, actor, chat.AuditAgentUpdated, a.ID, agentPatchDetail(a, p))
	if disabling || p.Password != nil {
		ad.events.publish(ctx, AgentsTopic, protocol.EvtAgentUpdated, protocol.AgentUpdated{AgentID: a.ID, Disabled: a.Disabled})
	}
	if disabling {
		ad.tasks.goWithin(30*time.Second, func(ctx context.Context) {
			ad.route.requeue(ctx, a.ID)
			ad.route.drain(ctx)
		})
	}
	return a, nil
}
