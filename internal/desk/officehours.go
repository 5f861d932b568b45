package desk

import (
	"context"
	"fmt"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// OfficeHours returns the office hours to an admin.
func (ad *Admin) OfficeHours(ctx context.Context, actor Actor) (chat.OfficeHours, error) {
	if err := requireAdmin(actor); err != nil {
		return chat.OfficeHours{}, err
	}
	h, err := ad.store.OfficeHours(ctx)
	if err != nil {
		return chat.OfficeHours{}, ad.fail.unavailable(err)
	}
	return h, nil
}

// SaveOfficeHours validates and stores the office hours. When support is
// open under the new hours, the waiting conversations are offered to the
// agents available now (oldest first); visitors learn the new status
// within a heartbeat (each node checks it, see realtime).
func (ad *Admin) SaveOfficeHours(ctx context.Context, actor Actor, h chat.OfficeHours) (chat.OfficeHours, error) {
	if err := requireAdmin(actor); err != nil {
		return chat.OfficeHours{}, err
	}
	if err := chat.ValidateOfficeHours(&h); err != nil {
		return chat.OfficeHours{}, err
	}
	if err := ad.store.SaveOfficeHours(ctx, h); err != nil {
		return chat.OfficeHours{}, ad.fail.unavailable(err)
	}
	ad.settings.invalidate()
	ad.audit.record(ctx, actor, chat.AuditSettingsChanged, "office-hours", officeHoursDetail(h))
	if h.OpenAt(ad.now()) {
		ad.tasks.goWithin(30*time.Second, ad.route.drainQueue)
	}
	return h, nil
}

// officeHoursDetail is the audit log's line about new office hours.
func officeHoursDetail(h chat.OfficeHours) string {
	if !h.Enabled {
		return "Cập nhật giờ làm việc: tắt (hỗ trợ mở khi có nhân viên sẵn sàng)."
	}
	days := 0
	for _, d := range h.Week {
		if d.Open {
			days++
		}
	}
	return fmt.Sprintf("Cập nhật giờ làm việc: bật, %d ngày mở cửa mỗi tuần, %d ngày nghỉ lễ.", days, len(h.Holidays))
}
