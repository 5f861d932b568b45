package desktest

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/desk"
)

func find(t *testing.T, s desk.Store, f chat.ConversationFilter, order chat.SortOrder) ([]string, string) {
	t.Helper()
	list, next, err := s.FindConversations(ctxT(t), f, order)
	if err != nil {
		t.Fatalf("FindConversations(%+v, %s): %v", f, order, err)
	}
	if list == nil {
		t.Fatalf("FindConversations(%+v, %s) returned nil, want a list", f, order)
	}
	return ids(list), next
}

// testFindSearch: a name matches without diacritics or case, a phone in
// any Vietnamese spelling; the query is text, never a pattern.
func testFindSearch(t *testing.T, newStore func(t *testing.T) desk.Store) {
	s := newStore(t)
	mustCreate(t, s,
		newConv("binh", "Nguyễn Văn Bình", "0912345678", chat.StatusWaiting, "", t0),
		newConv("dang", "Đặng Thị Hoa", "+84 24 3825 1234", chat.StatusAssigned, "a1", t0.Add(time.Minute)),
		newConv("meta", "Ann (a.b)+", "0387654321", chat.StatusResolved, "", t0.Add(2*time.Minute)),
		newConv("raw", "Khách lạ", "12-34-5", chat.StatusWaiting, "", t0.Add(3*time.Minute)),
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
		{"ĐẶNG THỊ", []string{"dang"}},
		{"0912 345", []string{"binh"}},
		{"+84912345", []string{"binh"}},
		{"+84 912 345 678", []string{"binh"}},
		{"84912345678", []string{"binh"}},
		{"912345678", []string{"binh"}},
		{"0912.345.678", []string{"binh"}},
		{"0912-345-678", []string{"binh"}},
		{"(024) 3825 1234", []string{"dang"}},
		{"38251234", []string{"dang"}},
		{"0243825", []string{"dang"}},
		{"12345", []string{"raw", "binh"}}, // digits of an unnormalised phone
		{"678", []string{"binh"}},
		{"12", nil},    // two digits are not a phone search, nor a name
		{"lan 1", nil}, // letters: a name search, not every phone with a 1
		{"(a.b)+", []string{"meta"}},
		{".*", nil}, // regex syntax is literal
		{"a.b", []string{"meta"}},
		{"axb", nil},
		{"nobody", nil},
		{"\u0301", nil}, // folds to nothing: must not match everyone
		{"", []string{"raw", "meta", "dang", "binh"}},
		{"   ", []string{"raw", "meta", "dang", "binh"}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			got, next := find(t, s, chat.ConversationFilter{Query: tt.query}, chat.SortCreatedDesc)
			if !slices.Equal(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) || next != "" {
				t.Fatalf("got %v next %q, want %v", got, next, tt.want)
			}
		})
	}
}

