package wsclient

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func frames(b *Inbox, types ...string) {
	for i, typ := range types {
		b.Push(Frame{Type: typ, ID: strings.Repeat("x", i%2)})
	}
}

func TestInboxWaitForKeepsTheOthers(t *testing.T) {
	b := NewInbox()
	frames(b, "a", "b", "c")
	f, err := b.WaitFor(context.Background(), func(f Frame) bool { return f.Type == "b" })
	if err != nil || f.Type != "b" {
		t.Fatalf("got %v %v", f, err)
	}
	if f, err := b.WaitFor(context.Background(), func(f Frame) bool { return f.Type == "a" }); err != nil || f.Type != "a" {
		t.Fatalf("a frame before the match was dropped: %v %v", f, err)
	}
}

func TestInboxSkipUntilDropsWhatCameBefore(t *testing.T) {
	b := NewInbox()
	frames(b, "a", "b", "c")
	if _, err := b.SkipUntil(context.Background(), func(f Frame) bool { return f.Type == "b" }); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := b.SkipUntil(ctx, func(f Frame) bool { return f.Type == "a" }); err == nil {
		t.Fatal("a frame before an earlier match was matched")
	}
	if got := b.Take(); len(got) != 0 {
		t.Fatalf("a failed SkipUntil kept %v", got)
	}
}

func TestInboxWaitErrorListsTheLastFramesReceived(t *testing.T) {
	b := NewInbox()
	for i := 0; i < 25; i++ {
		b.Push(Frame{Type: "t" + string(rune('a'+i)), ID: "r"})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	_, err := b.WaitFor(ctx, func(Frame) bool { return false })
	var we *WaitError
	if !errors.As(err, &we) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	if len(we.Recent) != 20 || we.Recent[0].Type != "tf" || we.Recent[19].Type != "ty" {
		t.Fatalf("recent = %v", we.Recent)
	}
	if msg := err.Error(); !strings.Contains(msg, "last 20 received: tf#r tg#r") || !strings.HasSuffix(msg, "ty#r") {
		t.Fatalf("message %q", msg)
	}
}

func TestInboxEndReleasesWaitersWithWhatArrived(t *testing.T) {
	b := NewInbox()
	done := make(chan error, 1)
	go func() {
		_, err := b.WaitFor(context.Background(), func(f Frame) bool { return f.Type == "never" })
		done <- err
	}()
	b.Push(Frame{Type: "greeting"})
	b.End(errors.New("closed by the server with 4401"))
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "4401") || !strings.Contains(err.Error(), "greeting") {
			t.Fatalf("err = %v", err)
		}
	case <-time.After(time.Second):
		t.Fatal("End did not release the waiter")
	}
	// A frame that arrived before the end is still found.
	if f, err := b.WaitFor(context.Background(), func(f Frame) bool { return f.Type == "greeting" }); err != nil || f.Type != "greeting" {
		t.Fatalf("got %v %v", f, err)
	}
}
