package desktest

import (
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/desk"
)

var pageCases = []coordCase{
	{"SetReadClear", testPageSetReadClear},
}

// testPageSetReadClear: the page is read back; durable once per window;
// ClearPage forgets the page and the window, and touches no other
// conversation.
func testPageSetReadClear(t *testing.T, c desk.Coordinator, _ Clock) {
	ctx := ctxT(t)
	durable, err := c.SetPage(ctx, "pg1", []byte(`{"path":"/a"}`), time.Minute)
	must(t, err)
	if !durable {
		t.Fatal("first page: not durable")
	}
	durable, err = c.SetPage(ctx, "pg1", []byte(`{"path":"/b"}`), time.Minute)
	must(t, err)
	if durable {
		t.Fatal("second page within the window: durable")
	}
	_, err = c.SetPage(ctx, "pg2", []byte(`{"path":"/x"}`), time.Minute)
	must(t, err)
	if b, err := c.Page(ctx, "pg1"); err != nil || string(b) != `{"path":"/b"}` {
		t.Fatalf("page: %q %v", b, err)
	}
	must(t, c.ClearPage(ctx, "pg1"))
	if b, err := c.Page(ctx, "pg1"); err != nil || b != nil {
		t.Fatalf("cleared page: %q %v", b, err)
	}
	if b, err := c.Page(ctx, "pg2"); err != nil || string(b) != `{"path":"/x"}` {
		t.Fatalf("another conversation's page: %q %v", b, err)
	}
	durable, err = c.SetPage(ctx, "pg1", []byte(`{"path":"/c"}`), time.Minute)
	must(t, err)
	if !durable {
		t.Fatal("after ClearPage the durable window is still held")
	}
	must(t, c.ClearPage(ctx, "none")) // nothing to clear: no error
}
