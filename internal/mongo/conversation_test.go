package mongo

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

var t0 = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

func ptr[T any](v T) *T { return &v }

func newConv(id, name, phone string, status chat.Status, assignee string, created time.Time) *chat.Conversation {
	return &chat.Conversation{
		ID:         id,
		Status:     status,
		AssigneeID: assignee,
		Answers:    []chat.Answer{{Key: chat.KeyName, Label: "Họ tên", Type: chat.FieldText, Value: name}},
		Visitor:    chat.Visitor{Name: name, Phone: phone, PageURL: "https://shop.example/p", IP: "203.0.113.9"},
		CreatedAt:  created,
		UpdatedAt:  created,
	}
}

func mustCreate(t *testing.T, db *DB, cs ...*chat.Conversation) {
	t.Helper()
	for _, c := range cs {
		if err := db.CreateConversation(ctxT(t), c); err != nil {
			t.Fatalf("CreateConversation(%s): %v", c.ID, err)
		}
	}
}

func ids(cs []*chat.Conversation) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

func TestConversationCreateAndGet(t *testing.T) {
	db := openTestDB(t, Options{})
	ctx := ctxT(t)
	c := newConv("", "Nguyễn Văn Bình", "0912345678", chat.StatusWaiting, "", t0)
	c.LastMessage = &chat.Preview{Seq: 1, Text: "xin chào", SenderType: chat.SenderVisitor, At: t0}
	c.UnreadAgent = 1
	mustCreate(t, db, c)
	if len(c.ID) != 24 {
		t.Fatalf("generated id %q, want 24 hex characters", c.ID)
	}
	got, err := db.Conversation(ctx, c.ID)
	if err != nil {
		t.Fatalf("Conversation: %v", err)
	}
	if !reflect.DeepEqual(got, c) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, c)
	}
	// The derived search fields are stored.
	var d conversationDoc
	if err := db.conversations.FindOne(ctx, map[string]string{"_id": c.ID}).Decode(&d); err != nil {
		t.Fatal(err)
	}
	if d.SearchName != "nguyen van binh" || d.PhoneSearch != "912345678" {
		t.Fatalf("searchName=%q phoneSearch=%q", d.SearchName, d.PhoneSearch)
	}
	if d.LastMessage == nil {
		t.Fatal("lastMessage not stored")
	}

	if _, err := db.Conversation(ctx, "missing"); !isNotFound(err) {
		t.Fatalf("missing conversation: err = %v, want not found", err)
	}
	if err := db.CreateConversation(ctx, c); err == nil {
		t.Fatal("second create with the same id succeeded")
	}
}

func TestUpdateConversation(t *testing.T) {
	db := openTestDB(t, Options{})
	ctx := ctxT(t)
	c := newConv("c1", "An", "", chat.StatusWaiting, "", t0)
	mustCreate(t, db, c)

	t1, t2, t3 := t0.Add(time.Minute), t0.Add(2*time.Minute), t0.Add(3*time.Minute)
	steps := []struct {
		name  string
		u     chat.ConversationUpdate
		check func(*chat.Conversation) error
	}{
		{"assign", chat.ConversationUpdate{Status: ptr(chat.StatusAssigned), AssigneeID: ptr("a1"), AssigneeName: ptr("Lan"), AssignedAt: &t1, UpdatedAt: t1},
			func(c *chat.Conversation) error {
				if c.Status != chat.StatusAssigned || c.AssigneeID != "a1" || c.AssigneeName != "Lan" || c.AssignedAt == nil || !c.AssignedAt.Equal(t1) || !c.UpdatedAt.Equal(t1) {
					return fmt.Errorf("%+v", c)
				}
				return nil
			}},
		{"only updatedAt leaves the rest", chat.ConversationUpdate{UpdatedAt: t2},
			func(c *chat.Conversation) error {
				if c.Status != chat.StatusAssigned || c.AssigneeID != "a1" || c.AssignedAt == nil || !c.UpdatedAt.Equal(t2) {
					return fmt.Errorf("%+v", c)
				}
				return nil
			}},
		{"resolve clears assignment", chat.ConversationUpdate{Status: ptr(chat.StatusResolved), AssigneeID: ptr(""), AssigneeName: ptr(""), AssignedAt: &time.Time{}, ResolvedAt: &t3, UpdatedAt: t3},
			func(c *chat.Conversation) error {
				if c.Status != chat.StatusResolved || c.AssigneeID != "" || c.AssignedAt != nil || c.ResolvedAt == nil || !c.ResolvedAt.Equal(t3) {
					return fmt.Errorf("%+v", c)
				}
				return nil
			}},
		{"reopen clears resolvedAt", chat.ConversationUpdate{Status: ptr(chat.StatusWaiting), ResolvedAt: &time.Time{}, UpdatedAt: t3},
			func(c *chat.Conversation) error {
				if c.Status != chat.StatusWaiting || c.ResolvedAt != nil {
					return fmt.Errorf("%+v", c)
				}
				return nil
			}},
	}
	for _, s := range steps {
		if err := db.UpdateConversation(ctx, "c1", s.u); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		got, err := db.Conversation(ctx, "c1")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.check(got); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
	}
	if err := db.UpdateConversation(ctx, "missing", chat.ConversationUpdate{UpdatedAt: t1}); !isNotFound(err) {
		t.Fatalf("update missing: err = %v, want not found", err)
	}
}

