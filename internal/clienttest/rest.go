package clienttest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// API calls a node's (or Nginx's) REST API for a test. Every call fails
// the test on a transport error or an answer that does not decode into
// what the caller asked for.
type API struct {
	t    testing.TB
	base string
}

// NewAPI returns the API at base (http://host:port).
func NewAPI(t testing.TB, base string) *API { return &API{t: t, base: base} }

// Do sends a JSON request (body, if non-nil) and decodes the JSON answer
// into out (if non-nil and the answer has a body); it returns the status.
func (a *API) Do(method, path, token string, body, out any) int {
	a.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			a.t.Fatalf("%s %s: encoding the body: %v", method, path, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, a.base+path, rd)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatalf("%s %s: reading the answer: %v", method, path, err)
	}
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			a.t.Fatalf("%s %s: %d, decoding %q: %v", method, path, resp.StatusCode, raw, err)
		}
	}
	return resp.StatusCode
}

// ErrorAnswer is the body of a REST error.
type ErrorAnswer struct {
	Error struct {
		Code       string            `json:"code"`
		Message    string            `json:"message"`
		Fields     map[string]string `json:"fields"`
		RetryAfter int               `json:"retryAfter"`
	} `json:"error"`
}

// Login logs an agent in and returns its token and itself.
func (a *API) Login(email, password string) (string, *chat.Agent) {
	a.t.Helper()
	var out struct {
		Token string      `json:"token"`
		Agent *chat.Agent `json:"agent"`
	}
	if st := a.Do("POST", "/api/auth/login", "", map[string]string{"email": email, "password": password}, &out); st != 200 {
		a.t.Fatalf("login %s at %s: %d", email, a.base, st)
	}
	return out.Token, out.Agent
}

// Created answers a conversation's creation.
type Created struct {
	Conversation *chat.Conversation `json:"conversation"`
	VisitorToken string             `json:"visitorToken"`
}

// NewConversation creates a conversation with these form fields.
func (a *API) NewConversation(fields map[string]any, pageURL string) Created {
	a.t.Helper()
	body := map[string]any{"fields": fields}
	if pageURL != "" {
		body["pageUrl"] = pageURL
	}
	var out Created
	st := a.Do("POST", "/api/conversations", "", body, &out)
	if st == 403 && out.Conversation == nil {
		// The node asks for the form's challenge (production): answer it
		// as the widget does.
		body["challenge"] = a.SolveFormChallenge()
		st = a.Do("POST", "/api/conversations", "", body, &out)
	}
	if st != 201 {
		a.t.Fatalf("create conversation at %s: %d", a.base, st)
	}
	return out
}

// SolveFormChallenge fetches the form's challenge and answers it, as the
// widget does: {token, answer} for POST /api/conversations (nil when the
// node has the challenge off).
func (a *API) SolveFormChallenge() map[string]string {
	a.t.Helper()
	var form struct {
		Challenge *struct {
			Token  string `json:"token"`
			Prefix string `json:"prefix"`
			Bits   int    `json:"bits"`
		} `json:"challenge"`
	}
	if st := a.Do("GET", "/api/form-fields", "", nil, &form); st != 200 {
		a.t.Fatalf("form fields at %s: %d", a.base, st)
	}
	if form.Challenge == nil {
		return nil
	}
	return map[string]string{"token": form.Challenge.Token, "answer": chat.SolveChallenge(form.Challenge.Prefix, form.Challenge.Bits)}
}

// Messages returns the first page (of the default size) of a
// conversation's messages after a seq.
func (a *API) Messages(token, convID string, after int64) []*chat.Message {
	a.t.Helper()
	items, _ := a.page(fmt.Sprintf("/api/conversations/%s/messages?after=%d", convID, after), token)
	return items
}

// AllMessages returns every stored message of a conversation, by seq.
func (a *API) AllMessages(token, convID string) []*chat.Message {
	a.t.Helper()
	var all []*chat.Message
	after := int64(0)
	for {
		items, next := a.page(fmt.Sprintf("/api/conversations/%s/messages?after=%d&limit=500", convID, after), token)
		all = append(all, items...)
		if next == nil {
			return all
		}
		after = *next
	}
}

func (a *API) page(path, token string) ([]*chat.Message, *int64) {
	a.t.Helper()
	var out struct {
		Items []*chat.Message `json:"items"`
		Next  *int64          `json:"next"`
	}
	if st := a.Do("GET", path, token, nil, &out); st != 200 {
		a.t.Fatalf("GET %s at %s: %d", path, a.base, st)
	}
	return out.Items, out.Next
}
