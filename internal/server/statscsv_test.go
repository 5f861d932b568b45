package server

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/clienttest"
)

// TestStatisticsCSV: GET /api/admin/stats.csv is the statistics page as an
// Excel-ready file (UTF-8 BOM, CRLF, Vietnamese headers, dd/mm/yyyy), for
// admins only, with the same range validation as the JSON endpoint.
func TestStatisticsCSV(t *testing.T) {
	vn := chat.Vietnam
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, vn)
	n := startNodeWithClock(t, func() time.Time { return now })
	admin, _ := n.login("admin@chatdesk.local")
	anTok, _ := n.login("an@chatdesk.local")

	c := n.newConversation("Khách CSV", "0912000881", "")
	id := c.Conversation.ID
	if st := n.do("POST", "/api/conversations/"+id+"/claim", anTok, nil, nil); st != 200 {
		t.Fatalf("claim: %d", st)
	}
	settle()
	if st := n.do("POST", "/api/conversations/"+id+"/resolve", anTok, nil, nil); st != 200 {
		t.Fatalf("resolve: %d", st)
	}
	settle()
	n.newConversation("Khách chờ", "0912000882", "") // waiting

	get := func(query, token string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", n.base+"/api/admin/stats.csv"+query, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}

	res, body := get("?from=2026-03-09&to=2026-03-10", admin)
	if res.StatusCode != 200 {
		t.Fatalf("admin: %d %s", res.StatusCode, body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename="chatdesk-thong-ke-2026-03-09_2026-03-10.csv"` {
		t.Errorf("Content-Disposition %q", cd)
	}
	if !strings.HasPrefix(body, "\ufeff") {
		t.Fatalf("no byte order mark: %q", body[:min(len(body), 20)])
	}
	lines := strings.Split(strings.TrimPrefix(body, "\ufeff"), "\r\n")
	want := []string{
		"Chỉ số,Giá trị",
		"Từ ngày,09/03/2026",
		"Đến ngày,10/03/2026",
		"Tổng số cuộc trò chuyện,2",
		"Đã giải quyết,1",
		"Đang chờ (lúc xuất),1",
		"Phản hồi đầu tiên, trung vị (giây)", // quoted: holds a comma
		"Thời gian giải quyết, trung vị (giây)",
		"Lượt đánh giá,0",
		"Điểm đánh giá trung bình,",
		"Đánh giá 5 sao,0", "Đánh giá 4 sao,0", "Đánh giá 3 sao,0", "Đánh giá 2 sao,0", "Đánh giá 1 sao,0",
		"",
		"Ngày,Số cuộc trò chuyện",
		"09/03/2026,0",
		"10/03/2026,2",
		"",
		"Nhân viên,Cuộc trò chuyện,Đã giải quyết,Lượt đánh giá,Điểm trung bình",
		"An,1,1,0,",
		"",
	}
	want[6] = `"Phản hồi đầu tiên, trung vị (giây)",`
	want[7] = `"Thời gian giải quyết, trung vị (giây)",0` // the clock stands still: resolved in 0 s
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("csv:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}

	// Authorization: an agent is refused (403 forbidden), so are a visitor
	// and an anonymous caller; a bad range is a JSON error with fields.
	for _, tc := range []struct {
		name, token string
		status      int
		code        string
	}{
		{"agent", anTok, 403, chat.EFORBIDDEN},
		{"visitor", c.VisitorToken, 403, chat.EFORBIDDEN},
		{"anonymous", "", 401, chat.EUNAUTHORIZED},
	} {
		res, body := get("", tc.token)
		var e clienttest.ErrorAnswer
		_ = json.Unmarshal([]byte(body), &e)
		if res.StatusCode != tc.status || e.Error.Code != tc.code || strings.Contains(body, "Chỉ số") {
			t.Errorf("%s: %d %s, want %d %s", tc.name, res.StatusCode, body, tc.status, tc.code)
		}
	}
	res, body = get("?from=2026-03-11&to=2026-03-09", admin)
	var e clienttest.ErrorAnswer
	_ = json.Unmarshal([]byte(body), &e)
	if res.StatusCode != 400 || e.Error.Code != chat.EINVALID || e.Error.Fields["from"] == "" {
		t.Errorf("bad range: %d %s", res.StatusCode, body)
	}

	// Excel set to Vietnamese: ";" between cells, "," in decimals, and the
	// cells holding a comma no longer quoted. Any other separator is refused.
	if st := n.do("POST", "/api/conversations/"+id+"/rating", c.VisitorToken, map[string]any{"stars": 4}, nil); st != 200 {
		t.Fatalf("rating: %d", st)
	}
	settle()
	res, body = get("?from=2026-03-09&to=2026-03-10&sep=semicolon", admin)
	lines = strings.Split(strings.TrimPrefix(body, "\ufeff"), "\r\n")
	for _, line := range []string{"Chỉ số;Giá trị", "Phản hồi đầu tiên, trung vị (giây);", "Điểm đánh giá trung bình;4,00", "An;1;1;1;4,00"} {
		if res.StatusCode != 200 || !slices.Contains(lines, line) {
			t.Errorf("sep=semicolon: %d, no line %q in\n%s", res.StatusCode, line, strings.Join(lines, "\n"))
		}
	}
	res, body = get("?from=2026-03-09&to=2026-03-10&sep=tab", admin)
	e = clienttest.ErrorAnswer{}
	_ = json.Unmarshal([]byte(body), &e)
	if res.StatusCode != 400 || e.Error.Code != chat.EINVALID || e.Error.Fields["sep"] == "" {
		t.Errorf("sep=tab: %d %s", res.StatusCode, body)
	}
}