func TestTouchConversations(t *testing.T) {
	db := openTestDB(t, Options{})
	ctx := ctxT(t)
	mustCreate(t, db, newConv("c1", "An", "", chat.StatusWaiting, "", t0), newConv("c2", "Ba", "", chat.StatusWaiting, "", t0))
	preview := func(seq int64) *chat.Preview {
		return &chat.Preview{Seq: seq, Text: fmt.Sprint("m", seq), SenderType: chat.SenderVisitor, At: t0.Add(time.Duration(seq) * time.Second)}
	}
	steps := []struct {
		name        string
		touches     []chat.ConversationTouch
		wantSeq     map[string]int64 // 0: no preview
		wantUnread  map[string]int64
		wantUpdated map[string]time.Time
	}{
		{"first preview on null",
			[]chat.ConversationTouch{{ID: "c1", LastMessage: preview(5), UnreadAgent: ptr(int64(5)), UpdatedAt: t0.Add(5 * time.Second)}},
			map[string]int64{"c1": 5, "c2": 0}, map[string]int64{"c1": 5, "c2": 0},
			map[string]time.Time{"c1": t0.Add(5 * time.Second), "c2": t0}},
		{"a later touch overwrites (last writer wins), counters included",
			[]chat.ConversationTouch{{ID: "c1", LastMessage: preview(7), UnreadAgent: ptr(int64(0)), UpdatedAt: t0.Add(7 * time.Second)}},
			map[string]int64{"c1": 7}, map[string]int64{"c1": 0},
			map[string]time.Time{"c1": t0.Add(7 * time.Second)}},
		{"one call touching several conversations, plus an unknown id",
			[]chat.ConversationTouch{
				{ID: "c1", LastMessage: preview(9), UpdatedAt: t0.Add(9 * time.Second)},
				{ID: "c2", LastMessage: preview(2), UnreadVisit: ptr(int64(2)), UpdatedAt: t0.Add(2 * time.Second)},
				{ID: "nope", LastMessage: preview(1), UpdatedAt: t0},
			},
			map[string]int64{"c1": 9, "c2": 2}, nil,
			map[string]time.Time{"c1": t0.Add(9 * time.Second), "c2": t0.Add(2 * time.Second)}},
		{"counters only",
			[]chat.ConversationTouch{{ID: "c2", UnreadAgent: ptr(int64(4)), UpdatedAt: t0.Add(10 * time.Second)}},
			map[string]int64{"c2": 2}, map[string]int64{"c2": 4},
			map[string]time.Time{"c2": t0.Add(10 * time.Second)}},
		{"empty call", nil, map[string]int64{"c1": 9, "c2": 2}, nil, nil},
	}
	for _, s := range steps {
		if err := db.TouchConversations(ctx, s.touches); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		for id, seq := range s.wantSeq {
			c, err := db.Conversation(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case seq == 0 && c.LastMessage != nil:
				t.Errorf("%s: %s preview = %+v, want none", s.name, id, c.LastMessage)
			case seq != 0 && (c.LastMessage == nil || c.LastMessage.Seq != seq || c.LastMessage.Text != fmt.Sprint("m", seq)):
				t.Errorf("%s: %s preview = %+v, want seq %d", s.name, id, c.LastMessage, seq)
			}
		}
		for id, n := range s.wantUnread {
			c, _ := db.Conversation(ctx, id)
			if c.UnreadAgent != n {
				t.Errorf("%s: %s unreadAgent = %d, want %d", s.name, id, c.UnreadAgent, n)
			}
		}
		for id, at := range s.wantUpdated {
			c, _ := db.Conversation(ctx, id)
			if !c.UpdatedAt.Equal(at) {
				t.Errorf("%s: %s updatedAt = %v, want %v", s.name, id, c.UpdatedAt, at)
			}
		}
	}
	// More touches than one chunk: every one is written.
	var many []chat.ConversationTouch
	for i := 0; i < 55; i++ {
		id := fmt.Sprintf("bulk%02d", i)
		mustCreate(t, db, newConv(id, "Bulk", "", chat.StatusWaiting, "", t0))
		many = append(many, chat.ConversationTouch{ID: id, LastMessage: preview(int64(i + 1)), UpdatedAt: t0.Add(time.Hour)})
	}
	if err := db.TouchConversations(ctx, many); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 55; i++ {
		c, _ := db.Conversation(ctx, fmt.Sprintf("bulk%02d", i))
		if c.LastMessage == nil || c.LastMessage.Seq != int64(i+1) {
			t.Fatalf("bulk%02d preview = %+v", i, c.LastMessage)
		}
	}
	c2, _ := db.Conversation(ctx, "c2")
	if c2.UnreadVisit != 2 {
		t.Errorf("c2 unreadVisit = %d, want 2", c2.UnreadVisit)
	}
}

