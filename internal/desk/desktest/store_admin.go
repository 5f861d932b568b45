package desktest

import (
	"errors"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/desk"
)

func fieldKeys(fs []chat.FormField) []string {
	return pluck(fs, func(f chat.FormField) string { return f.Key })
}

// testFormFields: seeded once, listed by order then key, keys unique.
func testFormFields(t *testing.T, newStore func(t *testing.T) desk.Store) {
	s := newStore(t)
	ctx := ctxT(t)
	list := func() []chat.FormField {
		t.Helper()
		fs, err := s.FormFields(ctx)
		if err != nil || fs == nil {
			t.Fatalf("FormFields = %#v, %v", fs, err)
		}
		return fs
	}
	if fs := list(); len(fs) != 0 {
		t.Fatalf("empty store has fields %v", fieldKeys(fs))
	}
	defs := chat.DefaultFormFields()
	// Nodes starting together all find the form empty and seed it.
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.EnsureFormFields(ctx, defs); err != nil {
				t.Errorf("EnsureFormFields: %v", err)
			}
		}()
	}
	wg.Wait()
	if got := list(); !reflect.DeepEqual(got, defs) {
		t.Fatalf("seeded fields:\n got %+v\nwant %+v", got, defs)
	}
	must(t, s.EnsureFormFields(ctx, []chat.FormField{{Key: "other", Label: "Khác", Type: chat.FieldText}}))
	if got := list(); len(got) != len(defs) {
		t.Fatalf("a second seeding changed the form: %v", fieldKeys(got))
	}

	extra := chat.FormField{Key: "size", Label: "Cỡ", Type: chat.FieldSelect, Order: 2, Enabled: true}
	must(t, s.CreateFormField(ctx, extra))
	if err := s.CreateFormField(ctx, extra); !errors.Is(err, chat.ErrDuplicateKey) {
		t.Fatalf("duplicate key: err = %v, want ErrDuplicateKey", err)
	}
	var size chat.FormField
	var keys []string
	for _, f := range list() {
		keys = append(keys, f.Key)
		if f.Key == "size" {
			size = f
		}
	}
	want := slices.Clone(defs)
	want = append(want, chat.FormField{Key: "size", Order: 2})
	slices.SortStableFunc(want, func(a, b chat.FormField) int {
		if a.Order != b.Order {
			return a.Order - b.Order
		}
		switch {
		case a.Key < b.Key:
			return -1
		case a.Key > b.Key:
			return 1
		}
		return 0
	})
	if !slices.Equal(keys, fieldKeys(want)) {
		t.Fatalf("fields %v, want by order then key %v", keys, fieldKeys(want))
	}
	if size.Options == nil || len(size.Options) != 0 {
		t.Fatalf("nil options read back as %#v, want []", size.Options)
	}

	extra.Options, extra.Label, extra.Required, extra.Order = []string{"S", "M"}, "Kích cỡ", true, 9
	must(t, s.UpdateFormField(ctx, extra))
	extra.Options[0] = "changed" // the store keeps its own copy
	fs := list()
	if f := fs[len(fs)-1]; f.Key != "size" || f.Label != "Kích cỡ" || !f.Required || !slices.Equal(f.Options, []string{"S", "M"}) {
		t.Fatalf("after update, last by its new order: %+v; want size as updated", f)
	}
	if err := s.UpdateFormField(ctx, chat.FormField{Key: "ghost"}); !isNotFound(err) {
		t.Fatalf("update of a missing field: err = %v, want not found", err)
	}
	must(t, s.DeleteFormField(ctx, "size"))
	if err := s.DeleteFormField(ctx, "size"); !isNotFound(err) {
		t.Fatalf("second delete: err = %v, want not found", err)
	}
	if got := list(); !reflect.DeepEqual(got, defs) {
		t.Fatalf("after delete: %v", fieldKeys(got))
	}
}

