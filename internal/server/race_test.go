package server

import (
	"compress/gzip"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/config"
)

// An agent comes online (which drains the queue) and claims at once: the
// claim answers the assigned state and the transcript holds one notice.
func TestClaimDuringDrainRecordsOnce(t *testing.T) {
	n := startTeam(t)
	for round := 0; round < 5; round++ {
		c := n.newConversation("Đua", "0912001100", "")
		ws, _ := n.dial(n.anTok, 0)
		var out struct{ Conversation *chat.Conversation }
		if st := n.do("POST", "/api/conversations/"+c.Conversation.ID+"/claim", n.anTok, nil, &out); st != 200 {
			t.Fatalf("claim: %d", st)
		}
		if out.Conversation.Status != chat.StatusAssigned || out.Conversation.AssigneeID != n.an.ID {
			t.Fatalf("claim answered %s / %q", out.Conversation.Status, out.Conversation.AssigneeName)
		}
		time.Sleep(300 * time.Millisecond)
		joined := 0
		for _, m := range n.messages(c.VisitorToken, c.Conversation.ID, 0) {
			if m.SenderType == chat.SenderSystem && strings.Contains(m.Text, "tham gia") {
				joined++
			}
		}
		if joined != 1 {
			t.Fatalf("round %d: %d join notices", round, joined)
		}
		ws.Close()
		time.Sleep(200 * time.Millisecond)
	}
}

func TestWidgetServedCompressedAndToHEAD(t *testing.T) {
	file := filepath.Join(t.TempDir(), "widget.js")
	body := strings.Repeat("console.log('chatdesk');\n", 400)
	if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	n := startNode(t, func(c *config.Config) { c.WidgetFile = file })
	req, _ := http.NewRequest("HEAD", n.base+"/widget.js", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("HEAD: %v %v", err, resp)
	}
	resp.Body.Close()
	req, _ = http.NewRequest("GET", n.base+"/widget.js?v=1", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	tr := &http.Transport{DisableCompression: true}
	resp, err = (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
		t.Fatalf("headers: %v", resp.Header)
	}
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(zr)
	if string(got) != body {
		t.Fatal("decompressed widget differs")
	}
}
