package server

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/clienttest"
)

type statsAnswer struct {
	From                       string          `json:"from"`
	To                         string          `json:"to"`
	ConversationsPerDay        []chat.DayCount `json:"conversationsPerDay"`
	WaitingNow                 int             `json:"waitingNow"`
	TotalConversations         int             `json:"totalConversations"`
	Resolved                   int             `json:"resolved"`
	MedianFirstResponseSeconds *float64        `json:"medianFirstResponseSeconds"`
	MedianResolutionSeconds    *float64        `json:"medianResolutionSeconds"`
	PerAgent                   []struct {
		AgentID       string   `json:"agentId"`
		Name          string   `json:"name"`
		Conversations int      `json:"conversations"`
		Resolved      int      `json:"resolved"`
		Ratings       int      `json:"ratings"`
		AvgRating     *float64 `json:"avgRating"`
	} `json:"perAgent"`
	Ratings struct {
		Count        int            `json:"count"`
		Average      *float64       `json:"average"`
		Distribution map[string]int `json:"distribution"`
	} `json:"ratings"`
}

// TestStatistics seeds conversations at chosen times through the real API
// (the service clock is set per step) and checks every figure.
func TestStatistics(t *testing.T) {
	vn := chat.Vietnam
	var clock atomic.Int64
	at := func(tm time.Time) { clock.Store(tm.UnixNano()) }
	at(time.Date(2026, 3, 1, 9, 0, 0, 0, vn))
	n := startNodeWithClock(t, func() time.Time { return time.Unix(0, clock.Load()) })
	admin, _ := n.login("admin@chatdesk.local")
	anTok, an := n.login("an@chatdesk.local")
	binhTok, binh := n.login("binh@chatdesk.local")
	tokens := map[string]string{"an": anTok, "binh": binhTok}

	// The range is 2026-03-09 .. 2026-03-11 (Vietnam time).
	type step struct {
		agent    string        // who claims ("" stays waiting)
		reply    time.Duration // first agent message after creation (0: none)
		resolve  time.Duration // resolved after creation (0: not resolved)
		ratings  []int         // the visitor's ratings, in order (last counts)
		createAt time.Time
	}
	seed := []step{
		{createAt: time.Date(2026, 3, 8, 23, 59, 59, 0, vn)}, // the day before: out, waiting
		{createAt: time.Date(2026, 3, 9, 0, 0, 0, 0, vn), agent: "an", reply: 60 * time.Second, resolve: 600 * time.Second, ratings: []int{1, 5}},
		{createAt: time.Date(2026, 3, 9, 10, 0, 0, 0, vn), agent: "an", reply: 120 * time.Second, resolve: 1200 * time.Second, ratings: []int{3}},
		{createAt: time.Date(2026, 3, 10, 12, 0, 0, 0, vn), agent: "binh", reply: 300 * time.Second, resolve: 1800 * time.Second, ratings: []int{4}},
		{createAt: time.Date(2026, 3, 11, 8, 0, 0, 0, vn)},                                            // waiting
		{createAt: time.Date(2026, 3, 11, 23, 59, 59, 0, vn), agent: "binh", reply: 30 * time.Second}, // assigned, answered
		{createAt: time.Date(2026, 3, 12, 0, 0, 0, 0, vn), agent: "an", reply: 5 * time.Second},       // the day after: out
	}
	for i, s := range seed {
		at(s.createAt)
		c := n.newConversation(fmt.Sprintf("Khách %d", i), fmt.Sprintf("09120005%02d", i), "")
		id := c.Conversation.ID
		if s.agent == "" {
			continue
		}
		tok := tokens[s.agent]
		at(s.createAt.Add(time.Second))
		if st := n.do("POST", "/api/conversations/"+id+"/claim", tok, nil, nil); st != 200 {
			t.Fatalf("claim %d: %d", i, st)
		}
		if s.reply > 0 {
			for k, d := range []time.Duration{s.reply, s.reply + 10*time.Second} { // only the first counts
				at(s.createAt.Add(d))
				if st := n.do("POST", "/api/conversations/"+id+"/messages", tok, map[string]string{"text": "Chào anh", "clientId": fmt.Sprintf("r%d-%d", i, k)}, nil); st != 201 {
					t.Fatalf("reply %d: %d", i, st)
				}
			}
		}
		settle()
		if s.resolve > 0 {
			at(s.createAt.Add(s.resolve))
			if st := n.do("POST", "/api/conversations/"+id+"/resolve", tok, nil, nil); st != 200 {
				t.Fatalf("resolve %d: %d", i, st)
			}
			settle()
		}
		for _, stars := range s.ratings {
			if st := n.do("POST", "/api/conversations/"+id+"/rating", c.VisitorToken, map[string]any{"stars": stars}, nil); st != 200 {
				t.Fatalf("rate %d: %d", i, st)
			}
			settle()
		}
	}
	// "Now" is after the seed; nothing depends on it but the default range.
	at(time.Date(2026, 3, 20, 15, 0, 0, 0, vn))

	get := func(query string) statsAnswer {
		t.Helper()
		var out statsAnswer
		if st := n.do("GET", "/api/admin/stats"+query, admin, nil, &out); st != 200 {
			t.Fatalf("stats%s: %d", query, st)
		}
		return out
	}
	f := func(v float64) *float64 { return &v }
	got := get("?from=2026-03-09&to=2026-03-11")

	want := statsAnswer{
		From: "2026-03-09", To: "2026-03-11",
		ConversationsPerDay: []chat.DayCount{{Date: "2026-03-09", Count: 2}, {Date: "2026-03-10", Count: 1}, {Date: "2026-03-11", Count: 2}},
		// The queue now, whatever the range: the day before and 03-11 08:00.
		WaitingNow:                 2,
		TotalConversations:         5,
		Resolved:                   3,
		MedianFirstResponseSeconds: f(90),   // 30, 60, 120, 300
		MedianResolutionSeconds:    f(1200), // 600, 1200, 1800
	}
	want.Ratings.Count, want.Ratings.Average = 3, f(4) // 5, 3, 4 (the first rating 1 was overwritten)
	want.Ratings.Distribution = map[string]int{"1": 0, "2": 0, "3": 1, "4": 1, "5": 1}
	if !reflect.DeepEqual(got.ConversationsPerDay, want.ConversationsPerDay) || got.From != want.From || got.To != want.To ||
		got.WaitingNow != want.WaitingNow || got.TotalConversations != want.TotalConversations || got.Resolved != want.Resolved ||
		!eqf(got.MedianFirstResponseSeconds, want.MedianFirstResponseSeconds) || !eqf(got.MedianResolutionSeconds, want.MedianResolutionSeconds) ||
		got.Ratings.Count != want.Ratings.Count || !eqf(got.Ratings.Average, want.Ratings.Average) || !reflect.DeepEqual(got.Ratings.Distribution, want.Ratings.Distribution) {
		t.Errorf("stats:\n got %s\nwant %s", js(got), js(want))
	}
	// Per agent: An 2 conversations, both resolved, rated 5 and 3; Bình 2,
	// one resolved, rated 4. Equal counts order by name.
	type agentRow struct {
		id, name                 string
		convs, resolved, ratings int
		avg                      *float64
	}
	wantAgents := []agentRow{{an.ID, "An", 2, 2, 2, f(4)}, {binh.ID, "Bình", 2, 1, 1, f(4)}}
	if len(got.PerAgent) != len(wantAgents) {
		t.Fatalf("perAgent = %s", js(got.PerAgent))
	}
	for i, w := range wantAgents {
		g := got.PerAgent[i]
		if g.AgentID != w.id || g.Name != w.name || g.Conversations != w.convs || g.Resolved != w.resolved || g.Ratings != w.ratings || !eqf(g.AvgRating, w.avg) {
			t.Errorf("perAgent[%d] = %s, want %+v", i, js(g), w)
		}
	}

	// One day of the range alone.
	one := get("?from=2026-03-10&to=2026-03-10")
	if one.TotalConversations != 1 || len(one.ConversationsPerDay) != 1 || one.ConversationsPerDay[0] != (chat.DayCount{Date: "2026-03-10", Count: 1}) ||
		!eqf(one.MedianFirstResponseSeconds, f(300)) || !eqf(one.MedianResolutionSeconds, f(1800)) || len(one.PerAgent) != 1 || one.PerAgent[0].Name != "Bình" {
		t.Errorf("2026-03-10 alone: %s", js(one))
	}
	// An empty range: zeros and nulls, every day listed.
	empty := get("?from=2026-02-01&to=2026-02-03")
	if empty.TotalConversations != 0 || len(empty.ConversationsPerDay) != 3 || empty.ConversationsPerDay[2] != (chat.DayCount{Date: "2026-02-03"}) ||
		empty.MedianFirstResponseSeconds != nil || empty.MedianResolutionSeconds != nil || empty.Ratings.Average != nil ||
		empty.PerAgent == nil || len(empty.PerAgent) != 0 || empty.Ratings.Distribution["5"] != 0 || len(empty.Ratings.Distribution) != 5 {
		t.Errorf("empty range: %s", js(empty))
	}
	// Default: the 7 days up to today (the clock says 2026-03-20).
	def := get("")
	if def.From != "2026-03-14" || def.To != "2026-03-20" || len(def.ConversationsPerDay) != 7 || def.WaitingNow != 2 {
		t.Errorf("default range: %s", js(def))
	}
	if d := get("?to=2026-03-11"); d.From != "2026-03-05" || d.TotalConversations != 6 {
		t.Errorf("to only: %s .. %s, %d conversations, want 2026-03-05 and 6", d.From, d.To, d.TotalConversations)
	}

	for _, q := range []string{"?from=2026-03-11&to=2026-03-09", "?from=2025-01-01&to=2026-01-02", "?from=09-03-2026", "?to=2026-13-01"} {
		var e clienttest.ErrorAnswer
		if st := n.do("GET", "/api/admin/stats"+q, admin, nil, &e); st != 400 || e.Error.Code != "invalid_input" || len(e.Error.Fields) == 0 {
			t.Errorf("stats%s: %d %+v, want 400 with fields", q, st, e.Error)
		}
	}
	if st := n.do("GET", "/api/admin/stats?from=2025-01-01&to=2026-01-01", admin, nil, nil); st != 200 {
		t.Errorf("366 days: %d, want 200", st)
	}
}

// settle waits for the node's toucher to flush the activity of the last
// step. FerretDB v1 applies each update as a read-modify-write of the whole
// document, so a touch flushing while another $set lands on the same
// conversation can undo it (measured: 186 of 200 racing pairs lost a
// field). MongoDB does not; these tests run on FerretDB.
func settle() { time.Sleep(350 * time.Millisecond) }

func eqf(a, b *float64) bool { return (a == nil && b == nil) || (a != nil && b != nil && *a == *b) }

func js(v any) string { b, _ := json.Marshal(v); return string(b) }
