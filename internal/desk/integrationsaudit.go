package desk

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// What the audit log says about changes of the integrations (webhook
// endpoints, SMTP settings). Secrets never appear: not a webhook's signing
// secret, not the SMTP password, not a URL's path or query — many
// receivers (chat apps, automation services) put their own token there.

// webhookHost is an endpoint's address as the log shows it: scheme and
// host, the rest elided.
func webhookHost(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "(địa chỉ không hợp lệ)"
	}
	out := u.Scheme + "://" + u.Host
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		out += "/…"
	}
	return out
}

// webhookName names an endpoint: its host and the admin's description.
func webhookName(e *chat.WebhookEndpoint) string {
	n := webhookHost(e.URL)
	if e.Description != "" {
		n += " (" + e.Description + ")"
	}
	return n
}

func onOff(b bool) string {
	if b {
		return "bật"
	}
	return "tắt"
}

func webhookCreatedDetail(e *chat.WebhookEndpoint, generated bool) string {
	parts := []string{"sự kiện " + strings.Join(e.Events, ", ")}
	if generated {
		parts = append(parts, "khóa ký do máy chủ tạo")
	} else {
		parts = append(parts, "khóa ký do quản trị nhập")
	}
	if e.AllowPrivate {
		parts = append(parts, "cho phép địa chỉ nội bộ")
	}
	if !e.Enabled {
		parts = append(parts, "đang tắt")
	}
	return "Thêm điểm nhận webhook " + webhookName(e) + ": " + strings.Join(parts, ", ") + "."
}

// webhookUpdatedDetail says what changed on an endpoint, never the secret
// itself.
func webhookUpdatedDetail(prev, e *chat.WebhookEndpoint) string {
	var parts []string
	if prev.URL != e.URL {
		if a, b := webhookHost(prev.URL), webhookHost(e.URL); a != b {
			parts = append(parts, "địa chỉ "+a+" → "+b)
		} else {
			parts = append(parts, "địa chỉ (đường dẫn)")
		}
	}
	if prev.Description != e.Description {
		parts = append(parts, "mô tả")
	}
	if !slices.Equal(prev.Events, e.Events) {
		parts = append(parts, "sự kiện "+strings.Join(e.Events, ", "))
	}
	if prev.Enabled != e.Enabled {
		parts = append(parts, onOff(e.Enabled))
	}
	if prev.AllowPrivate != e.AllowPrivate {
		parts = append(parts, "địa chỉ nội bộ: "+map[bool]string{true: "cho phép", false: "không cho phép"}[e.AllowPrivate])
	}
	if prev.Secret != e.Secret {
		parts = append(parts, "đổi khóa ký")
	}
	d := "Sửa điểm nhận webhook " + webhookName(e)
	if len(parts) == 0 {
		return d + ": không thay đổi."
	}
	return d + ": " + strings.Join(parts, ", ") + "."
}

// mailChangedDetail says what changed in the SMTP settings, never the
// password (only that it changed).
func mailChangedDetail(prev, s chat.MailSettings) string {
	var parts []string
	switch {
	case s.Host == "" && prev.Host != "":
		parts = append(parts, "bỏ máy chủ SMTP (không gửi email)")
	case s.Host != prev.Host || s.Port != prev.Port || s.Security != prev.Security:
		parts = append(parts, fmt.Sprintf("máy chủ %s:%d (%s)", s.Host, s.Port, s.Security))
	}
	if s.Username != prev.Username {
		parts = append(parts, "tên đăng nhập")
	}
	if s.Password != prev.Password {
		parts = append(parts, "mật khẩu")
	}
	if s.From != prev.From {
		parts = append(parts, "địa chỉ gửi "+s.From)
	}
	if s.NotifyWaiting != prev.NotifyWaiting || s.NotifyEveryMinutes != prev.NotifyEveryMinutes {
		parts = append(parts, fmt.Sprintf("thông báo khách chờ: %s, tối đa một lần mỗi %d phút", onOff(s.NotifyWaiting), s.NotifyEveryMinutes))
	}
	if len(parts) == 0 {
		return "Lưu cài đặt email (SMTP): không thay đổi."
	}
	return "Cập nhật cài đặt email (SMTP): " + strings.Join(parts, ", ") + "."
}
