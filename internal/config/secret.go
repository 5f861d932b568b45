package config

import (
	"fmt"
	"math"
)

// Whoever knows the JWT secret can sign an admin's token, so production
// refuses one that is long enough but obviously not random: one letter
// repeated, a short pattern repeated, a word padded out. A secret cannot
// be proven random; these checks catch what people type instead of
// generating one. `openssl rand -hex 32` (64 characters, ~16 distinct,
// ~250 estimated bits) and `openssl rand -base64 32` pass with a wide margin.
const (
	minSecretDistinct = 8
	minSecretBits     = 96
)

// checkSecret refuses a secret with too few distinct characters, one that
// repeats a shorter part, or one whose estimated entropy (length times the
// Shannon entropy of its character frequencies) is below minSecretBits.
func checkSecret(s string) error {
	counts := map[rune]int{}
	n := 0
	for _, r := range s {
		counts[r]++
		n++
	}
	bits := 0.0
	for _, c := range counts {
		p := float64(c) / float64(n)
		bits -= float64(c) * math.Log2(p)
	}
	refuse := func(why string) error {
		return fmt.Errorf("CHATDESK_JWT_SECRET is not random enough (%s): generate one with `openssl rand -hex 32`", why)
	}
	switch {
	case len(counts) < minSecretDistinct:
		return refuse(fmt.Sprintf("%d distinct characters, need at least %d", len(counts), minSecretDistinct))
	case periodic(s):
		return refuse("a shorter value repeated")
	case bits < minSecretBits:
		return refuse(fmt.Sprintf("about %.0f bits of entropy, need at least %d", bits, minSecretBits))
	}
	return nil
}

// periodic reports whether s is a shorter string repeated (possibly with a
// partial copy at the end), e.g. "abcdabcdabcdab".
func periodic(s string) bool {
	for p := 1; p <= len(s)/2; p++ {
		i := p
		for i < len(s) && s[i] == s[i-p] {
			i++
		}
		if i == len(s) {
			return true
		}
	}
	return false
}