func TestFindConversationsSearch(t *testing.T) {
	db := openTestDB(t, Options{})
	mustCreate(t, db,
		newConv("binh", "Nguyễn Văn Bình", "0912345678", chat.StatusWaiting, "", t0),
		newConv("dang", "Đặng Thị Hoa", "+84 24 3825 1234", chat.StatusAssigned, "a1", t0.Add(time.Minute)),
		newConv("meta", "Ann (a.b)+", "0387654321", chat.StatusResolved, "", t0.Add(2*time.Minute)),
	)
	tests := []struct {
		query string
		want  []string // newest first
	}{
		{"binh", []string{"binh"}},
		{"  BÌNH ", []string{"binh"}},
		{"văn b", []string{"binh"}},
		{"dang", []string{"dang"}},
		{"đặng", []string{"dang"}},
		{"0912 345", []string{"binh"}},
		{"+84912345", []string{"binh"}},
		{"912345678", []string{"binh"}},
		{"0912.345.678", []string{"binh"}},
		{"38251234", []string{"dang"}},
		{"(a.b)+", []string{"meta"}},
		{".*", nil}, // regex syntax is literal
		{"a.b", []string{"meta"}},
		{"axb", nil}, // "." must not match any character
		{"nobody", nil},
		{"\u0301", nil}, // folds to nothing: must not match everyone
		{"", []string{"meta", "dang", "binh"}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			got, next, err := db.FindConversations(ctxT(t), chat.ConversationFilter{Query: tt.query}, chat.SortCreatedDesc)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(got), tt.want) || next != "" {
				t.Fatalf("got %v next %q, want %v", ids(got), next, tt.want)
			}
		})
	}
}

