package server

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/checkfor"
	"github.com/chatdesk/chatdesk/internal/config"
	"github.com/chatdesk/chatdesk/internal/webhook"
)

// hookReceiver is a shop's endpoint on loopback: it checks every
// signature with the endpoint's secret and answers 500 to the first
// failFirst attempts of each delivery.
type hookReceiver struct {
	*httptest.Server
	secret    string
	failFirst int

	mu  sync.Mutex
	got []hookRequest
}

type hookRequest struct {
	delivery, event, attempt string
	body                     []byte
	verified                 error
	at                       time.Time
	status                   int
}

func newHookReceiver(t *testing.T, failFirst int) *hookReceiver {
	r := &hookReceiver{failFirst: failFirst}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		h := hookRequest{
			delivery: req.Header.Get(webhook.HeaderDelivery), event: req.Header.Get(webhook.HeaderEvent), attempt: req.Header.Get(webhook.HeaderAttempt),
			body: body, verified: webhook.Verify(req.Header.Get(webhook.HeaderSignature), r.secret, body, time.Now(), 5*time.Minute), at: time.Now(), status: 204,
		}
		seen := 0
		for _, g := range r.got {
			if g.delivery == h.delivery {
				seen++
			}
		}
		if seen < r.failFirst {
			h.status = 500
		}
		r.got = append(r.got, h)
		w.WriteHeader(h.status)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *hookReceiver) requests() []hookRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]hookRequest(nil), r.got...)
}

// acked returns the deliveries answered 2xx, with how many times each.
func (r *hookReceiver) acked() map[string]int {
	out := map[string]int{}
	for _, g := range r.requests() {
		if g.status < 300 {
			out[g.delivery]++
		}
	}
	return out
}

func fastWebhooks(c *config.Config) {
	c.WebhookRetryBase = 300 * time.Millisecond
	c.WebhookTimeout = 2 * time.Second
}

func (tm *team) createWebhook(body map[string]any) chat.WebhookEndpoint {
	tm.t.Helper()
	var out struct{ Webhook chat.WebhookEndpoint }
	if st := tm.do("POST", "/api/admin/webhooks", tm.admin, body, &out); st != 201 {
		tm.t.Fatalf("create webhook: %d", st)
	}
	return out.Webhook
}

func (tm *team) deliveries(endpointID string) []*chat.WebhookDelivery {
	tm.t.Helper()
	var out struct{ Items []*chat.WebhookDelivery }
	if st := tm.do("GET", "/api/admin/webhooks/"+endpointID+"/deliveries", tm.admin, nil, &out); st != 200 {
		tm.t.Fatalf("deliveries: %d", st)
	}
	return out.Items
}

