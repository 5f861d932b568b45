package server

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/clienttest"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

type convAnswer struct {
	Conversation *chat.Conversation `json:"conversation"`
}

type convPage struct {
	Items []*chat.Conversation `json:"items"`
	Next  *string              `json:"next"`
}

// TestPriorityAndTags sets priority and tags, checks validation per field,
// the list filters and the priority order across pages.
func TestPriorityAndTags(t *testing.T) {
	n := startTeam(t)
	conv := n.newConversation("Phân loại", "0912000301", "")
	id := conv.Conversation.ID
	// Triage is agent-only: the visitor's answer does not carry it.
	var fresh struct{ Conversation *chat.Conversation }
	n.do("GET", "/api/conversations/"+id, n.anTok, nil, &fresh)
	if fresh.Conversation.Priority != chat.PriorityNormal || fresh.Conversation.Tags == nil {
		t.Fatalf("new conversation: priority %q tags %#v, want normal and []", fresh.Conversation.Priority, fresh.Conversation.Tags)
	}

	// Any agent may triage, owner or not; tags are normalised.
	var out convAnswer
	if st := n.do("PATCH", "/api/conversations/"+id, n.binhTok, map[string]any{"priority": "high", "tags": []string{" VIP ", "vip", "Khách  quen", "đơn_hàng-1"}}, &out); st != 200 {
		t.Fatalf("patch: %d", st)
	}
	if out.Conversation.Priority != chat.PriorityHigh || !slices.Equal(out.Conversation.Tags, []string{"vip", "khách quen", "đơn_hàng-1"}) {
		t.Fatalf("patched: %q %q", out.Conversation.Priority, out.Conversation.Tags)
	}
	// Only tags: the priority stays.
	if st := n.do("PATCH", "/api/conversations/"+id, n.binhTok, map[string]any{"tags": []string{"vip"}}, &out); st != 200 || out.Conversation.Priority != chat.PriorityHigh || !slices.Equal(out.Conversation.Tags, []string{"vip"}) {
		t.Fatalf("tags only: %d %q %q", st, out.Conversation.Priority, out.Conversation.Tags)
	}
	var stored struct{ Conversation *chat.Conversation }
	n.do("GET", "/api/conversations/"+id, n.binhTok, nil, &stored)
	if stored.Conversation.Priority != chat.PriorityHigh || !slices.Equal(stored.Conversation.Tags, []string{"vip"}) {
		t.Fatalf("stored: %q %q", stored.Conversation.Priority, stored.Conversation.Tags)
	}

	eleven := make([]string, 11)
	for i := range eleven {
		eleven[i] = fmt.Sprintf("t%d", i)
	}
	bad := []struct {
		name   string
		body   any
		fields []string
	}{
		{"unknown priority", map[string]any{"priority": "critical"}, []string{"priority"}},
		{"empty priority", map[string]any{"priority": ""}, []string{"priority"}},
		{"priority of the wrong type", map[string]any{"priority": 3}, []string{"priority"}},
		{"eleven tags", map[string]any{"tags": eleven}, []string{"tags"}},
		{"tag with punctuation", map[string]any{"tags": []string{"vip!"}}, []string{"tags"}},
		{"empty tag", map[string]any{"tags": []string{"  "}}, []string{"tags"}},
		{"tag of 31 characters", map[string]any{"tags": []string{strings.Repeat("ă", 31)}}, []string{"tags"}},
		{"tags as a string", map[string]any{"tags": "vip"}, []string{"tags"}},
		{"both wrong", map[string]any{"priority": "x", "tags": []string{"a/b"}}, []string{"priority", "tags"}},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			var e clienttest.ErrorAnswer
			st := n.do("PATCH", "/api/conversations/"+id, n.binhTok, tt.body, &e)
			var got []string
			for k, v := range e.Error.Fields {
				if v == "" {
					t.Errorf("field %s without a message", k)
				}
				got = append(got, k)
			}
			sort.Strings(got)
			if st != 400 || e.Error.Code != "invalid_input" || !slices.Equal(got, tt.fields) {
				t.Fatalf("%d %s fields %v, want 400 invalid_input %v", st, e.Error.Code, got, tt.fields)
			}
		})
	}
	if st := n.do("PATCH", "/api/conversations/nonexistent", n.binhTok, map[string]any{"priority": "low"}, nil); st != 404 {
		t.Errorf("patch unknown conversation: %d, want 404", st)
	}
	// Nothing was changed by the refusals.
	n.do("GET", "/api/conversations/"+id, n.binhTok, nil, &stored)
	if stored.Conversation.Priority != chat.PriorityHigh || !slices.Equal(stored.Conversation.Tags, []string{"vip"}) {
		t.Fatalf("after refusals: %q %q", stored.Conversation.Priority, stored.Conversation.Tags)
	}

	// A data set for the filters and the order.
	set := []struct {
		priority string
		tags     []string
	}{
		{"urgent", []string{"vip", "hoàn tiền"}},
		{"low", nil},
		{"high", []string{"hoàn tiền"}},
		{"", nil}, // stays normal
		{"urgent", nil},
		{"low", []string{"vip"}},
		{"normal", []string{"khiếu nại"}},
	}
	byID := map[string]string{id: "high"}
	tagged := map[string][]string{id: {"vip"}}
	for i, c := range set {
		cv := n.newConversation(fmt.Sprintf("Khách %d", i), fmt.Sprintf("091200031%d", i), "")
		body := map[string]any{}
		if c.priority != "" {
			body["priority"] = c.priority
		}
		if c.tags != nil {
			body["tags"] = c.tags
		}
		if len(body) > 0 {
			if st := n.do("PATCH", "/api/conversations/"+cv.Conversation.ID, n.binhTok, body, nil); st != 200 {
				t.Fatalf("patch %d: %d", i, st)
			}
		}
		p := c.priority
		if p == "" {
			p = "normal"
		}
		byID[cv.Conversation.ID] = p
		tagged[cv.Conversation.ID] = c.tags
	}
	list := func(query string) []*chat.Conversation {
		t.Helper()
		var page convPage
		if st := n.do("GET", "/api/conversations?"+query, n.binhTok, nil, &page); st != 200 {
			t.Fatalf("list %s: %d", query, st)
		}
		return page.Items
	}
	want := func(pred func(id string) bool) []string {
		var out []string
		for id := range byID {
			if pred(id) {
				out = append(out, id)
			}
		}
		sort.Strings(out)
		return out
	}
	sortedIDs := func(cs []*chat.Conversation) []string {
		out := []string{}
		for _, c := range cs {
			out = append(out, c.ID)
		}
		sort.Strings(out)
		return out
	}
	filters := []struct {
		query string
		pred  func(id string) bool
	}{
		{"priority=high,urgent", func(id string) bool { return byID[id] == "high" || byID[id] == "urgent" }},
		{"priority=normal", func(id string) bool { return byID[id] == "normal" }},
		{"tag=vip", func(id string) bool { return slices.Contains(tagged[id], "vip") }},
		{"tag=" + url.QueryEscape("Hoàn Tiền"), func(id string) bool { return slices.Contains(tagged[id], "hoàn tiền") }},
		{"priority=urgent&tag=vip", func(id string) bool { return byID[id] == "urgent" && slices.Contains(tagged[id], "vip") }},
		{"priority=low&tag=" + url.QueryEscape("khiếu nại"), func(string) bool { return false }},
	}
	for _, f := range filters {
		got, exp := sortedIDs(list(f.query+"&limit=100")), want(f.pred)
		if exp == nil {
			exp = []string{}
		}
		if !slices.Equal(got, exp) {
			t.Errorf("%s: %v, want %v", f.query, got, exp)
		}
	}
	for _, q := range []string{"priority=critical", "tag=" + url.QueryEscape("a/b")} {
		var e clienttest.ErrorAnswer
		if st := n.do("GET", "/api/conversations?"+q, n.binhTok, nil, &e); st != 400 || e.Error.Code != "invalid_input" {
			t.Errorf("%s: %d %s, want 400 invalid_input", q, st, e.Error.Code)
		}
	}

	// sort=priority: urgent, high, normal, low; ties by latest activity,
	// then id (both descending). Walk it three at a time.
	all := list("sort=priority&limit=100")
	if len(all) != len(byID) {
		t.Fatalf("sort=priority returned %d conversations, want %d", len(all), len(byID))
	}
	exp := slices.Clone(all)
	sort.SliceStable(exp, func(i, j int) bool {
		a, b := exp[i], exp[j]
		if a.Priority.Rank() != b.Priority.Rank() {
			return a.Priority.Rank() > b.Priority.Rank()
		}
		if !a.UpdatedAt.Equal(b.UpdatedAt) {
			return a.UpdatedAt.After(b.UpdatedAt)
		}
		return a.ID > b.ID
	})
	var paged []*chat.Conversation
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("pagination does not end")
		}
		var page convPage
		q := "/api/conversations?sort=priority&limit=3"
		if cursor != "" {
			q += "&cursor=" + url.QueryEscape(cursor)
		}
		if st := n.do("GET", q, n.binhTok, nil, &page); st != 200 {
			t.Fatalf("page %d: %d", pages, st)
		}
		paged = append(paged, page.Items...)
		if page.Next == nil {
			break
		}
		cursor = *page.Next
	}
	var gotOrder, wantOrder []string
	for i := range exp {
		wantOrder = append(wantOrder, string(exp[i].Priority)+":"+exp[i].ID)
	}
	for _, c := range paged {
		gotOrder = append(gotOrder, string(c.Priority)+":"+c.ID)
	}
	if !slices.Equal(gotOrder, wantOrder) {
		t.Fatalf("paged priority order:\n got %v\nwant %v", gotOrder, wantOrder)
	}
	var ranks []string
	for _, c := range paged {
		if len(ranks) == 0 || ranks[len(ranks)-1] != string(c.Priority) {
			ranks = append(ranks, string(c.Priority))
		}
	}
	if !slices.Equal(ranks, []string{"urgent", "high", "normal", "low"}) {
		t.Fatalf("priority groups in order %v", ranks)
	}
	// A cursor of another order is refused.
	var first convPage
	n.do("GET", "/api/conversations?sort=priority&limit=2", n.binhTok, nil, &first)
	if st := n.do("GET", "/api/conversations?sort=updated&cursor="+url.QueryEscape(*first.Next), n.binhTok, nil, nil); st != 400 {
		t.Errorf("priority cursor on sort=updated: %d, want 400", st)
	}

	// Agents see the change live.
	ws, _ := n.dial(n.anTok, 0)
	n.do("PATCH", "/api/conversations/"+id, n.binhTok, map[string]any{"priority": "urgent", "tags": []string{"vip", "gấp"}}, nil)
	for _, change := range []string{"priority", "tags"} {
		f := ws.WaitFor(func(f clienttest.Frame) bool {
			if f.Type != protocol.EvtConversationUpdated {
				return false
			}
			var d struct {
				Conversation *chat.Conversation `json:"conversation"`
				Change       string             `json:"change"`
			}
			_ = json.Unmarshal(f.Data, &d)
			return d.Change == change && d.Conversation.ID == id
		}, "conversation.updated "+change)
		d := clienttest.Data[struct {
			Conversation *chat.Conversation `json:"conversation"`
		}](t, f)
		if d.Conversation.Priority != chat.PriorityUrgent || !slices.Equal(d.Conversation.Tags, []string{"vip", "gấp"}) {
			t.Errorf("%s event carries %q %q", change, d.Conversation.Priority, d.Conversation.Tags)
		}
	}
}