func testSettings(t *testing.T, newStore func(t *testing.T) desk.Store) {
	s := newStore(t)
	ctx := ctxT(t)
	if got, err := s.Settings(ctx); err != nil || !reflect.DeepEqual(got, chat.DefaultSettings()) {
		t.Fatalf("unsaved settings = %+v, %v; want the defaults", got, err)
	}
	if got, err := s.BotSettings(ctx); err != nil || !reflect.DeepEqual(got, chat.DefaultBotSettings()) {
		t.Fatalf("unsaved bot settings = %+v, %v; want the defaults", got, err)
	}
	steps := []chat.Settings{
		{AssignmentMode: chat.AssignDefault, DefaultAgentID: "a1", AllowedOrigins: []string{"https://shop.example"}, WidgetColor: "#112233", WidgetTitle: "Hỗ trợ", WidgetGreeting: "Chào", AutoLanguage: true},
		{AssignmentMode: chat.AssignRoundRobin, WidgetColor: "#445566", WidgetTitle: "Lần hai"}, // nil origins read back as []
		{AssignmentMode: chat.AssignRoundRobin, WidgetColor: "#445566", WidgetTitle: "Lần ba", Greetings: []chat.GreetingRule{
			{Pattern: "/san-pham/*", DelaySeconds: 5, Text: "Cần tư vấn?", Enabled: true}, {Pattern: "sale", Text: "Tắt"},
		}},
	}
	for i, v := range steps {
		must(t, s.SaveSettings(ctx, v))
		want := v
		if want.AllowedOrigins == nil {
			want.AllowedOrigins = []string{}
		}
		if want.Greetings == nil {
			want.Greetings = []chat.GreetingRule{}
		}
		if got, err := s.Settings(ctx); err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("save %d read back %+v, %v; want %+v", i, got, err, want)
		}
	}
	bot := chat.BotSettings{Enabled: true, Name: "Bé Na", BaseURL: "https://llm.example/v1", Model: "m", APIKey: "sk-1",
		APIKeySet: true, SystemPrompt: "p", Knowledge: "k", WaitSeconds: 3, TimeoutSeconds: 20}
	must(t, s.SaveBotSettings(ctx, bot))
	want := bot
	want.APIKeySet = false // derived for clients, not stored
	if got, err := s.BotSettings(ctx); err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("bot settings read back %+v, %v; want %+v", got, err, want)
	}
	if got, _ := s.Settings(ctx); got.WidgetTitle != "Lần ba" {
		t.Fatalf("saving bot settings changed the settings: %+v", got)
	}
	testOfficeHours(t, s)
	testIdentitySettings(t, s)
}

// testIdentitySettings: the zero settings until saved; the secret and the
// rotation time read back (at BSON's millisecond precision), the derived
// fields are not kept, and the other settings are untouched.
func testIdentitySettings(t *testing.T, s desk.Store) {
	ctx := ctxT(t)
	if got, err := s.IdentitySettings(ctx); err != nil || !reflect.DeepEqual(got, chat.IdentitySettings{}) {
		t.Fatalf("unsaved identity settings = %+v, %v; want the zero ones", got, err)
	}
	at := t0.Add(time.Hour)
	v := chat.IdentitySettings{VerifiedOnly: true, Secret: "idsec_0123456789abcdef", SecretSet: true, SecretHint: "…cdef", RotatedAt: &at}
	must(t, s.SaveIdentitySettings(ctx, v))
	at = at.Add(time.Hour) // the store keeps its own copy
	got, err := s.IdentitySettings(ctx)
	if err != nil || !got.VerifiedOnly || got.Secret != v.Secret || got.SecretSet || got.SecretHint != "" ||
		got.RotatedAt == nil || !got.RotatedAt.Equal(t0.Add(time.Hour)) {
		t.Fatalf("identity settings read back %+v, %v; want the secret, verified only, rotated at %v", got, err, t0.Add(time.Hour))
	}
	must(t, s.SaveIdentitySettings(ctx, chat.IdentitySettings{Secret: "idsec_other"}))
	if got, err := s.IdentitySettings(ctx); err != nil || got.VerifiedOnly || got.Secret != "idsec_other" || got.RotatedAt != nil {
		t.Fatalf("second save read back %+v, %v", got, err)
	}
	if got, _ := s.Settings(ctx); got.WidgetTitle != "Lần ba" {
		t.Fatalf("saving identity settings changed the settings: %+v", got)
	}
}

// testOfficeHours: defaults until saved, a round trip keeps the week in
// order and the holidays (nil reads back as []), and the office hours live
// beside the other settings without touching them.
func testOfficeHours(t *testing.T, s desk.Store) {
	ctx := ctxT(t)
	if got, err := s.OfficeHours(ctx); err != nil || !reflect.DeepEqual(got, chat.DefaultOfficeHours()) {
		t.Fatalf("unsaved office hours = %+v, %v; want the defaults", got, err)
	}
	h := chat.DefaultOfficeHours()
	h.Enabled, h.AwayMessage, h.ReplyTime = true, "Ngoài giờ làm việc.", "Trong vòng 1 giờ"
	h.Week[6] = chat.DayHours{Open: true, From: "09:00", To: "11:30"}
	h.Holidays = []string{"2026-02-17", "2026-09-02"}
	must(t, s.SaveOfficeHours(ctx, h))
	h.Week[0].From, h.Holidays[0] = "changed", "changed" // the store keeps its own copy
	want := chat.DefaultOfficeHours()
	want.Enabled, want.AwayMessage, want.ReplyTime = true, "Ngoài giờ làm việc.", "Trong vòng 1 giờ"
	want.Week[6] = chat.DayHours{Open: true, From: "09:00", To: "11:30"}
	want.Holidays = []string{"2026-02-17", "2026-09-02"}
	if got, err := s.OfficeHours(ctx); err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("office hours read back %+v, %v; want %+v", got, err, want)
	}
	want.Holidays = nil
	must(t, s.SaveOfficeHours(ctx, want))
	if got, err := s.OfficeHours(ctx); err != nil || got.Holidays == nil || len(got.Holidays) != 0 {
		t.Fatalf("nil holidays read back as %#v, %v; want []", got.Holidays, err)
	}
	if got, _ := s.Settings(ctx); got.WidgetTitle != "Lần ba" {
		t.Fatalf("saving office hours changed the settings: %+v", got)
	}
	if got, _ := s.BotSettings(ctx); got.Name != "Bé Na" {
		t.Fatalf("saving office hours changed the bot settings: %+v", got)
	}
}