// TestWebhooksSignedRetriedAndRedelivered: a local endpoint receives
// signed deliveries; 500s are retried with a growing delay under the same
// delivery id until it answers 2xx; "Gửi lại" sends the event again.
func TestWebhooksSignedRetriedAndRedelivered(t *testing.T) {
	tm := startTeam(t, fastWebhooks)
	rcv := newHookReceiver(t, 2)
	ep := tm.createWebhook(map[string]any{"url": rcv.URL + "/chatdesk", "events": []string{"conversation.created", "message.created"}, "allowPrivate": true, "enabled": true})
	if !strings.HasPrefix(ep.Secret, "whsec_") {
		t.Fatalf("created endpoint shows no generated secret: %+v", ep)
	}
	rcv.mu.Lock()
	rcv.secret = ep.Secret
	rcv.mu.Unlock()
	conv := tm.newConversation("Nguyễn Văn Bình", "0912000901", "Cho em hỏi giá áo")

	checkfor.Eventually(t, 15*time.Second, func() (bool, string) {
		a := rcv.acked()
		return len(a) == 2, fmt.Sprint(a)
	})
	byDelivery := map[string][]hookRequest{}
	for _, g := range rcv.requests() {
		if g.verified != nil {
			t.Fatalf("signature of %s attempt %s: %v", g.delivery, g.attempt, g.verified)
		}
		byDelivery[g.delivery] = append(byDelivery[g.delivery], g)
	}
	events := map[string]bool{}
	for id, rs := range byDelivery {
		if len(rs) != 3 {
			t.Fatalf("delivery %s: %d attempts, want 3 (500, 500, 204)", id, len(rs))
		}
		for i, r := range rs {
			if r.attempt != fmt.Sprint(i+1) || string(r.body) != string(rs[0].body) || r.event != rs[0].event {
				t.Fatalf("delivery %s attempt %d: %+v", id, i+1, r)
			}
		}
		first, second := rs[1].at.Sub(rs[0].at), rs[2].at.Sub(rs[1].at)
		if first < 300*time.Millisecond || second < 600*time.Millisecond {
			t.Fatalf("delivery %s retried after %s then %s, want ≥ 300ms then ≥ 600ms", id, first, second)
		}
		var ev struct {
			ID, Type string
			Data     struct {
				Conversation struct{ ID string }
			}
		}
		if err := json.Unmarshal(rs[0].body, &ev); err != nil || ev.Type != rs[0].event || ev.Data.Conversation.ID != conv.Conversation.ID {
			t.Fatalf("payload %s: %+v %v", rs[0].body, ev, err)
		}
		events[ev.Type] = true
	}
	if !events["conversation.created"] || !events["message.created"] {
		t.Fatalf("events received: %v", events)
	}

	// The admin's list, then "Gửi lại".
	// The receiver answered 204 before the node recorded it: wait for the
	// record.
	var list []*chat.WebhookDelivery
	checkfor.Eventually(t, 10*time.Second, func() (bool, string) {
		list = tm.deliveries(ep.ID)
		return len(list) == 2 && list[0].Status == chat.DeliveryDelivered && list[1].Status == chat.DeliveryDelivered, fmt.Sprintf("%+v", list)
	})
	if list[0].Attempts != 3 || list[0].LastStatus != 204 {
		t.Fatalf("deliveries: %+v", list[0])
	}
	var again struct{ Delivery chat.WebhookDelivery }
	if st := tm.do("POST", "/api/admin/webhook-deliveries/"+list[0].ID+"/redeliver", tm.admin, nil, &again); st != 202 {
		t.Fatalf("redeliver: %d", st)
	}
	checkfor.Eventually(t, 15*time.Second, func() (bool, string) {
		return rcv.acked()[again.Delivery.ID] == 1, fmt.Sprint(rcv.acked())
	})
	for _, g := range rcv.requests() {
		if g.delivery == again.Delivery.ID && string(g.body) != list[0].Body {
			t.Fatalf("redelivered body %s, want %s", g.body, list[0].Body)
		}
	}
	for id, n := range rcv.acked() {
		if n != 1 {
			t.Fatalf("delivery %s acknowledged %d times", id, n)
		}
	}
	if st := tm.do("GET", "/api/admin/webhooks", tm.anTok, nil, nil); st != 403 {
		t.Fatalf("an agent listed webhooks: %d", st)
	}

	// Creating, editing and deleting the endpoint are in the audit log,
	// never with its secret nor its URL's path.
	const newSecret = "mot-khoa-ky-moi-du-dai-123"
	if st := tm.do("PUT", "/api/admin/webhooks/"+ep.ID, tm.admin, map[string]any{"url": rcv.URL + "/chatdesk", "events": []string{"conversation.created"}, "secret": newSecret, "allowPrivate": true, "enabled": true}, nil); st != 200 {
		t.Fatalf("update: %d", st)
	}
	if st := tm.do("DELETE", "/api/admin/webhooks/"+ep.ID, tm.admin, nil, nil); st != 204 {
		t.Fatalf("delete: %d", st)
	}
	var got []string
	for _, a := range auditLog(t, tm.node, tm.admin) {
		if !strings.HasPrefix(a.Action, "webhook.") {
			continue
		}
		if a.Target != ep.ID || a.ActorRole != "admin" || a.IP == "" || strings.Contains(a.Detail, ep.Secret) || strings.Contains(a.Detail, newSecret) || strings.Contains(a.Detail, "/chatdesk") {
			t.Fatalf("audit entry: %+v", a)
		}
		got = append(got, a.Action+": "+a.Detail)
	}
	host := strings.TrimPrefix(rcv.URL, "http://")
	want := []string{
		chat.AuditWebhookDeleted + ": Xóa điểm nhận webhook http://" + host + "/….",
		chat.AuditWebhookUpdated + ": Sửa điểm nhận webhook http://" + host + "/…: sự kiện conversation.created, đổi khóa ký.",
		chat.AuditWebhookCreated + ": Thêm điểm nhận webhook http://" + host + "/…: sự kiện conversation.created, message.created, khóa ký do máy chủ tạo, cho phép địa chỉ nội bộ.",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("audit log:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestWebhooksRefusePrivateAddresses: private, loopback and link-local
// endpoints are refused when registered unless allowed; a hostname that
// resolves to loopback passes registration and is refused when dialled,
// before any request is made.
func TestWebhooksRefusePrivateAddresses(t *testing.T) {
	tm := startTeam(t, fastWebhooks)
	rcv := newHookReceiver(t, 0)
	_, port, _ := net.SplitHostPort(rcv.Listener.Addr().String())
	for _, u := range []string{rcv.URL, "http://localhost:" + port, "http://169.254.169.254/latest/meta-data", "http://10.0.0.1/hook", "http://[::1]:" + port, "http://192.168.1.10/", "http://[fd00::1]/"} {
		var e struct{ Error struct{ Code string } }
		if st := tm.do("POST", "/api/admin/webhooks", tm.admin, map[string]any{"url": u, "events": []string{"conversation.created"}, "enabled": true}, &e); st != 400 || e.Error.Code != chat.EINVALID {
			t.Errorf("%s registered: %d %s", u, st, e.Error.Code)
		}
	}
	host := loopbackAlias(t)
	if host == "" {
		t.Skip("no name other than localhost resolves to loopback in /etc/hosts")
	}
	ep := tm.createWebhook(map[string]any{"url": "http://" + host + ":" + port + "/hook", "events": []string{"conversation.created"}, "enabled": true})
	tm.newConversation("Lan", "0912000902", "")
	var d *chat.WebhookDelivery
	checkfor.Eventually(t, 10*time.Second, func() (bool, string) {
		list := tm.deliveries(ep.ID)
		if len(list) == 1 {
			d = list[0]
		}
		return d != nil && d.Attempts >= 1, fmt.Sprintf("%+v", d)
	})
	if d.Status != chat.DeliveryPending || d.LastStatus != 0 || !strings.Contains(d.LastError, "bị chặn") {
		t.Fatalf("attempt through the guard: %+v", d)
	}
	if n := len(rcv.requests()); n != 0 {
		t.Fatalf("the receiver got %d requests", n)
	}
}

// loopbackAlias finds in /etc/hosts a name other than localhost for a
// loopback address (Debian images list the machine's own name), so the
// test needs no DNS.
func loopbackAlias(t *testing.T) string {
	f, err := os.Open("/etc/hosts")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(strings.SplitN(sc.Text(), "#", 2)[0])
		if len(fields) < 2 || !strings.HasPrefix(fields[0], "127.") {
			continue
		}
		for _, name := range fields[1:] {
			if n := strings.ToLower(name); n != "localhost" && !strings.HasSuffix(n, ".localhost") {
				if ips, err := net.LookupHost(name); err == nil && len(ips) > 0 && strings.HasPrefix(ips[0], "127.") {
					return name
				}
			}
		}
	}
	return ""
}
