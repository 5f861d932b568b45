package inmem

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// FormFields returns every field, enabled or not, by order then key.
func (s *Store) FormFields(ctx context.Context) ([]chat.FormField, error) {
	return read(ctx, s, func() ([]chat.FormField, error) {
		out := make([]chat.FormField, 0, len(s.formFields))
		for _, f := range s.formFields {
			out = append(out, cloneFormField(f))
		}
		slices.SortFunc(out, func(a, b chat.FormField) int {
			return cmp.Or(cmp.Compare(a.Order, b.Order), strings.Compare(a.Key, b.Key))
		})
		return out, nil
	})
}

// EnsureFormFields seeds defs when no field is stored. A key given twice
// is stored once (the first), as the unique key refuses the second copy.
func (s *Store) EnsureFormFields(ctx context.Context, defs []chat.FormField) error {
	return s.write(ctx, func() error {
		if len(s.formFields) > 0 {
			return nil
		}
		for _, f := range defs {
			if _, ok := s.formFields[f.Key]; !ok {
				s.formFields[f.Key] = cloneFormField(f)
			}
		}
		return nil
	})
}

// CreateFormField returns chat.ErrDuplicateKey when the key is taken.
func (s *Store) CreateFormField(ctx context.Context, f chat.FormField) error {
	return s.write(ctx, func() error {
		if _, ok := s.formFields[f.Key]; ok {
			return chat.ErrDuplicateKey
		}
		s.formFields[f.Key] = cloneFormField(f)
		return nil
	})
}

// UpdateFormField replaces the field with f's key; chat.ErrNotFound when
// no field has that key.
func (s *Store) UpdateFormField(ctx context.Context, f chat.FormField) error {
	return s.write(ctx, func() error { return replace(s.formFields, f.Key, cloneFormField(f)) })
}

// DeleteFormField removes the field with key; chat.ErrNotFound when there
// is none.
func (s *Store) DeleteFormField(ctx context.Context, key string) error {
	return s.write(ctx, func() error { return remove(s.formFields, key) })
}