func TestFindConversationsFilters(t *testing.T) {
	db := openTestDB(t, Options{})
	mustCreate(t, db,
		newConv("w1", "A", "", chat.StatusWaiting, "", t0),
		newConv("s1", "B", "", chat.StatusAssigned, "a1", t0.Add(1*time.Hour)),
		newConv("s2", "C", "", chat.StatusAssigned, "a2", t0.Add(2*time.Hour)),
		newConv("r1", "D", "", chat.StatusResolved, "a1", t0.Add(3*time.Hour)),
		newConv("r2", "E", "", chat.StatusResolved, "", t0.Add(4*time.Hour)),
	)
	from, to := t0.Add(1*time.Hour), t0.Add(3*time.Hour)
	tests := []struct {
		name string
		f    chat.ConversationFilter
		want []string
	}{
		{"all", chat.ConversationFilter{}, []string{"r2", "r1", "s2", "s1", "w1"}},
		{"one status", chat.ConversationFilter{Statuses: []chat.Status{chat.StatusAssigned}}, []string{"s2", "s1"}},
		{"two statuses", chat.ConversationFilter{Statuses: []chat.Status{chat.StatusWaiting, chat.StatusResolved}}, []string{"r2", "r1", "w1"}},
		{"assignee", chat.ConversationFilter{AssigneeID: ptr("a1")}, []string{"r1", "s1"}},
		{"unassigned", chat.ConversationFilter{AssigneeID: ptr("")}, []string{"r2", "w1"}},
		{"assignee and status", chat.ConversationFilter{AssigneeID: ptr("a1"), Statuses: []chat.Status{chat.StatusResolved}}, []string{"r1"}},
		{"from inclusive, to exclusive", chat.ConversationFilter{From: &from, To: &to}, []string{"s2", "s1"}},
		{"from only", chat.ConversationFilter{From: &to}, []string{"r2", "r1"}},
		{"to only", chat.ConversationFilter{To: &from}, []string{"w1"}},
		{"limit", chat.ConversationFilter{Limit: 2}, []string{"r2", "r1"}},
		{"query and status", chat.ConversationFilter{Query: "e", Statuses: []chat.Status{chat.StatusResolved}}, []string{"r2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := db.FindConversations(ctxT(t), tt.f, chat.SortCreatedDesc)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(got), tt.want) {
				t.Fatalf("got %v, want %v", ids(got), tt.want)
			}
		})
	}
}