func testFindFilters(t *testing.T, newStore func(t *testing.T) desk.Store) {
	s := newStore(t)
	mk := func(id string, status chat.Status, assignee string, hours int, p chat.Priority, tags ...string) *chat.Conversation {
		c := newConv(id, strings.ToUpper(id), "", status, assignee, t0.Add(time.Duration(hours)*time.Hour))
		c.Priority, c.Tags = p, tags
		return c
	}
	mustCreate(t, s,
		mk("w1", chat.StatusWaiting, "", 0, chat.PriorityUrgent, "vip"),
		mk("s1", chat.StatusAssigned, "a1", 1, "", "vip", "giá"),
		mk("s2", chat.StatusAssigned, "a2", 2, chat.PriorityLow),
		mk("r1", chat.StatusResolved, "a1", 3, chat.PriorityHigh, "giá"),
		mk("r2", chat.StatusResolved, "", 4, chat.PriorityNormal),
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
		{"dates compare in milliseconds", chat.ConversationFilter{From: ptr(from.Add(999 * time.Microsecond)), To: ptr(to.Add(999 * time.Microsecond))}, []string{"s2", "s1"}},
		{"dates in another zone", chat.ConversationFilter{From: ptr(from.In(time.FixedZone("ICT", 7*3600)))}, []string{"r2", "r1", "s2", "s1"}},
		{"limit", chat.ConversationFilter{Limit: 2}, []string{"r2", "r1"}},
		{"query and status", chat.ConversationFilter{Query: "r", Statuses: []chat.Status{chat.StatusResolved}}, []string{"r2", "r1"}},
		{"one priority", chat.ConversationFilter{Priorities: []chat.Priority{chat.PriorityUrgent}}, []string{"w1"}},
		{"normal includes the defaulted", chat.ConversationFilter{Priorities: []chat.Priority{chat.PriorityNormal}}, []string{"r2", "s1"}},
		{"two priorities", chat.ConversationFilter{Priorities: []chat.Priority{chat.PriorityLow, chat.PriorityHigh}}, []string{"r1", "s2"}},
		{"tag", chat.ConversationFilter{Tag: "vip"}, []string{"s1", "w1"}},
		{"tag with diacritics", chat.ConversationFilter{Tag: "giá"}, []string{"r1", "s1"}},
		{"unknown tag", chat.ConversationFilter{Tag: "gia"}, nil},
		{"everything at once", chat.ConversationFilter{Tag: "giá", Priorities: []chat.Priority{chat.PriorityNormal}, AssigneeID: ptr("a1"), Statuses: []chat.Status{chat.StatusAssigned}, From: &from}, []string{"s1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := find(t, s, tt.f, chat.SortCreatedDesc)
			if !slices.Equal(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// testFindPages: pages of every order follow each other without a repeat
// or a gap, ties broken by id, the last page without a cursor.
func testFindPages(t *testing.T, newStore func(t *testing.T) desk.Store) {
	s := newStore(t)
	// 25 conversations whose createdAt and updatedAt come in groups of three
	// equal values, so pages must break ties by id; updatedAt runs against
	// createdAt so the orders differ, and priorities cycle.
	prios := []chat.Priority{chat.PriorityLow, chat.PriorityNormal, chat.PriorityHigh, chat.PriorityUrgent}
	var all []*chat.Conversation
	for i := 0; i < 25; i++ {
		c := newConv(fmt.Sprintf("c%02d", i), "Khách", "", chat.StatusWaiting, "", t0.Add(time.Duration(i/3)*time.Minute))
		c.UpdatedAt = t0.Add(time.Hour - time.Duration(i/3)*time.Minute)
		c.Priority = prios[i%len(prios)]
		all = append(all, c)
	}
	mustCreate(t, s, all...)
	for _, order := range []chat.SortOrder{chat.SortCreatedDesc, chat.SortUpdatedDesc, chat.SortPriority} {
		t.Run(string(order), func(t *testing.T) {
			want := slices.Clone(all)
			slices.SortFunc(want, func(a, b *chat.Conversation) int {
				key := func(c *chat.Conversation) time.Time { return c.UpdatedAt }
				if order == chat.SortCreatedDesc {
					key = func(c *chat.Conversation) time.Time { return c.CreatedAt }
				}
				rank := 0
				if order == chat.SortPriority {
					rank = cmp.Compare(b.Priority.Rank(), a.Priority.Rank())
				}
				return cmp.Or(rank, key(b).Compare(key(a)), strings.Compare(b.ID, a.ID))
			})
			var got []string
			var sizes []int
			cursor := ""
			for page := 0; page < 10; page++ {
				list, next := find(t, s, chat.ConversationFilter{Limit: 10, Cursor: cursor}, order)
				got = append(got, list...)
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
	t.Run("filtered pages", func(t *testing.T) {
		var got []string
		cursor := ""
		for {
			list, next := find(t, s, chat.ConversationFilter{Limit: 2, Cursor: cursor, Priorities: []chat.Priority{chat.PriorityUrgent}}, chat.SortCreatedDesc)
			got = append(got, list...)
			if next == "" {
				break
			}
			cursor = next
		}
		if want := []string{"c23", "c19", "c15", "c11", "c07", "c03"}; !slices.Equal(got, want) {
			t.Fatalf("got %v, want %v", got, want)
		}
	})
	t.Run("limits", func(t *testing.T) {
		if list, next := find(t, s, chat.ConversationFilter{Limit: 25}, chat.SortCreatedDesc); len(list) != 25 || next != "" {
			t.Fatalf("an exact page: %d rows, next %q; want 25 and no cursor", len(list), next)
		}
		if list, _ := find(t, s, chat.ConversationFilter{}, chat.SortCreatedDesc); len(list) != 20 {
			t.Fatalf("default limit: %d rows, want 20", len(list))
		}
		if list, _ := find(t, s, chat.ConversationFilter{Limit: 1000}, chat.SortCreatedDesc); len(list) != 25 {
			t.Fatalf("big limit: %d rows, want all 25", len(list))
		}
	})
}

// testFindPriorityOrder: urgent, high, normal, low; within a rank the
// latest activity first, then the greater id.
func testFindPriorityOrder(t *testing.T, newStore func(t *testing.T) desk.Store) {
	s := newStore(t)
	mk := func(id string, p chat.Priority, minutes int) *chat.Conversation {
		c := newConv(id, "K", "", chat.StatusWaiting, "", t0)
		c.Priority, c.UpdatedAt = p, t0.Add(time.Duration(minutes)*time.Minute)
		return c
	}
	mustCreate(t, s,
		mk("low-new", chat.PriorityLow, 9),
		mk("norm-old", chat.PriorityNormal, 1),
		mk("norm-new", chat.PriorityNormal, 5),
		mk("norm-new2", chat.PriorityNormal, 5),
		mk("urgent-old", chat.PriorityUrgent, 0),
		mk("high", chat.PriorityHigh, 3),
		mk("default", "", 2),
	)
	want := []string{"urgent-old", "high", "norm-new2", "norm-new", "default", "norm-old", "low-new"}
	if got, _ := find(t, s, chat.ConversationFilter{}, chat.SortPriority); !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	// Raising a priority moves the conversation up without new activity.
	must(t, s.UpdateConversation(ctxT(t), "low-new", chat.ConversationUpdate{Priority: ptr(chat.PriorityUrgent)}))
	want = append([]string{"low-new"}, want[:len(want)-1]...)
	if got, _ := find(t, s, chat.ConversationFilter{}, chat.SortPriority); !slices.Equal(got, want) {
		t.Fatalf("after raising low-new: got %v, want %v", got, want)
	}
}

// testFindBadInput: an unknown order, and cursors that are garbage or of
// another order, are input errors rather than empty pages.
func testFindBadInput(t *testing.T, newStore func(t *testing.T) desk.Store) {
	s := newStore(t)
	ctx := ctxT(t)
	for i := 0; i < 3; i++ {
		mustCreate(t, s, newConv(fmt.Sprint("c", i), "K", "", chat.StatusWaiting, "", t0.Add(time.Duration(i)*time.Minute)))
	}
	_, created := find(t, s, chat.ConversationFilter{Limit: 1}, chat.SortCreatedDesc)
	_, prio := find(t, s, chat.ConversationFilter{Limit: 1}, chat.SortPriority)
	if created == "" || prio == "" {
		t.Fatal("no cursor for a first page of one")
	}
	for _, tt := range []struct {
		name   string
		cursor string
		order  chat.SortOrder
	}{
		{"not base64", "not base64!", chat.SortCreatedDesc},
		{"empty object", "e30", chat.SortCreatedDesc},
		{"too long", strings.Repeat("A", 600), chat.SortCreatedDesc},
		{"cursor of the created order", created, chat.SortUpdatedDesc},
		{"cursor of the priority order", prio, chat.SortCreatedDesc},
		{"cursor of another order", created, chat.SortPriority},
	} {
		if _, _, err := s.FindConversations(ctx, chat.ConversationFilter{Cursor: tt.cursor}, tt.order); chat.ErrorCode(err) != chat.EINVALID {
			t.Errorf("%s: err = %v, want invalid input", tt.name, err)
		}
	}
	if _, _, err := s.FindConversations(ctx, chat.ConversationFilter{}, "sideways"); chat.ErrorCode(err) != chat.EINVALID {
		t.Errorf("unknown order: err = %v, want invalid input", err)
	}
}

func testWaitingAndAssigned(t *testing.T, newStore func(t *testing.T) desk.Store) {
	s := newStore(t)
	mustCreate(t, s,
		newConv("w2", "A", "", chat.StatusWaiting, "", t0.Add(2*time.Minute)),
		newConv("w1", "B", "", chat.StatusWaiting, "", t0.Add(1*time.Minute)),
		newConv("w3", "C", "", chat.StatusWaiting, "", t0.Add(3*time.Minute)),
		newConv("w0b", "C", "", chat.StatusWaiting, "", t0),
		newConv("w0a", "C", "", chat.StatusWaiting, "", t0),
		newConv("a1", "D", "", chat.StatusAssigned, "ag1", t0.Add(5*time.Minute)),
		newConv("a2", "E", "", chat.StatusAssigned, "ag1", t0.Add(4*time.Minute)),
		newConv("a3", "F", "", chat.StatusAssigned, "ag2", t0),
		newConv("r1", "G", "", chat.StatusResolved, "ag1", t0),
	)
	tests := []struct {
		name string
		run  func(s desk.Store) ([]*chat.Conversation, error)
		want []string
	}{
		{"waiting oldest first, ties by id", func(s desk.Store) ([]*chat.Conversation, error) { return s.WaitingConversations(ctxT(t), 10) },
			[]string{"w0a", "w0b", "w1", "w2", "w3"}},
		{"waiting limited", func(s desk.Store) ([]*chat.Conversation, error) { return s.WaitingConversations(ctxT(t), 2) }, []string{"w0a", "w0b"}},
		{"waiting default limit", func(s desk.Store) ([]*chat.Conversation, error) { return s.WaitingConversations(ctxT(t), 0) },
			[]string{"w0a", "w0b", "w1", "w2", "w3"}},
		{"assigned to ag1, oldest first, not resolved", func(s desk.Store) ([]*chat.Conversation, error) { return s.AssignedConversations(ctxT(t), "ag1") },
			[]string{"a2", "a1"}},
		{"assigned to nobody known", func(s desk.Store) ([]*chat.Conversation, error) { return s.AssignedConversations(ctxT(t), "ag9") }, []string{}},
	}
	for _, tt := range tests {
		got, err := tt.run(s)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got == nil || !slices.Equal(ids(got), tt.want) {
			t.Errorf("%s: got %v (nil %v), want %v", tt.name, ids(got), got == nil, tt.want)
		}
	}
	if n, err := s.CountWaiting(ctxT(t)); err != nil || n != 5 {
		t.Errorf("CountWaiting = %d, %v; want 5", n, err)
	}
}

// testStats: the conversations created in [from, to), oldest first, with
// every field statistics are computed from.
func testStats(t *testing.T, newStore func(t *testing.T) desk.Store) {
	s := newStore(t)
	ctx := ctxT(t)
	if n, err := s.CountWaiting(ctx); err != nil || n != 0 {
		t.Fatalf("CountWaiting of an empty store = %d, %v", n, err)
	}
	in := fullConv("in")
	in.CreatedAt = t0.Add(time.Hour)
	mustCreate(t, s,
		newConv("before", "A", "", chat.StatusWaiting, "", t0.Add(-time.Millisecond)),
		newConv("first", "B", "", chat.StatusWaiting, "", t0),
		in,
		newConv("end", "C", "", chat.StatusWaiting, "", t0.Add(2*time.Hour)),
	)
	list, err := s.ConversationsCreatedBetween(ctx, t0, t0.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(list); !slices.Equal(got, []string{"first", "in"}) {
		t.Fatalf("got %v, want [first in]", got)
	}
	got := list[1]
	same := got.Status == in.Status && got.AssigneeID == in.AssigneeID && got.AssigneeName == in.AssigneeName &&
		got.CreatedAt.Equal(in.CreatedAt) && got.UpdatedAt.Equal(in.UpdatedAt) &&
		got.ResolvedAt != nil && got.ResolvedAt.Equal(*in.ResolvedAt) &&
		got.FirstResolvedAt != nil && got.FirstResolvedAt.Equal(*in.FirstResolvedAt) &&
		got.FirstResponseAt != nil && got.FirstResponseAt.Equal(*in.FirstResponseAt) &&
		got.Rating != nil && got.Rating.Stars == in.Rating.Stars && got.Priority == in.Priority && slices.Equal(got.Tags, in.Tags)
	if !same {
		t.Fatalf("statistics fields:\n got %+v\nwant %+v", got, in)
	}
	if list, err := s.ConversationsCreatedBetween(ctx, t0.Add(3*time.Hour), t0.Add(4*time.Hour)); err != nil || list == nil || len(list) != 0 {
		t.Fatalf("empty range: %#v, %v; want an empty list", list, err)
	}
}
