package chat

import (
	"net/url"
	"strings"
	"unicode"
)

// Text that people type is shown to other people (agents read visitors'
// names and messages, visitors read agents'), so characters that change
// how the surrounding text reads are removed rather than refused: bidi
// controls (U+202A–U+202E embeddings and overrides, U+2066–U+2069
// isolates, and the LRM/RLM/ALM marks) can make "gnp.exe" read as
// "exe.png" or reorder a phone number, and control characters (C0, DEL,
// C1) have no business in a chat line. A visitor who pasted one from
// another app would not understand a refusal; the text reads the same
// without them. Zero-width joiners stay: emoji sequences need them.

// unsafeRune reports whether r is removed from names and messages;
// keepBreaks keeps newline and tab (multi-line texts).
func unsafeRune(r rune, keepBreaks bool) bool {
	if keepBreaks && (r == '\n' || r == '\t') {
		return false
	}
	return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r)
}

// CleanLine removes control and bidi-control characters from a one-line
// text (a name, a title); tabs and line breaks become spaces.
func CleanLine(s string) string {
	if !needsCleaning(s, false) {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			return ' '
		case unsafeRune(r, false):
			return -1
		}
		return r
	}, s)
}

// CleanMultiline removes control and bidi-control characters from a
// message, keeping line breaks (\r\n and \r become \n) and tabs.
func CleanMultiline(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	if !needsCleaning(s, true) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unsafeRune(r, true) {
			return -1
		}
		return r
	}, s)
}

func needsCleaning(s string, keepBreaks bool) bool {
	for _, r := range s {
		if unsafeRune(r, keepBreaks) {
			return true
		}
	}
	return false
}

// HasUnsafeText reports whether a one-line text holds characters
// CleanLine would remove; for values a validator cannot rewrite.
func HasUnsafeText(s string) bool {
	return needsCleaning(s, false)
}

// CleanPageURL keeps the page address a widget reports (pageUrl,
// referrer) only when it is an absolute http(s) URL, without credentials:
// agents click it, so javascript:, data: or file: addresses are dropped.
func CleanPageURL(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	if u.User != nil {
		u.User = nil
		return u.String()
	}
	return s
}
