package desk

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/chatdesk/chatdesk/internal/auth"
	"github.com/chatdesk/chatdesk/internal/chat"
)

func requireAdmin(actor Actor) error {
	if !actor.IsAgent() {
		return chat.ErrUnauthorized
	}
	if !actor.IsAdmin() {
		return chat.ErrForbidden
	}
	return nil
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
func (s *Service) CreateAgent(ctx context.Context, actor Actor, in AgentInput) (*chat.Agent, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	return s.CreateAgentUnchecked(ctx, in)
}

// CreateAgentUnchecked adds an agent without an actor: for the CLI and the
// development seed only.
func (s *Service) CreateAgentUnchecked(ctx context.Context, in AgentInput) (*chat.Agent, error) {
	in.Email = chat.NormalizeEmail(in.Email)
	in.Name = strings.TrimSpace(in.Name)
	if err := chat.ValidateAgentInput(in.Email, in.Name, in.Role, in.Password, false); err != nil {
		return nil, err
	}
	hash, err := auth.HashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	a := &chat.Agent{ID: chat.NewID(), Email: in.Email, Name: in.Name, Role: in.Role, PasswordHash: hash, CreatedAt: now, UpdatedAt: now}
	if err := s.store.CreateAgent(ctx, a); errors.Is(err, chat.ErrDuplicateEmail) {
		return nil, &chat.Error{Code: chat.ECONFLICT, Message: "Email đã được sử dụng.", Fields: map[string]string{"email": "Email đã được sử dụng."}}
	} else if err != nil {
		return nil, s.unavailable(err)
	}
	s.cache.invalidate()
	return a, nil
}

// AdminAgents lists every agent, disabled ones included.
func (s *Service) AdminAgents(ctx context.Context, actor Actor) ([]*chat.Agent, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	all, err := s.store.Agents(ctx)
	if err != nil {
		return nil, s.unavailable(err)
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
func (s *Service) UpdateAgent(ctx context.Context, actor Actor, id string, p AgentPatch) (*chat.Agent, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	a, err := s.store.Agent(ctx, id)
	if err != nil {
		return nil, s.unavailable(err)
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
	a.UpdatedAt = s.now().UTC()
	if err := s.store.UpdateAgent(ctx, a); err != nil {
		return nil, s.unavailable(err)
	}
	s.cache.invalidate()
	if disabling || p.Password != nil {
		s.publish(ctx, AgentsTopic, EventAgentUpdated, AgentUpdated{AgentID: a.ID, Disabled: a.Disabled})
	}
	if disabling {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			s.requeue(ctx, a.ID)
			s.drain(ctx)
		}()
	}
	return a, nil
}

// FormFields returns the enabled fields, for the widget.
func (s *Service) FormFields(ctx context.Context) ([]chat.FormField, error) {
	all, err := s.cache.formFields(ctx)
	if err != nil {
		return nil, s.unavailable(err)
	}
	out := make([]chat.FormField, 0, len(all))
	for _, f := range all {
		if f.Enabled {
			out = append(out, f)
		}
	}
	return out, nil
}

// AdminFormFields returns every field, disabled ones included.
func (s *Service) AdminFormFields(ctx context.Context, actor Actor) ([]chat.FormField, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	all, err := s.store.FormFields(ctx)
	if err != nil {
		return nil, s.unavailable(err)
	}
	return all, nil
}

// CreateFormField adds a custom field at the end of the form.
func (s *Service) CreateFormField(ctx context.Context, actor Actor, f chat.FormField) (*chat.FormField, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	all, err := s.store.FormFields(ctx)
	if err != nil {
		return nil, s.unavailable(err)
	}
	if len(all) >= chat.MaxFields {
		return nil, &chat.Error{Code: chat.EINVALID, Message: "Biểu mẫu đã đạt số trường tối đa."}
	}
	f.Builtin = false
	if f.Type == chat.FieldPhone {
		return nil, &chat.Error{Code: chat.EINVALID, Message: "Trường biểu mẫu không hợp lệ.", Fields: map[string]string{"type": "Loại trường không hợp lệ."}}
	}
	if err := chat.ValidateFormField(&f); err != nil {
		return nil, err
	}
	f.Order = 1
	for _, g := range all {
		if g.Order >= f.Order {
			f.Order = g.Order + 1
		}
	}
	if err := s.store.CreateFormField(ctx, f); errors.Is(err, chat.ErrDuplicateKey) {
		return nil, &chat.Error{Code: chat.ECONFLICT, Message: "Mã trường đã tồn tại.", Fields: map[string]string{"key": "Mã trường đã tồn tại."}}
	} else if err != nil {
		return nil, s.unavailable(err)
	}
	s.cache.invalidate()
	return &f, nil
}

// UpdateFormField edits a field. Built-in fields keep their key and type;
// name and phone stay required because search and the inbox need them.
func (s *Service) UpdateFormField(ctx context.Context, actor Actor, key string, in chat.FormField) (*chat.FormField, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	cur, err := s.findField(ctx, key)
	if err != nil {
		return nil, err
	}
	f := *cur
	f.Label, f.Required, f.Enabled = in.Label, in.Required, in.Enabled
	if !f.Builtin {
		f.Type, f.Options = in.Type, in.Options
		if f.Type == chat.FieldPhone {
			return nil, &chat.Error{Code: chat.EINVALID, Message: "Trường biểu mẫu không hợp lệ.", Fields: map[string]string{"type": "Loại trường không hợp lệ."}}
		}
	}
	if f.Key == chat.KeyName || f.Key == chat.KeyPhone {
		f.Required, f.Enabled = true, true
	}
	if err := chat.ValidateFormField(&f); err != nil {
		return nil, err
	}
	if err := s.store.UpdateFormField(ctx, f); err != nil {
		return nil, s.unavailable(err)
	}
	s.cache.invalidate()
	return &f, nil
}

// DeleteFormField removes a custom field.
func (s *Service) DeleteFormField(ctx context.Context, actor Actor, key string) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	f, err := s.findField(ctx, key)
	if err != nil {
		return err
	}
	if f.Builtin {
		return &chat.Error{Code: chat.EINVALID, Message: "Không thể xóa trường mặc định; hãy tắt trường thay vì xóa."}
	}
	if err := s.store.DeleteFormField(ctx, key); err != nil {
		return s.unavailable(err)
	}
	s.cache.invalidate()
	return nil
}

// ReorderFormFields sets the order of fields to the order of keys, which
// must name every field exactly once.
func (s *Service) ReorderFormFields(ctx context.Context, actor Actor, keys []string) ([]chat.FormField, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	all, err := s.store.FormFields(ctx)
	if err != nil {
		return nil, s.unavailable(err)
	}
	byKey := map[string]chat.FormField{}
	for _, f := range all {
		byKey[f.Key] = f
	}
	seen := map[string]bool{}
	for _, k := range keys {
		if _, ok := byKey[k]; !ok || seen[k] {
			return nil, &chat.Error{Code: chat.EINVALID, Message: "Danh sách thứ tự không hợp lệ."}
		}
		seen[k] = true
	}
	if len(keys) != len(all) {
		return nil, &chat.Error{Code: chat.EINVALID, Message: "Danh sách thứ tự phải gồm tất cả các trường."}
	}
	out := make([]chat.FormField, 0, len(keys))
	for i, k := range keys {
		f := byKey[k]
		if f.Order != i+1 {
			f.Order = i + 1
			if err := s.store.UpdateFormField(ctx, f); err != nil {
				return nil, s.unavailable(err)
			}
		}
		out = append(out, f)
	}
	s.cache.invalidate()
	return out, nil
}

func (s *Service) findField(ctx context.Context, key string) (*chat.FormField, error) {
	all, err := s.store.FormFields(ctx)
	if err != nil {
		return nil, s.unavailable(err)
	}
	for _, f := range all {
		if f.Key == key {
			return &f, nil
		}
	}
	return nil, chat.ErrNotFound
}

// Settings returns the installation settings to an admin.
func (s *Service) Settings(ctx context.Context, actor Actor) (chat.Settings, error) {
	if err := requireAdmin(actor); err != nil {
		return chat.Settings{}, err
	}
	set, err := s.store.Settings(ctx)
	if err != nil {
		return chat.Settings{}, s.unavailable(err)
	}
	return set, nil
}

// SaveSettings validates and stores settings.
func (s *Service) SaveSettings(ctx context.Context, actor Actor, set chat.Settings) (chat.Settings, error) {
	if err := requireAdmin(actor); err != nil {
		return chat.Settings{}, err
	}
	agents, err := s.store.Agents(ctx)
	if err != nil {
		return chat.Settings{}, s.unavailable(err)
	}
	exists := func(id string) bool {
		for _, a := range agents {
			if a.ID == id && !a.Disabled {
				return true
			}
		}
		return false
	}
	if err := chat.ValidateSettings(&set, exists); err != nil {
		return chat.Settings{}, err
	}
	if err := s.store.SaveSettings(ctx, set); err != nil {
		return chat.Settings{}, s.unavailable(err)
	}
	s.cache.invalidate()
	return set, nil
}

// WidgetConfig is the public part of the settings.
type WidgetConfig struct {
	Title         string `json:"title"`
	Greeting      string `json:"greeting"`
	Color         string `json:"color"`
	SupportOnline bool   `json:"supportOnline"`
}

// PublicWidgetConfig returns what the widget shows before the form.
func (s *Service) PublicWidgetConfig(ctx context.Context) (WidgetConfig, error) {
	set, err := s.cache.settings(ctx)
	if err != nil {
		return WidgetConfig{}, s.unavailable(err)
	}
	return WidgetConfig{Title: set.WidgetTitle, Greeting: set.WidgetGreeting, Color: set.WidgetColor, SupportOnline: s.SupportOnline(ctx)}, nil
}

// OriginAllowed reports whether a browser page at origin may embed the
// widget (WebSocket Origin check, CORS). Same-origin requests (the
// dashboard, /demo) have an origin equal to publicOrigin.
func (s *Service) OriginAllowed(ctx context.Context, origin, publicOrigin string) bool {
	if s.cfg.AllowAnyOrigin {
		return true
	}
	o, ok := chat.NormalizeOrigin(origin)
	if !ok {
		return false
	}
	if po, ok := chat.NormalizeOrigin(publicOrigin); ok && po == o {
		return true
	}
	for _, e := range s.cfg.EnvOrigins {
		if n, ok := chat.NormalizeOrigin(e); ok && n == o {
			return true
		}
	}
	set, err := s.cache.settings(ctx)
	if err != nil {
		return false
	}
	for _, a := range set.AllowedOrigins {
		if a == o {
			return true
		}
	}
	return false
}
