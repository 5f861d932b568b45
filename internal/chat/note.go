package chat

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// An internal note is a message only agents see. It is stored in the
// messages collection beside the transcript but outside the visitor's
// sequence: its Seq is negative (NoteSeq), so every read of the
// transcript by seq (seq > after, after ≥ 0: replay, sync, REST history,
// the transcript email, the bot's context) leaves it out by construction
// and the visitor's seqs stay 1, 2, 3… without a hole. Agents place a note
// after the message with seq AfterSeq (the last seq handed out when it was
// written), notes with the same AfterSeq in the order they were written.

// NoteInfo is what makes a message a note.
type NoteInfo struct {
	AfterSeq int64    `json:"afterSeq"`
	Mentions []string `json:"mentions,omitempty"` // ids of the agents @mentioned
}

// NoteClientIDPrefix prefixes the stored clientId of a note: a message's
// clientId cannot contain ':', so a note never collides with a message
// sent with the same client id.
const NoteClientIDPrefix = "note:"

// NoteSeq is the stored seq of a note written at micros (Unix
// microseconds): negative, decreasing as time goes on, unique per
// conversation (a collision is retried one lower).
func NoteSeq(micros int64) int64 { return -micros }

// IsNote reports whether m is an internal note.
func (m *Message) IsNote() bool { return m.Note != nil }

// ParseMentions returns the ids of the agents named after an '@' in text,
// in the order they appear, each once. Names may contain spaces
// ("@Nguyễn Văn An"): at each '@' the longest matching name wins, compared
// without regard to case, and it must end the word (not "@Anh" for "An").
func ParseMentions(text string, agents []*Agent) []string {
	if !strings.Contains(text, "@") || len(agents) == 0 {
		return nil
	}
	byLen := make([]*Agent, 0, len(agents))
	for _, a := range agents {
		if strings.TrimSpace(a.Name) != "" {
			byLen = append(byLen, a)
		}
	}
	sort.SliceStable(byLen, func(i, j int) bool {
		return utf8.RuneCountInString(byLen[i].Name) > utf8.RuneCountInString(byLen[j].Name)
	})
	var out []string
	seen := map[string]bool{}
	for i := 0; i < len(text); i++ {
		if text[i] != '@' {
			continue
		}
		if i > 0 {
			prev, _ := utf8.DecodeLastRuneInString(text[:i])
			if isWordRune(prev) {
				continue // an email address, not a mention
			}
		}
		rest := text[i+1:]
		for _, a := range byLen {
			n, ok := prefixFold(rest, a.Name)
			if !ok {
				continue
			}
			if next, _ := utf8.DecodeRuneInString(rest[n:]); n < len(rest) && isWordRune(next) {
				continue
			}
			if !seen[a.ID] {
				seen[a.ID] = true
				out = append(out, a.ID)
			}
			i += n
			break
		}
	}
	return out
}

// prefixFold reports whether s starts with prefix, case-insensitively,
// and how many bytes of s the prefix covers.
func prefixFold(s, prefix string) (int, bool) {
	n := 0
	for _, pr := range prefix {
		if n >= len(s) {
			return 0, false
		}
		sr, size := utf8.DecodeRuneInString(s[n:])
		if sr != pr && unicode.ToLower(sr) != unicode.ToLower(pr) {
			return 0, false
		}
		n += size
	}
	return n, true
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' }
