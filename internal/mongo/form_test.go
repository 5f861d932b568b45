package mongo

import (
	"errors"
	"reflect"
	"sync"
	"testing"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/testenv"
)

func keys(fs []chat.FormField) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Key
	}
	return out
}

func TestFormFields(t *testing.T) {
	db := openTestDB(t, Options{})
	ctx := ctxT(t)
	if fs, err := db.FormFields(ctx); err != nil || len(fs) != 0 {
		t.Fatalf("empty FormFields = %v, %v", fs, err)
	}
	defs := chat.DefaultFormFields()
	if err := db.EnsureFormFields(ctx, defs); err != nil {
		t.Fatal(err)
	}
	got, err := db.FormFields(ctx)
	if err != nil || !reflect.DeepEqual(got, defs) {
		t.Fatalf("after seeding: %+v, %v; want %+v", got, err, defs)
	}
	// Once anything is stored, EnsureFormFields leaves the form alone.
	if err := db.DeleteFormField(ctx, chat.KeyAddress); err != nil {
		t.Fatal(err)
	}
	if err := db.EnsureFormFields(ctx, defs); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.FormFields(ctx); !reflect.DeepEqual(keys(got), []string{"name", "phone", "message"}) {
		t.Fatalf("EnsureFormFields re-seeded a non-empty form: %v", keys(got))
	}

	shoe := chat.FormField{Key: "size", Label: "Cỡ giày", Type: chat.FieldSelect, Options: []string{"40", "41"}, Order: 2, Enabled: true}
	colour := chat.FormField{Key: "colour", Label: "Màu", Type: chat.FieldText, Order: 2} // nil options stored as []
	for _, f := range []chat.FormField{shoe, colour} {
		if err := db.CreateFormField(ctx, f); err != nil {
			t.Fatalf("CreateFormField(%s): %v", f.Key, err)
		}
	}
	tests := []struct {
		name string
		run  func() error
		want error
	}{
		{"create existing key", func() error {
			return db.CreateFormField(ctx, chat.FormField{Key: "size", Label: "x", Type: chat.FieldText})
		}, chat.ErrDuplicateKey},
		{"create existing builtin key", func() error {
			return db.CreateFormField(ctx, chat.FormField{Key: "name", Label: "x", Type: chat.FieldText})
		}, chat.ErrDuplicateKey},
		{"update missing", func() error { return db.UpdateFormField(ctx, chat.FormField{Key: "nope", Label: "x"}) }, chat.ErrNotFound},
		{"delete missing", func() error { return db.DeleteFormField(ctx, "nope") }, chat.ErrNotFound},
	}
	for _, tt := range tests {
		if err := tt.run(); !errors.Is(err, tt.want) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
		}
	}

	shoe.Label, shoe.Options, shoe.Required, shoe.Order = "Cỡ", []string{"39"}, true, 9
	if err := db.UpdateFormField(ctx, shoe); err != nil {
		t.Fatal(err)
	}
	got, err = db.FormFields(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// By order, then key: name(1) colour(2) phone(2) message(4) size(9).
	if want := []string{"name", "colour", "phone", "message", "size"}; !reflect.DeepEqual(keys(got), want) {
		t.Fatalf("order %v, want %v", keys(got), want)
	}
	if !reflect.DeepEqual(got[4], shoe) {
		t.Fatalf("updated field %+v, want %+v", got[4], shoe)
	}
	if got[1].Options == nil || len(got[1].Options) != 0 {
		t.Fatalf("nil options came back as %#v, want []", got[1].Options)
	}
}

func TestEnsureFormFieldsRace(t *testing.T) {
	name := testenv.DBName(t)
	nodes := []*DB{openNamed(t, name, Options{}, true)}
	for i := 0; i < 4; i++ {
		nodes = append(nodes, openNamed(t, name, Options{}, false))
	}
	defs := chat.DefaultFormFields()
	var wg sync.WaitGroup
	errs := make([]error, len(nodes))
	for i, db := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = db.EnsureFormFields(ctxT(t), defs)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("node %d: %v", i, err)
		}
	}
	got, err := nodes[0].FormFields(ctxT(t))
	if err != nil || !reflect.DeepEqual(got, defs) {
		t.Fatalf("after the race: %v (%v), want exactly one copy of %v", keys(got), err, keys(defs))
	}
}
