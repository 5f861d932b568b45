package server

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/checkfor"
	"github.com/chatdesk/chatdesk/internal/clienttest"
	"github.com/chatdesk/chatdesk/internal/desk"
)

type searchAnswer struct {
	Items   []*chat.Conversation
	Matches map[string][]desk.SearchMatch
	Next    *string
}

func (n *node) search(token, q string) (int, searchAnswer) {
	n.t.Helper()
	var out searchAnswer
	st := n.do("GET", "/api/conversations?limit=50&q="+url.QueryEscape(q), token, nil, &out)
	return st, out
}

func ids(items []*chat.Conversation) []string {
	out := []string{}
	for _, c := range items {
		out = append(out, c.ID)
	}
	slices.Sort(out)
	return out
}

// marked is what the marks of a snippet highlight (UTF-16 offsets).
func marked(s chat.Snippet) []string {
	u := utf16.Encode([]rune(s.Text))
	var out []string
	for _, m := range s.Marks {
		out = append(out, string(utf16.Decode(u[m[0]:m[1]])))
	}
	return out
}

// TestHistorySearch: the history search finds what was said — messages,
// notes (agents only) and form answers — accent-insensitive, whole words,
// phrases, "#1234" as a literal (never a phone search); it highlights the
// match and names the message; the CSV export carries the results (BOM,
// headers, formula guard) for agents only; an erased contact is no longer
// found; an admin can rebuild the index.
func TestHistorySearch(t *testing.T) {
	tm := startTeam(t)
	one := tm.newConversation("Khách Một", "0912345678", "Tôi cần mua Giày dép size 40, đơn #1234")
	two := tm.newConversation("Khách Hai", "0901234567", "Đơn 1234 giao chưa? Giao hàng chậm quá")
	three := tm.newConversation("Khách Ba", "0988000333", "Xin chào shop")
	four := tm.newConversation("Khách Bốn", "0977000444", "=1+1 giày dép")
	var note struct{ Note *chat.Message }
	if st := tm.do("POST", "/api/conversations/"+three.Conversation.ID+"/notes", tm.anTok,
		map[string]string{"clientId": "n1", "text": "Khách VIP, mật khẩu nội bộ, muốn giày dép cao cấp"}, &note); st != 201 {
		t.Fatalf("note: %d", st)
	}
	// The indexer runs in the background: wait until every conversation's
	// texts are in (each conversation's form answers and messages are
	// separate queue jobs, indexed in the order they were queued, which is
	// not the order of the conversations).
	checkfor.Eventually(t, 20*time.Second, func() (bool, string) {
		_, got := tm.search(tm.anTok, "cao cấp")
		_, got2 := tm.search(tm.anTok, "=1+1")
		_, got3 := tm.search(tm.anTok, "giày dép")
		_, got4 := tm.search(tm.anTok, "giao chậm")
		return len(got.Items) == 1 && len(got2.Items) == 1 && len(got3.Items) == 3 && len(got4.Items) == 1, "not indexed yet"
	})

	c1, c2, c3, c4 := one.Conversation.ID, two.Conversation.ID, three.Conversation.ID, four.Conversation.ID
	sorted := func(s ...string) []string { slices.Sort(s); return s }
	cases := []struct {
		q    string
		want []string
	}{
		{"giay dep", sorted(c1, c3, c4)},  // accent-free finds "Giày dép", a note, an answer
		{"GIÀY", sorted(c1, c3, c4)},      // case and accents
		{"giay 40", []string{c1}},         // all words, one segment
		{"siz", []string{}},               // whole words only
		{"#1234", []string{c1}},           // the literal; not c2's "1234", not c2's phone 0901234567
		{"don 1234", []string{c2}},        // "#1234" is not "1234"
		{`"giao hang"`, []string{c2}},     // phrase
		{`"hang giao"`, []string{}},       // not consecutive
		{"hang giao", []string{c2}},       // words in any order
		{"mat khau noi bo", []string{c3}}, // the note
		{"0901 234 567", []string{c2}},    // a phone search as before
		{"Khách Ba", []string{c3}},        // the visitor's name as before
		{"khach", sorted(c1, c2, c3, c4)}, // a name prefix... and the answers
		{"khongcodau", []string{}},        // a miss
	}
	for _, c := range cases {
		st, got := tm.search(tm.anTok, c.q)
		if st != 200 || !slices.Equal(ids(got.Items), c.want) {
			t.Errorf("q=%q: %d %v, want %v", c.q, st, ids(got.Items), c.want)
		}
	}

	// A page holds at most its size: name matches first, text after.
	var small searchAnswer
	if st := tm.do("GET", "/api/conversations?limit=2&q=khach", tm.anTok, nil, &small); st != 200 || len(small.Items) != 2 || small.Next == nil || *small.Next == "" {
		t.Fatalf("limit=2: %d %d items, next %v", st, len(small.Items), small.Next)
	}

	// The match: which message, what kind, what to highlight.
	_, got := tm.search(tm.binhTok, "giay dep")
	var msg, noteHit *desk.SearchMatch
	for i, m := range got.Matches[c1] {
		if m.Kind == chat.SegmentMessage {
			msg = &got.Matches[c1][i]
		}
	}
	if ms := got.Matches[c3]; len(ms) == 1 {
		noteHit = &ms[0]
	}
	if msg == nil || msg.Seq != 1 || !slices.Equal(marked(msg.Snippet), []string{"Giày", "dép"}) {
		t.Fatalf("message match %+v", got.Matches[c1])
	}
	if noteHit == nil || noteHit.Kind != chat.SegmentNote || noteHit.Seq != note.Note.Seq {
		t.Fatalf("note match %+v", got.Matches[c3])
	}

	// Input errors: too many words; a forged cursor.
	var e clienttest.ErrorAnswer
	if st := tm.do("GET", "/api/conversations?q="+url.QueryEscape("a b c d e f g h i"), tm.anTok, nil, &e); st != 400 || e.Error.Fields["q"] == "" {
		t.Fatalf("nine words: %d %+v", st, e)
	}
	if st := tm.do("GET", "/api/conversations?q=giay&cursor=tnot-base64!", tm.anTok, nil, &e); st != 400 {
		t.Fatalf("forged cursor: %d", st)
	}

	// Visitors and strangers search nothing (notes included).
	for _, tok := range []string{three.VisitorToken, ""} {
		if st, _ := tm.search(tok, "mat khau"); st != 401 && st != 403 {
			t.Fatalf("search as %q: %d", tok, st)
		}
		req, _ := http.NewRequest("GET", tm.base+"/api/conversations.csv?q=giay", nil)
		if res, _ := tm.send(req, tok); res.StatusCode != 401 && res.StatusCode != 403 {
			t.Fatalf("csv as %q: %d", tok, res.StatusCode)
		}
	}
	for _, m := range tm.messages(three.VisitorToken, c3, 0) {
		if strings.Contains(m.Text, "nội bộ") {
			t.Fatalf("the visitor reads the note: %+v", m)
		}
	}

	// CSV: BOM, headers, one row per match, formula guard, dd/mm/yyyy.
	req, _ := http.NewRequest("GET", tm.base+"/api/conversations.csv?q="+url.QueryEscape("giay dep"), nil)
	res, body := tm.send(req, tm.anTok)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") || !bytes.HasPrefix(body, []byte("\ufeff")) {
		t.Fatalf("csv: %d %s %.20q", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 4 || rows[0][0] != "Mã hội thoại" || rows[0][8] != "Đoạn khớp" {
		t.Fatalf("csv rows %q", rows)
	}
	guarded, dated := false, false
	for _, r := range rows[1:] {
		if r[0] == c4 && strings.HasPrefix(r[8], "'=1+1") {
			guarded = true
		}
		if r[0] == c3 && r[5] == "Ghi chú nội bộ" && len(r[4]) == 10 && r[4][2] == '/' && r[4][5] == '/' {
			dated = true
		}
	}
	if !guarded || !dated {
		t.Fatalf("csv rows %q", rows)
	}
	// The same for Excel set to Vietnamese: ";" between cells.
	req, _ = http.NewRequest("GET", tm.base+"/api/conversations.csv?sep=semicolon&q="+url.QueryEscape("giay dep"), nil)
	res, body = tm.send(req, tm.anTok)
	semi := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff"))))
	semi.Comma = ';'
	if semiRows, err := semi.ReadAll(); res.StatusCode != 200 || err != nil || len(semiRows) != len(rows) || semiRows[0][8] != "Đoạn khớp" {
		t.Fatalf("csv sep=semicolon: %d %v %q", res.StatusCode, err, body)
	}

	// Erasure: the contact's texts are no longer found.
	var erased struct{ Erased struct{ Conversations int } }
	if st := tm.do("POST", "/api/admin/contacts/erase", tm.admin, map[string]string{"phone": "0912345678", "confirm": "0912 345 678"}, &erased); st != 200 || erased.Erased.Conversations != 1 {
		t.Fatalf("erase: %d %+v", st, erased)
	}
	for _, q := range []string{"#1234", "size 40", "giay dep"} {
		if _, got := tm.search(tm.anTok, q); slices.Contains(ids(got.Items), c1) {
			t.Fatalf("q=%q still finds the erased conversation", q)
		}
	}

	// Rebuild: admins only; the index answers the same afterwards.
	if st := tm.do("POST", "/api/admin/search/rebuild", tm.anTok, nil, nil); st != 403 {
		t.Fatalf("agent rebuild: %d", st)
	}
	if st := tm.do("POST", "/api/admin/search/rebuild", tm.admin, nil, nil); st != 202 && st != 409 {
		t.Fatalf("rebuild: %d", st)
	}
	checkfor.Eventually(t, 30*time.Second, func() (bool, string) {
		_, got := tm.search(tm.anTok, "giay dep")
		return slices.Equal(ids(got.Items), sorted(c3, c4)), strings.Join(ids(got.Items), ",")
	})
}

// TestSearchPagesThroughNamesThenTexts: a query that can be a name lists
// every visitor so named, newest first, over as many pages as they take,
// and then the conversations where it was said; no conversation twice,
// none left out, whatever the page size.
func TestSearchPagesThroughNamesThenTexts(t *testing.T) {
	tm := startTeam(t)
	var named, said []string
	for i, v := range []struct{ name, msg string }{
		{"Phạm Ngọc Lan", "Cho hỏi giá"},
		{"Minh Tú", "Chị Lan giới thiệu em qua đây"},
		{"Lan Anh", "Lan hỏi đơn hôm qua"}, // a name and a text: listed once, as a name
		{"Hà Lê", "Em là bạn của lan"},
		{"Trần Thị Lan", "Xin chào"},
	} {
		c := tm.newConversation(v.name, fmt.Sprintf("09120001%02d", i), v.msg)
		if strings.Contains(v.name, "Lan") {
			named = append(named, c.Conversation.ID)
		} else {
			said = append(said, c.Conversation.ID)
		}
	}
	slices.Reverse(named) // newest first
	checkfor.Eventually(t, 20*time.Second, func() (bool, string) {
		_, got := tm.search(tm.anTok, "lan")
		return len(got.Items) == 5, strings.Join(ids(got.Items), ",")
	})

	for _, size := range []int{1, 2, 3, 50} {
		var listed []string
		matched := map[string]bool{}
		cursor := ""
		for pages := 0; ; pages++ {
			if pages > 10 {
				t.Fatalf("size %d: the pages never end: %v", size, listed)
			}
			var page searchAnswer
			path := fmt.Sprintf("/api/conversations?limit=%d&q=lan&cursor=%s", size, url.QueryEscape(cursor))
			if st := tm.do("GET", path, tm.anTok, nil, &page); st != 200 || len(page.Items) > size {
				t.Fatalf("size %d page %d: %d, %d items", size, pages, st, len(page.Items))
			}
			for _, c := range page.Items {
				listed = append(listed, c.ID)
				matched[c.ID] = len(page.Matches[c.ID]) > 0
			}
			if page.Next == nil || *page.Next == "" {
				break
			}
			cursor = *page.Next
			t.Logf("size %d page %d: %v next %s", size, pages, ids(page.Items), cursor)
		}
		if len(listed) != 5 || !slices.Equal(listed[:3], named) {
			t.Fatalf("size %d: listed %v, want the names %v first, then %v", size, listed, named, said)
		}
		if rest := slices.Sorted(slices.Values(listed[3:])); !slices.Equal(rest, slices.Sorted(slices.Values(said))) {
			t.Fatalf("size %d: texts %v, want %v", size, rest, said)
		}
		for _, id := range said {
			if !matched[id] {
				t.Fatalf("size %d: %s found by text without its match", size, id)
			}
		}
	}
}
