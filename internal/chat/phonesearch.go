package chat

import "strings"

// PhoneSearchKey is the phone key a Store keeps beside a conversation for
// PhoneSearchKeys to match: the national number without its leading 0. The
// service stores normalised phones; anything else keeps only its digits so
// a digit search can still find it.
func PhoneSearchKey(phone string) string {
	if n, ok := NormalizePhone(phone); ok {
		return PhoneSearchable(n)
	}
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, phone)
}
