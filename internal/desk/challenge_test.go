package desk

import (
	"strings"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

func TestFormChallenge(t *testing.T) {
	d := newTestDesk(t, testOptions{})
	c := &challenges{key: []byte("k"), bits: 8, ttl: time.Hour, spent: d.coord, now: d.clock.Now}
	solve := func(ch *FormChallenge) ChallengeAnswer {
		return ChallengeAnswer{Token: ch.Token, Answer: chat.SolveChallenge(ch.Prefix, ch.Bits)}
	}
	other := &challenges{key: []byte("another node's secret"), bits: 8, ttl: time.Hour, spent: d.coord, now: d.clock.Now}

	ch := c.issue()
	if ch == nil || len(ch.Prefix) != 16 || ch.Bits != 8 || !strings.HasPrefix(ch.Token, "v1."+ch.Prefix+".") {
		t.Fatalf("challenge %+v", ch)
	}
	unsolved := ChallengeAnswer{Token: ch.Token, Answer: "0"}
	for chat.ChallengeSolved(ch.Prefix, unsolved.Answer, ch.Bits) {
		unsolved.Answer += "1"
	}
	forged := solve(ch)
	forged.Token = strings.Replace(ch.Token, ".8.", ".1.", 1) // an easier puzzle, same MAC

	for _, tt := range []struct {
		name string
		a    ChallengeAnswer
	}{
		{"a plain POST: no challenge", ChallengeAnswer{}},
		{"the honeypot filled", ChallengeAnswer{Token: ch.Token, Answer: solve(ch).Answer, Honeypot: "http://spam.example"}},
		{"not solved", unsolved},
		{"a token changed", forged},
		{"signed by another secret", solve(other.issue())},
		{"garbage", ChallengeAnswer{Token: "v1.a.b.c.d", Answer: "1"}},
		{"an answer with letters", ChallengeAnswer{Token: ch.Token, Answer: "12a"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if err := c.verify(d.ctx, tt.a); chat.ErrorCode(err) != chat.ECHALLENGE {
				t.Fatalf("verify: %v, want challenge_failed", err)
			}
		})
	}

	good := solve(ch)
	if err := c.verify(d.ctx, good); err != nil {
		t.Fatalf("a solved challenge: %v", err)
	}
	if err := c.verify(d.ctx, good); chat.ErrorCode(err) != chat.ECHALLENGE {
		t.Fatalf("the same answer twice: %v", err)
	}
	late := solve(c.issue())
	d.clock.Advance(time.Hour + time.Second)
	if err := c.verify(d.ctx, late); chat.ErrorCode(err) != chat.ECHALLENGE {
		t.Fatalf("an expired challenge: %v", err)
	}

	off := &challenges{}
	if off.issue() != nil {
		t.Fatal("a disabled protection issues challenges")
	}
	if err := off.verify(d.ctx, ChallengeAnswer{}); err != nil {
		t.Fatalf("off: a plain POST refused: %v", err)
	}
	if err := off.verify(d.ctx, ChallengeAnswer{Honeypot: "x"}); chat.ErrorCode(err) != chat.ECHALLENGE {
		t.Fatalf("off: the honeypot is still checked: %v", err)
	}
}
