package desk

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// The pre-chat form's spam protection, beyond the per-address rate: a
// script that POSTs a conversation the way docs/api.md shows is refused
// unless it first fetches a challenge, solves a small proof of work (the
// widget does it while the visitor types: nothing to see, nothing to
// click) and answers each challenge once; and a hidden field no person
// fills (a honeypot) must stay empty. Neither stops a determined attacker
// who scripts the widget's steps — the rate limits and blocks bound those —
// but together they turn away the scripts that spray forms, and they cost
// a visitor nothing visible.

// FormChallenge is what the widget receives with the form: Prefix is what
// it hashes, Token what it sends back with its answer.
type FormChallenge struct {
	Token  string `json:"token"`
	Prefix string `json:"prefix"`
	Bits   int    `json:"bits"`
}

// ChallengeAnswer is what a form submission carries.
type ChallengeAnswer struct {
	Token  string
	Answer string
	// Honeypot is the hidden field's value: people leave it empty.
	Honeypot string
}

var errChallenge = &chat.Error{Code: chat.ECHALLENGE, Message: "Không xác minh được trình duyệt của bạn. Vui lòng tải lại trang rồi thử lại."}

// challenges issue and check form challenges. A token is
// "v1.<prefix>.<expiry>.<bits>.<mac>", the MAC by a key derived from the
// node's secret, so every node checks what any node issued; a token is
// spent once, recorded as a named lock held until it expires.
type challenges struct {
	key   []byte
	bits  int // 0: off (development, tests)
	ttl   time.Duration
	spent NamedLocks
	now   Clock
}

// challengeTTL is how long a form may stay open before its challenge is
// refused (the widget then fetches a new one by itself).
const challengeTTL = 2 * time.Hour

func (c *challenges) enabled() bool { return c != nil && c.bits > 0 }

// issue makes a challenge, or nil when the protection is off.
func (c *challenges) issue() *FormChallenge {
	if !c.enabled() {
		return nil
	}
	var b [12]byte
	_, _ = rand.Read(b[:])
	prefix := base64.RawURLEncoding.EncodeToString(b[:]) // 16 characters
	body := "v1." + prefix + "." + strconv.FormatInt(c.now().Add(c.ttl).Unix(), 10) + "." + strconv.Itoa(c.bits)
	return &FormChallenge{Token: body + "." + c.mac(body), Prefix: prefix, Bits: c.bits}
}

func (c *challenges) mac(body string) string {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte(body))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

// verify checks a submission's answer: the honeypot first (always), then,
// when the protection is on, the token's MAC and expiry, the proof of
// work, and that the token was not spent before — in that order, the
// cheap checks before the Redis round trip.
func (c *challenges) verify(ctx context.Context, a ChallengeAnswer) error {
	if strings.TrimSpace(a.Honeypot) != "" {
		return errChallenge
	}
	if !c.enabled() {
		return nil
	}
	parts := strings.Split(a.Token, ".")
	if len(parts) != 5 || parts[0] != "v1" || len(a.Token) > 200 {
		return errChallenge
	}
	body := strings.Join(parts[:4], ".")
	if !hmac.Equal([]byte(parts[4]), []byte(c.mac(body))) {
		return errChallenge
	}
	exp, err1 := strconv.ParseInt(parts[2], 10, 64)
	bits, err2 := strconv.Atoi(parts[3])
	if err1 != nil || err2 != nil || bits <= 0 {
		return errChallenge
	}
	expires := time.Unix(exp, 0)
	if !c.now().Before(expires) {
		return errChallenge
	}
	if !chat.ChallengeSolved(parts[1], a.Answer, bits) {
		return errChallenge
	}
	unlock, err := c.spent.TryLock(ctx, "challenge:"+parts[1], "spent", expires.Sub(c.now())+time.Minute)
	if err != nil {
		return chat.ErrUnavailable
	}
	if unlock == nil {
		return errChallenge // answered before
	}
	return nil
}

// FormChallenge returns a fresh challenge for the widget's form, or nil
// when the protection is off.
func (cs *Conversations) FormChallenge() *FormChallenge { return cs.challenges.issue() }
