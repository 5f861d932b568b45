package chat

import (
	"crypto/sha256"
	"math/bits"
	"strconv"
)

// The proof of work of the pre-chat form: the widget finds an answer (a
// decimal counter) such that SHA-256(prefix + ":" + answer) starts with
// Bits zero bits. prefix is 16 characters, so what is hashed fits one
// SHA-256 block and the widget's hash stays a few hundred bytes.

// MaxChallengeAnswerLen bounds an answer (a counter of up to 12 digits).
const MaxChallengeAnswerLen = 12

// ChallengeSolved reports whether answer solves prefix at bits.
func ChallengeSolved(prefix, answer string, bitsWanted int) bool {
	if answer == "" || len(answer) > MaxChallengeAnswerLen {
		return false
	}
	for _, r := range answer {
		if r < '0' || r > '9' {
			return false
		}
	}
	return leadingZeroBits(sha256.Sum256([]byte(prefix+":"+answer))) >= bitsWanted
}

// SolveChallenge finds an answer, as the widget does (for Go clients:
// tests, load generators).
func SolveChallenge(prefix string, bitsWanted int) string {
	for n := 0; ; n++ {
		a := strconv.Itoa(n)
		if leadingZeroBits(sha256.Sum256([]byte(prefix+":"+a))) >= bitsWanted {
			return a
		}
	}
}

func leadingZeroBits(h [32]byte) int {
	n := 0
	for _, b := range h {
		if b != 0 {
			return n + bits.LeadingZeros8(b)
		}
		n += 8
	}
	return n
}