// testCannedReplies: a shortcut is unique per scope (shared "" or one
// agent), on create and on rename; lists are by shortcut, shared first.
func testCannedReplies(t *testing.T, newStore func(t *testing.T) desk.Store) {
	s := newStore(t)
	ctx := ctxT(t)
	mk := func(owner, shortcut string) *chat.CannedReply {
		return &chat.CannedReply{Shortcut: shortcut, Title: "T " + shortcut, Text: "x", OwnerID: owner, CreatedAt: t0, UpdatedAt: t0}
	}
	if items, err := s.CannedReplies(ctx, []string{""}); err != nil || items == nil || len(items) != 0 {
		t.Fatalf("CannedReplies of an empty store = %#v, %v; want an empty list", items, err)
	}
	for _, r := range []*chat.CannedReply{mk("", "chao"), mk("a1", "chao"), mk("a2", "chao"), mk("a1", "gia")} {
		must(t, s.CreateCannedReply(ctx, r))
		if !hexID.MatchString(r.ID) {
			t.Fatalf("generated id %q", r.ID)
		}
	}
	if err := s.CreateCannedReply(ctx, mk("a1", "chao")); !errors.Is(err, chat.ErrDuplicateShortcut) {
		t.Fatalf("duplicate create: %v, want ErrDuplicateShortcut", err)
	}
	scopes := func(owners ...string) []string {
		t.Helper()
		items, err := s.CannedReplies(ctx, owners)
		if err != nil || items == nil {
			t.Fatalf("CannedReplies(%q) = %#v, %v", owners, items, err)
		}
		var out []string
		for _, r := range items {
			out = append(out, r.OwnerID+"/"+r.Shortcut)
		}
		return out
	}
	for _, tt := range []struct {
		owners []string
		want   []string
	}{
		{[]string{"", "a1"}, []string{"/chao", "a1/chao", "a1/gia"}},
		{[]string{"a2", ""}, []string{"/chao", "a2/chao"}},
		{[]string{"a9"}, nil},
		{nil, nil},
	} {
		if got := scopes(tt.owners...); !slices.Equal(got, tt.want) {
			t.Errorf("CannedReplies(%q) = %v, want %v", tt.owners, got, tt.want)
		}
	}
	items, _ := s.CannedReplies(ctx, []string{"a1"})
	gia := items[1]
	if got, err := s.CannedReply(ctx, gia.ID); err != nil || !reflect.DeepEqual(got, gia) {
		t.Fatalf("CannedReply = %+v, %v; want %+v", got, err, gia)
	}
	gia.Shortcut = "chao"
	if err := s.UpdateCannedReply(ctx, gia); !errors.Is(err, chat.ErrDuplicateShortcut) {
		t.Fatalf("rename onto a taken shortcut: %v, want ErrDuplicateShortcut", err)
	}
	gia.Shortcut, gia.Text, gia.UpdatedAt = "gia-moi", "giá mới", t0.Add(time.Hour)
	must(t, s.UpdateCannedReply(ctx, gia))
	if got, err := s.CannedReply(ctx, gia.ID); err != nil || !reflect.DeepEqual(got, gia) {
		t.Fatalf("after rename: %+v, %v; want %+v", got, err, gia)
	}
	ghost := mk("a1", "ma")
	ghost.ID = chat.NewID()
	if err := s.UpdateCannedReply(ctx, ghost); !isNotFound(err) {
		t.Fatalf("update of a missing reply: %v, want not found", err)
	}
	ghost.Shortcut = "chao"
	if err := s.UpdateCannedReply(ctx, ghost); !isNotFound(err) {
		t.Fatalf("update of a missing reply with a taken shortcut: %v, want not found", err)
	}
	must(t, s.DeleteCannedReply(ctx, gia.ID))
	if err := s.DeleteCannedReply(ctx, gia.ID); !isNotFound(err) {
		t.Fatalf("second delete: %v, want not found", err)
	}
	if _, err := s.CannedReply(ctx, gia.ID); !isNotFound(err) {
		t.Fatalf("deleted reply: %v, want not found", err)
	}

	oneWon(t, race(6, func(int) error { return s.CreateCannedReply(ctx, mk("a3", "dup")) }), chat.ErrDuplicateShortcut, "shortcut")
}
