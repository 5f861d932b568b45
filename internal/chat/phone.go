package chat

import (
	"strings"
	"unicode"
)

// NormalizePhone turns a Vietnamese phone number as people type it
// ("0912 345 678", "+84 912.345.678", "84912345678", "(024) 3825 1234") into
// its national form with a leading 0. Mobiles have 10 digits (03x, 05x, 07x,
// 08x, 09x), landlines 11 (02x).
func NormalizePhone(s string) (string, bool) {
	s = strings.TrimSpace(s)
	plus := strings.HasPrefix(s, "+")
	if plus {
		s = s[1:]
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '.' || r == '-' || r == '(' || r == ')':
		default:
			return "", false
		}
	}
	d := b.String()
	switch {
	case strings.HasPrefix(d, "84") && (plus || len(d) == 11 || len(d) == 12):
		d = "0" + d[2:]
	case plus:
		return "", false // only Vietnamese numbers
	}
	if len(d) == 10 && d[0] == '0' && strings.ContainsRune("35789", rune(d[1])) {
		return d, true
	}
	if len(d) == 11 && strings.HasPrefix(d, "02") {
		return d, true
	}
	return "", false
}

// PhoneSearchKeys turns what an agent typed into a phone search ("0912 345",
// "+84912345", "912345678") into digit strings to look for inside the stored
// national significant number (the number without its leading 0). It returns
// nil when the query holds letters or fewer than three digits.
func PhoneSearchKeys(q string) []string {
	q = strings.TrimSpace(q)
	plus := strings.HasPrefix(q, "+")
	var b strings.Builder
	for _, r := range q {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case unicode.IsLetter(r):
			return nil // "lan 1" is a name search, not any phone with a 1
		}
	}
	d := b.String()
	if len(d) < 3 {
		return nil // fewer digits would match nearly every phone
	}
	switch {
	case plus && strings.HasPrefix(d, "84"):
		return []string{d[2:]}
	case strings.HasPrefix(d, "0"):
		return []string{d[1:]}
	case strings.HasPrefix(d, "84") && len(d) > 2:
		// "84912..." may be a country code or the middle of a number.
		return []string{d, d[2:]}
	}
	return []string{d}
}

// PhoneSearchable is the stored form PhoneSearchKeys matches against.
func PhoneSearchable(normalized string) string {
	return strings.TrimPrefix(normalized, "0")
}
