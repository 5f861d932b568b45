package mongo

import (
	"reflect"
	"testing"

	"github.com/chatdesk/chatdesk/internal/chat"
)

func TestSettings(t *testing.T) {
	db := openTestDB(t, Options{})
	ctx := ctxT(t)
	got, err := db.Settings(ctx)
	if err != nil || !reflect.DeepEqual(got, chat.DefaultSettings()) {
		t.Fatalf("unsaved settings = %+v, %v; want the defaults", got, err)
	}
	steps := []chat.Settings{
		{AssignmentMode: chat.AssignDefault, DefaultAgentID: "a1", AllowedOrigins: []string{"https://shop.example"},
			WidgetColor: "#112233", WidgetTitle: "Hỗ trợ", WidgetGreeting: "Chào bạn"},
		{AssignmentMode: chat.AssignRoundRobin, AllowedOrigins: []string{}, WidgetColor: "#000000", WidgetTitle: "T"},
	}
	for i, s := range steps {
		if err := db.SaveSettings(ctx, s); err != nil {
			t.Fatalf("save %d: %v", i, err)
		}
		got, err := db.Settings(ctx)
		if err != nil || !reflect.DeepEqual(got, s) {
			t.Fatalf("after save %d: %+v, %v; want %+v", i, got, err, s)
		}
	}
	// nil origins come back as an empty list, never null in JSON.
	if err := db.SaveSettings(ctx, chat.Settings{AssignmentMode: chat.AssignRoundRobin}); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.Settings(ctx); got.AllowedOrigins == nil {
		t.Fatal("AllowedOrigins = nil")
	}
	if n, err := db.settings.CountDocuments(ctx, map[string]any{}); err != nil || n != 1 {
		t.Fatalf("%d settings documents (%v), want 1", n, err)
	}
}
