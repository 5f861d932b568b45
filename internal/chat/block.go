package chat

import (
	"net/netip"
	"strings"
	"time"
	"unicode/utf8"
)

// BlockKind is what a block matches.
type BlockKind string

const (
	// BlockVisitor matches one visitor token: its conversation id.
	BlockVisitor BlockKind = "visitor"
	// BlockPhone matches a phone number (national form).
	BlockPhone BlockKind = "phone"
	// BlockIP matches an address or a network (CIDR).
	BlockIP BlockKind = "ip"
)

// Block keeps a visitor, a phone or an address ("Chặn khách") from opening
// conversations and from sending, until it expires.
type Block struct {
	ID    string    `json:"id"`
	Kind  BlockKind `json:"kind"`
	Value string    `json:"value"`
	// Reason is the agent's note (shown in the admin list, never to the
	// visitor).
	Reason string `json:"reason"`
	// ExpiresAt nil: until removed.
	ExpiresAt *time.Time `json:"expiresAt"`
	// ConversationID is where the block was made from, if anywhere.
	ConversationID string    `json:"conversationId"`
	CreatedAt      time.Time `json:"createdAt"`
	CreatedByID    string    `json:"createdById"`
	CreatedByName  string    `json:"createdByName"`
}

// Active reports whether the block applies at now.
func (b *Block) Active(now time.Time) bool { return b.ExpiresAt == nil || now.Before(*b.ExpiresAt) }

// ErrBlocked answers a blocked visitor; it says what happened, not which
// rule matched.
var ErrBlocked = &Error{Code: EBLOCKED, Message: "Bạn tạm thời không thể gửi tin nhắn cho bộ phận hỗ trợ qua khung chat này. Nếu bạn cho rằng đây là nhầm lẫn, vui lòng liên hệ cửa hàng qua điện thoại hoặc email."}

// Narrowest networks a block may name: a block of a whole carrier's range
// would lock out thousands of visitors behind carrier-grade NAT.
const (
	MinBlockPrefix4 = 16
	MinBlockPrefix6 = 32
)

// MaxBlockReasonLen bounds a block's reason.
const MaxBlockReasonLen = 300

// ValidateBlock checks and normalises a block's kind, value and reason.
func ValidateBlock(b *Block) error {
	fields := map[string]string{}
	v := strings.TrimSpace(b.Value)
	switch b.Kind {
	case BlockVisitor:
		if !ValidID(v) {
			fields["value"] = "Mã cuộc trò chuyện không hợp lệ."
		}
	case BlockPhone:
		p, ok := NormalizePhone(v)
		if !ok {
			fields["value"] = "Số điện thoại không hợp lệ."
		}
		v = p
	case BlockIP:
		n, msg := parseBlockNetwork(v)
		if msg != "" {
			fields["value"] = msg
		}
		v = n
	default:
		fields["kind"] = "Loại chặn phải là visitor, phone hoặc ip."
	}
	b.Value = v
	b.Reason = strings.TrimSpace(CleanLine(strings.ToValidUTF8(b.Reason, "")))
	if utf8.RuneCountInString(b.Reason) > MaxBlockReasonLen {
		fields["reason"] = "Lý do tối đa 300 ký tự."
	}
	if b.ExpiresAt != nil && !b.ExpiresAt.After(b.CreatedAt) {
		fields["expiresAt"] = "Thời hạn phải ở sau thời điểm hiện tại."
	}
	if len(fields) > 0 {
		return &Error{Code: EINVALID, Message: "Thông tin chặn không hợp lệ.", Fields: fields}
	}
	return nil
}

// parseBlockNetwork reads an address ("203.0.113.7") or a network
// ("203.0.113.0/24") into canonical form; a message when it is not one, or
// too wide.
func parseBlockNetwork(s string) (string, string) {
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return "", "Địa chỉ IP không hợp lệ (ví dụ: 203.0.113.7 hoặc 203.0.113.0/24)."
		}
		return a.Unmap().String(), ""
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return "", "Dải mạng không hợp lệ (ví dụ: 203.0.113.0/24)."
	}
	p = p.Masked()
	if p.Addr().Is4() && p.Bits() < MinBlockPrefix4 || p.Addr().Is6() && p.Bits() < MinBlockPrefix6 {
		return "", "Dải mạng quá rộng: tối đa /16 với IPv4, /32 với IPv6 (nhiều khách dùng chung địa chỉ của nhà mạng)."
	}
	if p.IsSingleIP() {
		return p.Addr().String(), ""
	}
	return p.String(), ""
}

// BlockList answers, for one moment, whether a visitor is blocked.
type BlockList struct {
	visitors map[string]*Block
	phones   map[string]*Block
	nets     []blockNet
}

type blockNet struct {
	p netip.Prefix
	b *Block
}

// NewBlockList indexes the blocks active at now.
func NewBlockList(blocks []*Block, now time.Time) *BlockList {
	l := &BlockList{visitors: map[string]*Block{}, phones: map[string]*Block{}}
	for _, b := range blocks {
		if !b.Active(now) {
			continue
		}
		switch b.Kind {
		case BlockVisitor:
			l.visitors[b.Value] = b
		case BlockPhone:
			l.phones[b.Value] = b
		case BlockIP:
			p, err := netip.ParsePrefix(b.Value)
			if err != nil {
				a, aerr := netip.ParseAddr(b.Value)
				if aerr != nil {
					continue
				}
				p = netip.PrefixFrom(a, a.BitLen())
			}
			l.nets = append(l.nets, blockNet{p: p, b: b})
		}
	}
	return l
}

// Match returns the block that applies to a visitor (any of its
// conversation id, phone and address may be ""), or nil. Expiry is
// checked again at now: a list lives a few seconds in a cache.
func (l *BlockList) Match(conversationID, phone, ip string, now time.Time) *Block {
	if l == nil {
		return nil
	}
	if b := l.visitors[conversationID]; conversationID != "" && b != nil && b.Active(now) {
		return b
	}
	if b := l.phones[phone]; phone != "" && b != nil && b.Active(now) {
		return b
	}
	if ip == "" || len(l.nets) == 0 {
		return nil
	}
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return nil
	}
	a = a.Unmap()
	for _, n := range l.nets {
		if n.p.Contains(a) && n.b.Active(now) {
			return n.b
		}
	}
	return nil
}
