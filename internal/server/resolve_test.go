package server

import (
	"testing"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/clienttest"
)

// A waiting conversation (nobody owns it) is resolved by an admin, or by an
// agent after claiming it — not by any agent (#16, finding 8; api.md).
func TestResolvingAWaitingConversation(t *testing.T) {
	n := startNode(t)
	an, _ := n.login("an@chatdesk.local")
	admin, _ := n.login("admin@chatdesk.local")
	v := n.newConversation("Khách", "0912000333", "Cho em hỏi") // nobody online: waiting
	path := "/api/conversations/" + v.Conversation.ID
	var e clienttest.ErrorAnswer
	if st := n.do("POST", path+"/resolve", an, nil, &e); st != 403 || e.Error.Code != chat.ENOTASSIGNED || e.Error.Message == "" {
		t.Fatalf("agent resolving a waiting conversation: %d %q", st, e.Error.Code)
	}
	if st := n.do("POST", path+"/claim", an, nil, nil); st != 200 {
		t.Fatalf("claim: %d", st)
	}
	if st := n.do("POST", path+"/resolve", an, nil, nil); st != 200 {
		t.Fatalf("owner resolving: %d", st)
	}

	w := n.newConversation("Khách 2", "0912000334", "")
	var out struct{ Conversation *chat.Conversation }
	if st := n.do("POST", "/api/conversations/"+w.Conversation.ID+"/resolve", admin, nil, &out); st != 200 || out.Conversation.Status != chat.StatusResolved {
		t.Fatalf("admin resolving a waiting conversation: %d %+v", st, out.Conversation)
	}
}
