package desk

import (
	"context"
	"errors"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// FormFields returns the enabled fields, for the widget.
func (ad *Admin) FormFields(ctx context.Context) ([]chat.FormField, error) {
	all, err := ad.settings.formFields(ctx)
	if err != nil {
		return nil, ad.fail.unavailable(err)
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
func (ad *Admin) AdminFormFields(ctx context.Context, actor Actor) ([]chat.FormField, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	all, err := ad.store.FormFields(ctx)
	if err != nil {
		return nil, ad.fail.unavailable(err)
	}
	return all, nil
}

// CreateFormField adds a custom field at the end of the form.
func (ad *Admin) CreateFormField(ctx context.Context, actor Actor, f chat.FormField) (*chat.FormField, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	all, err := ad.store.FormFields(ctx)
	if err != nil {
		return nil, ad.fail.unavailable(err)
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
	if err := ad.store.CreateFormField(ctx, f); errors.Is(err, chat.ErrDuplicateKey) {
		return nil, &chat.Error{Code: chat.ECONFLICT, Message: "Mã trường đã tồn tại.", Fields: map[string]string{"key": "Mã trường đã tồn tại."}}
	} else if err != nil {
		return nil, ad.fail.unavailable(err)
	}
	ad.settings.invalidate()
	ad.audit.record(ctx, actor, chat.AuditFormChanged, f.Key, "Thêm trường biểu mẫu "+f.Key+".")
	return &f, nil
}

// UpdateFormField edits a field. Built-in fields keep their key and type;
// name and phone stay required because search and the inbox need them.
func (ad *Admin) UpdateFormField(ctx context.Context, actor Actor, key string, in chat.FormField) (*chat.FormField, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	cur, err := ad.findField(ctx, key)
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
	if err := ad.store.UpdateFormField(ctx, f); err != nil {
		return nil, ad.fail.unavailable(err)
	}
	ad.settings.invalidate()
	ad.audit.record(ctx, actor, chat.AuditFormChanged, f.Key, "Sửa trường biểu mẫu "+f.Key+".")
	return &f, nil
}

// DeleteFormField removes a custom field.
func (ad *Admin) DeleteFormField(ctx context.Context, actor Actor, key string) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	f, err := ad.findField(ctx, key)
	if err != nil {
		return err
	}
	if f.Builtin {
		return &chat.Error{Code: chat.EINVALID, Message: "Không thể xóa trường mặc định; hãy tắt trường thay vì xóa."}
	}
	if err := ad.store.DeleteFormField(ctx, key); err != nil {
		return ad.fail.unavailable(err)
	}
	ad.settings.invalidate()
	ad.audit.record(ctx, actor, chat.AuditFormChanged, key, "Xóa trường biểu mẫu "+key+".")
	return nil
}

// ReorderFormFields sets the order of fields to the order of keys, which
// must name every field exactly once.
func (ad *Admin) ReorderFormFields(ctx context.Context, actor Actor, keys []string) ([]chat.FormField, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	all, err := ad.store.FormFields(ctx)
	if err != nil {
		return nil, ad.fail.unavailable(err)
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
			if err := ad.store.UpdateFormField(ctx, f); err != nil {
				return nil, ad.fail.unavailable(err)
			}
		}
		out = append(out, f)
	}
	ad.settings.invalidate()
	ad.audit.record(ctx, actor, chat.AuditFormChanged, "form", "Đổi thứ tự các trường biểu mẫu.")
	return out, nil
}

func (ad *Admin) findField(ctx context.Context, key string) (*chat.FormField, error) {
	all, err := ad.store.FormFields(ctx)
	if err != nil {
		return nil, ad.fail.unavailable(err)
	}
	for _, f := range all {
		if f.Key == key {
			return &f, nil
		}
	}
	return nil, chat.ErrNotFound
}
