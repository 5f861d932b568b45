package desk

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/auth"
	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/inmem"
)

// undeletableFiles is a store whose file deletions fail.
type undeletableFiles struct{ *inmem.Store }

func (undeletableFiles) DeleteAttachment(context.Context, string) error {
	return errors.New("gridfs unreachable")
}

func smallPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	img.Set(1, 1, color.RGBA{R: 200, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestReplacedAvatarDeletionIsBestEffort: when the replaced photo cannot
// be deleted, the new one is still set and the failure is logged.
func TestReplacedAvatarDeletionIsBestEffort(t *testing.T) {
	store := inmem.NewStore()
	clock := inmem.NewManualClock(time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC))
	tokens, err := auth.NewTokens(strings.Repeat("k", 32)+"-unit-test-secret", time.Hour, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	core := New(Deps{Store: undeletableFiles{store}, Coord: inmem.NewCoordinator(clock.Now), Bus: inmem.NewBroker().Bus(), Tokens: tokens,
		Log: slog.New(slog.NewTextHandler(&logs, nil))}, Config{NodeID: "n1", Clock: clock.Now, JanitorEvery: time.Hour})
	ctx := context.Background()
	if err := core.Setup(ctx); err != nil {
		t.Fatal(err)
	}
	a := &chat.Agent{ID: chat.NewID(), Email: "an@chatdesk.local", Name: "An", Role: chat.RoleAgent}
	if err := store.CreateAgent(ctx, a); err != nil {
		t.Fatal(err)
	}
	me := Actor{Agent: a}
	first, err := core.Admin.SetAvatar(ctx, me, a.ID, smallPNG(t))
	if err != nil {
		t.Fatal(err)
	}
	second, err := core.Admin.SetAvatar(ctx, me, a.ID, smallPNG(t))
	if err != nil {
		t.Fatalf("replacing a photo whose old file cannot be deleted: %v", err)
	}
	if second.AvatarURL == first.AvatarURL {
		t.Fatalf("the photo was not replaced: %s", second.AvatarURL)
	}
	if stored, err := store.Agent(ctx, a.ID); err != nil || stored.AvatarURL != second.AvatarURL {
		t.Fatalf("stored agent: %+v %v", stored, err)
	}
	oldID, _ := chat.AvatarFileID(first.AvatarURL)
	if !strings.Contains(logs.String(), "deleting a replaced avatar file failed") || !strings.Contains(logs.String(), oldID) {
		t.Fatalf("no log of the failed deletion:\n%s", logs.String())
	}
}
