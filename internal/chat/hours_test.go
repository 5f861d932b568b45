package chat

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// vn is a time in Vietnam.
func vn(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, Vietnam)
}

func weekdays() OfficeHours {
	h := DefaultOfficeHours()
	h.Enabled = true
	h.Holidays = []string{"2026-12-25"}
	return h
}

func TestOfficeHoursOpenAt(t *testing.T) {
	h := weekdays() // Mon–Fri 08:00–17:30, Sat 08:00–12:00, Sunday off; 25/12 a holiday
	cases := []struct {
		at   time.Time
		open bool
	}{
		{vn(2026, 12, 7, 7, 59), false},  // Monday before opening
		{vn(2026, 12, 7, 8, 0), true},    // Monday at opening
		{vn(2026, 12, 7, 17, 29), true},  // Monday before closing
		{vn(2026, 12, 7, 17, 30), false}, // closing time is closed
		{vn(2026, 12, 12, 11, 0), true},  // Saturday morning
		{vn(2026, 12, 12, 13, 0), false}, // Saturday afternoon
		{vn(2026, 12, 13, 10, 0), false}, // Sunday: a day off
		{vn(2026, 12, 25, 10, 0), false}, // a holiday on a Friday
		// the same instant in UTC: 01:00 UTC is 08:00 in Vietnam
		{time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC), true},
		{time.Date(2026, 12, 7, 0, 59, 0, 0, time.UTC), false},
	}
	for _, c := range cases {
		if got := h.OpenAt(c.at); got != c.open {
			t.Errorf("OpenAt(%s) = %v, want %v", c.at.In(Vietnam).Format("Mon 2006-01-02 15:04"), got, c.open)
		}
	}
	off := h
	off.Enabled = false
	if !off.OpenAt(vn(2026, 12, 13, 3, 0)) {
		t.Error("a schedule that is off is always open")
	}
}

func TestOfficeHoursNextOpen(t *testing.T) {
	h := weekdays()
	cases := []struct{ at, want time.Time }{
		{vn(2026, 12, 7, 6, 0), vn(2026, 12, 7, 8, 0)},    // Monday early: this morning
		{vn(2026, 12, 7, 18, 0), vn(2026, 12, 8, 8, 0)},   // Monday evening: Tuesday
		{vn(2026, 12, 12, 12, 0), vn(2026, 12, 14, 8, 0)}, // Saturday noon: Sunday off, Monday
		{vn(2026, 12, 24, 20, 0), vn(2026, 12, 26, 8, 0)}, // Christmas Eve: holiday, then Saturday
		{vn(2026, 12, 7, 9, 0), vn(2026, 12, 7, 9, 0)},    // open now: now
	}
	for _, c := range cases {
		got, ok := h.NextOpen(c.at)
		if !ok || !got.Equal(c.want) {
			t.Errorf("NextOpen(%s) = %s, %v; want %s", c.at.Format("Mon 01-02 15:04"), got.In(Vietnam).Format("Mon 01-02 15:04"), ok, c.want.Format("Mon 01-02 15:04"))
		}
	}
	never := h
	for i := range never.Week {
		never.Week[i].Open = false
	}
	if _, ok := never.NextOpen(vn(2026, 12, 7, 9, 0)); ok {
		t.Error("a week without a working day never opens")
	}
}

func TestValidateOfficeHours(t *testing.T) {
	h := weekdays()
	h.Holidays = []string{" 2027-01-01", "2026-12-25", "2026-12-25"}
	h.AwayMessage = "  Ngoài giờ \u202e làm việc  "
	if err := ValidateOfficeHours(&h); err != nil {
		t.Fatal(err)
	}
	if got := h.Holidays; len(got) != 2 || got[0] != "2026-12-25" || got[1] != "2027-01-01" {
		t.Errorf("holidays %v, want sorted without repeats", got)
	}
	if h.AwayMessage != "Ngoài giờ  làm việc" {
		t.Errorf("away message %q: trimmed, bidi controls removed", h.AwayMessage)
	}
	bad := weekdays()
	bad.Week[0] = DayHours{Open: true, From: "18:00", To: "08:00"}
	bad.Week[1] = DayHours{Open: true, From: "8h", To: "17:00"}
	bad.Holidays = []string{"2026-02-30"}
	bad.ReplyTime = strings.Repeat("à", MaxReplyTimeLen+1)
	err := ValidateOfficeHours(&bad)
	var e *Error
	if !errors.As(err, &e) || e.Code != EINVALID {
		t.Fatalf("err = %v, want invalid_input", err)
	}
	for _, k := range []string{"week.0", "week.1", "holidays", "replyTime"} {
		if e.Fields[k] == "" {
			t.Errorf("no error for %s: %v", k, e.Fields)
		}
	}
	short := weekdays()
	short.Week = short.Week[:6]
	if err := ValidateOfficeHours(&short); err == nil {
		t.Error("six days accepted")
	}
	closed := weekdays()
	for i := range closed.Week {
		closed.Week[i].Open = false
	}
	if err := ValidateOfficeHours(&closed); err == nil {
		t.Error("an enabled schedule without a working day accepted")
	}
}
