// Package auth issues and verifies chatdesk's tokens (JWT, HS256 only) and
// hashes passwords (bcrypt).
package auth

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/crypto/bcrypt"

	"github.com/chatdesk/chatdesk/internal/chat"
)

const (
	issuer          = "chatdesk"
	audienceAgent   = "agent"
	audienceVisitor = "visitor"
)

// Tokens signs and verifies agent and visitor tokens with one secret. The
// audience keeps them apart: a visitor token never passes as an agent's.
type Tokens struct {
	secret     []byte
	agentTTL   time.Duration
	visitorTTL time.Duration
	now        func() time.Time
}

// NewTokens returns a signer; secret must be at least 32 bytes.
func NewTokens(secret string, agentTTL, visitorTTL time.Duration) (*Tokens, error) {
	if len(secret) < 32 {
		return nil, errors.New("jwt secret must be at least 32 bytes")
	}
	return &Tokens{secret: []byte(secret), agentTTL: agentTTL, visitorTTL: visitorTTL, now: time.Now}, nil
}

type agentClaims struct {
	Role         chat.Role `json:"role"`
	TokenVersion int       `json:"tv"`
	jwt.RegisteredClaims
}

// AgentClaims is what a valid agent token asserts.
type AgentClaims struct {
	AgentID      string
	Role         chat.Role
	TokenVersion int
	ExpiresAt    time.Time
}

// IssueAgent returns a signed access token for a.
func (t *Tokens) IssueAgent(a *chat.Agent) (string, time.Time, error) {
	now := t.now()
	exp := now.Add(t.agentTTL)
	c := agentClaims{
		Role:         a.Role,
		TokenVersion: a.TokenVersion,
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    issuer,
			Subject:   a.ID,
			Audience:  jwt.ClaimStrings{audienceAgent},
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now.Add(-time.Minute)),
			ExpiresAt: jwt.NewNumericDate(exp),
		},
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(t.secret)
	return s, exp, err
}

// ParseAgent verifies an agent token. Any failure is chat.ErrUnauthorized.
func (t *Tokens) ParseAgent(token string) (AgentClaims, error) {
	var c agentClaims
	if _, err := t.parser(audienceAgent).ParseWithClaims(token, &c, t.key); err != nil {
		return AgentClaims{}, chat.ErrUnauthorized
	}
	if c.Subject == "" || !c.Role.Valid() {
		return AgentClaims{}, chat.ErrUnauthorized
	}
	return AgentClaims{AgentID: c.Subject, Role: c.Role, TokenVersion: c.TokenVersion, ExpiresAt: c.ExpiresAt.Time}, nil
}

// IssueVisitor returns a token that opens one conversation.
func (t *Tokens) IssueVisitor(conversationID string) (string, error) {
	now := t.now()
	c := jwt.RegisteredClaims{
		Issuer:    issuer,
		Subject:   conversationID,
		Audience:  jwt.ClaimStrings{audienceVisitor},
		IssuedAt:  jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(now.Add(t.visitorTTL)),
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(t.secret)
}

// ParseVisitor verifies a visitor token and returns its conversation id.
func (t *Tokens) ParseVisitor(token string) (string, error) {
	var c jwt.RegisteredClaims
	if _, err := t.parser(audienceVisitor).ParseWithClaims(token, &c, t.key); err != nil || c.Subject == "" {
		return "", chat.ErrUnauthorized
	}
	return c.Subject, nil
}

func (t *Tokens) parser(aud string) *jwt.Parser {
	// Only HS256: "alg":"none" and tokens signed with other algorithms or
	// keys are refused before any claim is trusted.
	return jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(issuer),
		jwt.WithAudience(aud),
		jwt.WithExpirationRequired(),
		jwt.WithLeeway(5*time.Second),
		jwt.WithTimeFunc(t.now),
	)
}

func (t *Tokens) key(tok *jwt.Token) (any, error) {
	if tok.Method != jwt.SigningMethodHS256 {
		return nil, fmt.Errorf("unexpected signing method %v", tok.Header["alg"])
	}
	return t.secret, nil
}

// bcryptCost balances login latency (~50 ms here) against brute force.
const bcryptCost = 11

// HashPassword returns a bcrypt hash of password.
func HashPassword(password string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcryptCost)
	return string(h), err
}

// CheckPassword reports whether password matches hash.
func CheckPassword(hash, password string) bool {
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil
}

// dummyHash lets a login for an unknown email spend the same time as a real
// one, so response timing does not reveal which emails exist. Made on first
// use: every program that imports this package would otherwise pay for a
// bcrypt hash at start (seconds under the race detector).
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("chatdesk-timing-equaliser"), bcryptCost)
	return h
})

// CheckDummy burns one bcrypt comparison.
func CheckDummy(password string) { _ = bcrypt.CompareHashAndPassword(dummyHash(), []byte(password)) }
