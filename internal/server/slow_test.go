package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/clienttest"
	"github.com/chatdesk/chatdesk/internal/protocol"
	"github.com/chatdesk/chatdesk/internal/wsclient"
)

// A widget that stops reading while its agent keeps writing overflows its
// send queue. The server must not drop the frames that do not fit and carry
// on: it closes the socket with 4000 (reconnect), and the resume by seq
// delivers every message the socket missed.
func TestSlowConsumerIsClosedAndResumesWithoutLoss(t *testing.T) {
	n := startTeam(t)
	agent, _ := n.dial(n.anTok, 0)
	conv := n.newConversation("Chậm", "0912001300", "")
	id := conv.Conversation.ID
	n.waitAssigned(n.anTok, id, "An")

	// The visitor's socket: a tiny receive buffer, and nobody reads it
	// until the agent is done.
	small := func(ctx context.Context, network, addr string) (net.Conn, error) {
		d := net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
			var serr error
			err := c.Control(func(fd uintptr) { serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
			return errors.Join(err, serr)
		}}
		return d.DialContext(ctx, network, addr)
	}
	slow := clienttest.Dial(t, n.wsURL(), wsclient.ConnOptions{NetDialContext: small, Paused: true})
	slow.Send(protocol.ReqHello, "h", protocol.Hello{Token: conv.VisitorToken})

	// 4 KB messages: enough to fill the server's send buffer (it grows up
	// to tcp_wmem's maximum), then the socket's queue of 64 frames.
	k := sendBufferMax(t)/chat.MaxMessageLen + 300
	text := strings.Repeat("a", chat.MaxMessageLen)
	last := sendPipelined(t, agent, id, k, func(int) string { return text })

	// Now read: whatever was queued, then the close.
	slow.Raw().Resume()
	closeCode := slow.WaitClosed(30 * time.Second)
	got := map[int64]bool{}
	for _, f := range slow.Frames() {
		if f.Type == protocol.EvtMessageCreated {
			if m := clienttest.Data[protocol.MessageCreated](t, f).Message; m != nil {
				got[m.Seq] = true
			}
		}
	}
	if closeCode != protocol.CloseTryAgain {
		t.Fatalf("slow socket closed with %d after %d messages (last seq %d), want 4000 (reconnect)", closeCode, len(got), last)
	}
	missed := int64(0)
	for seq := int64(1); seq <= last; seq++ {
		if !got[seq] {
			missed++
		}
	}
	if missed == 0 {
		t.Fatalf("the slow socket got all %d messages: the test did not overflow its queue", last)
	}

	// Resume from the highest seq held without a gap: the replay brings the rest.
	var gapFree int64
	for got[gapFree+1] {
		gapFree++
	}
	again, _ := n.dial(conv.VisitorToken, gapFree)
	for _, m := range again.MessagesUntilReplayDone() {
		got[m.Seq] = true
	}
	for seq := int64(1); seq <= last; seq++ {
		if !got[seq] {
			t.Fatalf("seq %d of %d never reached the visitor (%d missed live, resumed after %d)", seq, last, missed, gapFree)
		}
	}
	t.Logf("%d of %d messages missed live, all delivered by the resume after seq %d", missed, last, gapFree)
}

// sendBufferMax is the most a TCP socket's send buffer grows to here.
func sendBufferMax(t *testing.T) int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/tcp_wmem")
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(b))
	n, err := strconv.Atoi(f[len(f)-1])
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A resume that replays far more messages than a widget's send queue holds
// gets every one of them, in order, on a socket that stays open: replays
// wait for room in the queue rather than overflow it.
func TestLongReplayIsPacedNotDropped(t *testing.T) {
	n := startTeam(t)
	agent, _ := n.dial(n.anTok, 0)
	conv := n.newConversation("Dài", "0912001301", "")
	n.waitAssigned(n.anTok, conv.Conversation.ID, "An")
	last := sendPipelined(t, agent, conv.Conversation.ID, 300, func(i int) string { return fmt.Sprintf("tin %d", i) })
	v, _ := n.dial(conv.VisitorToken, 0)
	ms := v.MessagesUntilReplayDone()
	if int64(len(ms)) != last {
		t.Fatalf("replayed %d messages, want %d", len(ms), last)
	}
	for i, m := range ms {
		if m.Seq != int64(i+1) {
			t.Fatalf("replay[%d] has seq %d", i, m.Seq)
		}
	}
	select {
	case <-v.Closed():
		t.Fatalf("the socket was closed (%d) during the replay", v.CloseCode())
	default:
	}
}

// sendPipelined sends k messages into a conversation without waiting for
// each ack, then checks that every one was acknowledged; it returns the
// highest seq.
func sendPipelined(t *testing.T, c *clienttest.Conn, convID string, k int, text func(i int) string) int64 {
	t.Helper()
	for i := 0; i < k; i++ {
		c.Send(protocol.ReqMessageSend, fmt.Sprintf("a%d", i), map[string]string{"conversationId": convID, "clientId": fmt.Sprintf("a-%d", i), "text": text(i)})
	}
	var last int64
	for i := 0; i < k; i++ {
		f := c.WaitFor(func(f clienttest.Frame) bool { return f.ID == fmt.Sprintf("a%d", i) }, fmt.Sprintf("the reply to a%d", i))
		if f.Type != protocol.EvtAck {
			t.Fatalf("send %d: %s %s", i, f.Type, f.Data)
		}
		last = max(last, clienttest.Data[struct{ Message *chat.Message }](t, f).Message.Seq)
	}
	return last
}
