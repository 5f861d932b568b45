package server

import (
	"strings"
	"testing"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/clienttest"
)

type cannedAnswer struct {
	CannedReply *chat.CannedReply `json:"cannedReply"`
}

type cannedList struct {
	Items []*chat.CannedReply `json:"items"`
}

// TestCannedReplies: personal and shared scopes, who may change what, and
// shortcut uniqueness per scope.
func TestCannedReplies(t *testing.T) {
	n := startTeam(t)

	create := func(path, token string, body map[string]any, want int) *chat.CannedReply {
		t.Helper()
		var out cannedAnswer
		var e clienttest.ErrorAnswer
		st := n.do("POST", path, token, body, &out)
		if st != want {
			n.do("POST", path, token, body, &e)
			t.Fatalf("POST %s %v: %d, want %d", path, body, st, want)
		}
		return out.CannedReply
	}
	reply := func(shortcut, title, text string) map[string]any {
		return map[string]any{"shortcut": shortcut, "title": title, "text": text}
	}
	anChao := create("/api/canned-replies", n.anTok, reply(" Chao ", " Chào hỏi ", "Xin chào anh/chị, em có thể giúp gì ạ?"), 201)
	if anChao.OwnerID != n.an.ID || anChao.Shortcut != "chao" || anChao.Title != "Chào hỏi" || anChao.ID == "" {
		t.Fatalf("created %+v", anChao)
	}
	anGia := create("/api/canned-replies", n.anTok, reply("gia", "Bảng giá", "Giá sản phẩm: ..."), 201)
	binhChao := create("/api/canned-replies", n.binhTok, reply("chao", "Chào", "Chào bạn!"), 201)
	shared := create("/api/admin/canned-replies", n.admin, reply("chao", "Chào chung", "Cảm ơn quý khách đã liên hệ."), 201)
	if shared.OwnerID != "" {
		t.Fatalf("shared reply has owner %q", shared.OwnerID)
	}
	sharedBye := create("/api/admin/canned-replies", n.admin, reply("tam-biet", "Tạm biệt", "Chúc quý khách một ngày tốt lành."), 201)

	// Duplicates in the same scope are refused with a Vietnamese message.
	for _, d := range []struct{ path, token string }{{"/api/canned-replies", n.anTok}, {"/api/admin/canned-replies", n.admin}} {
		var e clienttest.ErrorAnswer
		if st := n.do("POST", d.path, d.token, reply("chao", "Lần hai", "x"), &e); st != 409 || e.Error.Code != "conflict" || e.Error.Fields["shortcut"] == "" || !strings.Contains(e.Error.Message, "Phím tắt") {
			t.Errorf("duplicate on %s: %d %+v", d.path, st, e.Error)
		}
	}

	list := func(path, token string) []string {
		t.Helper()
		var out cannedList
		if st := n.do("GET", path, token, nil, &out); st != 200 {
			t.Fatalf("GET %s: %d", path, st)
		}
		var got []string
		for _, r := range out.Items {
			got = append(got, r.ID)
		}
		return got
	}
	eq := func(what string, got []string, want ...string) {
		t.Helper()
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}
	// Sorted by shortcut; for the same shortcut the shared one comes first.
	eq("An's list", list("/api/canned-replies", n.anTok), shared.ID, anChao.ID, anGia.ID, sharedBye.ID)
	eq("Bình's list", list("/api/canned-replies", n.binhTok), shared.ID, binhChao.ID, sharedBye.ID)
	eq("admin's shared list", list("/api/admin/canned-replies", n.admin), shared.ID, sharedBye.ID)

	edits := []struct {
		name, method, path, token string
		body                      any
		status                    int
		code                      string
	}{
		{"agent edits another's", "PUT", "/api/canned-replies/" + anChao.ID, n.binhTok, reply("chao", "x", "x"), 404, "not_found"},
		{"agent deletes another's", "DELETE", "/api/canned-replies/" + anChao.ID, n.binhTok, nil, 404, "not_found"},
		{"agent edits a shared one", "PUT", "/api/canned-replies/" + shared.ID, n.anTok, reply("chao", "x", "x"), 404, "not_found"},
		{"agent deletes a shared one", "DELETE", "/api/canned-replies/" + shared.ID, n.anTok, nil, 404, "not_found"},
		{"admin edits a personal one as shared", "PUT", "/api/admin/canned-replies/" + anChao.ID, n.admin, reply("chao", "x", "x"), 404, "not_found"},
		{"admin deletes a personal one as shared", "DELETE", "/api/admin/canned-replies/" + anChao.ID, n.admin, nil, 404, "not_found"},
		{"agent on the admin route", "PUT", "/api/admin/canned-replies/" + shared.ID, n.anTok, reply("chao", "x", "x"), 403, "forbidden"},
		{"rename onto own shortcut", "PUT", "/api/canned-replies/" + anGia.ID, n.anTok, reply("chao", "Bảng giá", "x"), 409, "conflict"},
		{"rename shared onto shared shortcut", "PUT", "/api/admin/canned-replies/" + sharedBye.ID, n.admin, reply("chao", "x", "x"), 409, "conflict"},
		{"bad shortcut", "POST", "/api/canned-replies", n.anTok, reply("chào bạn", "x", "x"), 400, "invalid_input"},
		{"shortcut too long", "POST", "/api/canned-replies", n.anTok, reply(strings.Repeat("a", 31), "x", "x"), 400, "invalid_input"},
		{"empty title", "POST", "/api/canned-replies", n.anTok, reply("moi", " ", "x"), 400, "invalid_input"},
		{"title too long", "POST", "/api/canned-replies", n.anTok, reply("moi", strings.Repeat("t", 61), "x"), 400, "invalid_input"},
		{"text too long", "POST", "/api/canned-replies", n.anTok, reply("moi", "x", strings.Repeat("t", 2001)), 400, "invalid_input"},
		{"text of the wrong type", "POST", "/api/canned-replies", n.anTok, map[string]any{"shortcut": "moi", "title": "x", "text": map[string]any{"$ne": ""}}, 400, "invalid_input"},
	}
	for _, tt := range edits {
		t.Run(tt.name, func(t *testing.T) {
			var e clienttest.ErrorAnswer
			if st := n.do(tt.method, tt.path, tt.token, tt.body, &e); st != tt.status || e.Error.Code != tt.code || e.Error.Message == "" {
				t.Fatalf("%d %q %q, want %d %s", st, e.Error.Code, e.Error.Message, tt.status, tt.code)
			}
		})
	}
	// The per-field messages name the failing fields.
	var e clienttest.ErrorAnswer
	n.do("POST", "/api/canned-replies", n.anTok, reply("A B", "", strings.Repeat("t", 2001)), &e)
	if len(e.Error.Fields) != 3 || e.Error.Fields["shortcut"] == "" || e.Error.Fields["title"] == "" || e.Error.Fields["text"] == "" {
		t.Errorf("fields = %v, want shortcut, title and text", e.Error.Fields)
	}

	// Owners edit and delete their own; admins the shared ones.
	var upd cannedAnswer
	if st := n.do("PUT", "/api/canned-replies/"+anGia.ID, n.anTok, reply("bang-gia", "Bảng giá mới", "Giá mới"), &upd); st != 200 ||
		upd.CannedReply.Shortcut != "bang-gia" || upd.CannedReply.Text != "Giá mới" || upd.CannedReply.OwnerID != n.an.ID || !upd.CannedReply.CreatedAt.Equal(anGia.CreatedAt) {
		t.Fatalf("update own: %d %+v", st, upd.CannedReply)
	}
	if st := n.do("PUT", "/api/admin/canned-replies/"+shared.ID, n.admin, reply("xin-chao", "Chào chung", "Kính chào quý khách."), &upd); st != 200 || upd.CannedReply.Shortcut != "xin-chao" || upd.CannedReply.OwnerID != "" {
		t.Fatalf("update shared: %d %+v", st, upd.CannedReply)
	}
	if st := n.do("DELETE", "/api/canned-replies/"+anChao.ID, n.anTok, nil, nil); st != 204 {
		t.Fatalf("delete own: %d", st)
	}
	if st := n.do("DELETE", "/api/admin/canned-replies/"+sharedBye.ID, n.admin, nil, nil); st != 204 {
		t.Fatalf("delete shared: %d", st)
	}
	eq("An's list after the changes", list("/api/canned-replies", n.anTok), anGia.ID, shared.ID)
	eq("Bình's list after the changes", list("/api/canned-replies", n.binhTok), binhChao.ID, shared.ID)
	// A freed shortcut can be taken again.
	create("/api/canned-replies", n.anTok, reply("chao", "Chào lại", "Chào!"), 201)
}