func TestFindConversationsPagination(t *testing.T) {
	db := openTestDB(t, Options{})
	ctx := ctxT(t)
	// 25 conversations; createdAt and updatedAt come in groups of three equal
	// values so pages must break ties by _id. updatedAt runs in the opposite
	// direction from createdAt so the two orders differ.
	var all []*chat.Conversation
	for i := 0; i < 25; i++ {
		c := newConv(fmt.Sprintf("c%02d", i), "Khách", "", chat.StatusWaiting, "", t0.Add(time.Duration(i/3)*time.Minute))
		c.UpdatedAt = t0.Add(time.Hour - time.Duration(i/3)*time.Minute)
		all = append(all, c)
	}
	mustCreate(t, db, all...)
	for _, order := range []chat.SortOrder{chat.SortCreatedDesc, chat.SortUpdatedDesc} {
		t.Run(string(order), func(t *testing.T) {
			want := slices.Clone(all)
			key := func(c *chat.Conversation) time.Time {
				if order == chat.SortUpdatedDesc {
					return c.UpdatedAt
				}
				return c.CreatedAt
			}
			slices.SortFunc(want, func(a, b *chat.Conversation) int {
				if c := key(b).Compare(key(a)); c != 0 {
					return c
				}
				return compareStrings(b.ID, a.ID)
			})
			var got []string
			var sizes []int
			cursor := ""
			for page := 0; page < 10; page++ {
				list, next, err := db.FindConversations(ctx, chat.ConversationFilter{Limit: 10, Cursor: cursor}, order)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, ids(list)...)
				sizes = append(sizes, len(list))
				if next == "" {
					break
				}
				cursor = next
			}
			if !slices.Equal(sizes, []int{10, 10, 5}) {
				t.Fatalf("page sizes %v, want [10 10 5]", sizes)
			}
			if !slices.Equal(got, ids(want)) {
				t.Fatalf("pages gave\n%v\nwant\n%v", got, ids(want))
			}
		})
	}

	// An exact multiple of the page size ends with next == "".
	list, next, err := db.FindConversations(ctx, chat.ConversationFilter{Limit: 25}, chat.SortCreatedDesc)
	if err != nil || len(list) != 25 || next != "" {
		t.Fatalf("limit 25: %d rows, next %q, err %v", len(list), next, err)
	}
	// Defaults and caps.
	list, _, err = db.FindConversations(ctx, chat.ConversationFilter{}, chat.SortCreatedDesc)
	if err != nil || len(list) != chat.DefaultPageSize {
		t.Fatalf("default limit: %d rows, err %v", len(list), err)
	}
	list, _, err = db.FindConversations(ctx, chat.ConversationFilter{Limit: 1000}, chat.SortCreatedDesc)
	if err != nil || len(list) != 25 {
		t.Fatalf("big limit: %d rows, err %v", len(list), err)
	}
	// Bad cursors are input errors.
	_, next, _ = db.FindConversations(ctx, chat.ConversationFilter{Limit: 5}, chat.SortCreatedDesc)
	for _, tt := range []struct {
		cursor string
		order  chat.SortOrder
	}{
		{"not base64!", chat.SortCreatedDesc},
		{"e30", chat.SortCreatedDesc}, // "{}"
		{next, chat.SortUpdatedDesc},  // cursor of the other order
	} {
		_, _, err := db.FindConversations(ctx, chat.ConversationFilter{Cursor: tt.cursor}, tt.order)
		if chat.ErrorCode(err) != chat.EINVALID {
			t.Errorf("cursor %q (%s): err = %v, want invalid input", tt.cursor, tt.order, err)
		}
	}
	if _, _, err := db.FindConversations(ctx, chat.ConversationFilter{}, "sideways"); chat.ErrorCode(err) != chat.EINVALID {
		t.Errorf("bad order: err = %v", err)
	}
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func TestWaitingAndAssignedConversations(t *testing.T) {
	db := openTestDB(t, Options{})
	ctx := ctxT(t)
	mustCreate(t, db,
		newConv("w2", "A", "", chat.StatusWaiting, "", t0.Add(2*time.Minute)),
		newConv("w1", "B", "", chat.StatusWaiting, "", t0.Add(1*time.Minute)),
		newConv("w3", "C", "", chat.StatusWaiting, "", t0.Add(3*time.Minute)),
		newConv("a1", "D", "", chat.StatusAssigned, "ag1", t0.Add(5*time.Minute)),
		newConv("a2", "E", "", chat.StatusAssigned, "ag1", t0.Add(4*time.Minute)),
		newConv("a3", "F", "", chat.StatusAssigned, "ag2", t0),
		newConv("r1", "G", "", chat.StatusResolved, "ag1", t0),
	)
	tests := []struct {
		name string
		run  func(context.Context) ([]*chat.Conversation, error)
		want []string
	}{
		{"waiting oldest first", func(ctx context.Context) ([]*chat.Conversation, error) { return db.WaitingConversations(ctx, 10) }, []string{"w1", "w2", "w3"}},
		{"waiting limited", func(ctx context.Context) ([]*chat.Conversation, error) { return db.WaitingConversations(ctx, 2) }, []string{"w1", "w2"}},
		{"waiting default limit", func(ctx context.Context) ([]*chat.Conversation, error) { return db.WaitingConversations(ctx, 0) }, []string{"w1", "w2", "w3"}},
		{"assigned to ag1, not resolved", func(ctx context.Context) ([]*chat.Conversation, error) { return db.AssignedConversations(ctx, "ag1") }, []string{"a2", "a1"}},
		{"assigned to nobody known", func(ctx context.Context) ([]*chat.Conversation, error) { return db.AssignedConversations(ctx, "ag9") }, []string{}},
	}
	for _, tt := range tests {
		got, err := tt.run(ctx)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if !slices.Equal(ids(got), tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, ids(got), tt.want)
		}
	}
}
