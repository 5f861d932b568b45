package chat

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// OfficeHours is when the support team answers, in Vietnam time
// (Asia/Ho_Chi_Minh, UTC+7 all year): a weekly schedule with days off,
// holidays, and what visitors are told meanwhile. Outside these hours
// nobody is assigned a new conversation and visitors leave a message.
type OfficeHours struct {
	// Enabled: the schedule applies. When false support is open whenever
	// an agent is available (the default: an installation starts open).
	Enabled bool `json:"enabled"`
	// Week is the weekly schedule, Monday first (7 days).
	Week []DayHours `json:"week"`
	// Holidays are dates ("2026-02-17") on which support is closed all day.
	Holidays []string `json:"holidays"`
	// AwayMessage is shown to visitors while nobody can answer.
	AwayMessage string `json:"awayMessage"`
	// ReplyTime tells visitors how soon they are usually answered.
	ReplyTime string `json:"replyTime"`
}

// DayHours is one day of the weekly schedule: closed (a day off), or open
// from From to To ("08:00", "17:30"; To after From, both that day).
type DayHours struct {
	Open bool   `json:"open"`
	From string `json:"from"`
	To   string `json:"to"`
}

// Limits of the office hours an admin may save.
const (
	MaxHolidays       = 100
	MaxAwayMessageLen = 300
	MaxReplyTimeLen   = 100
)

// DefaultOfficeHours is what a new installation starts with: no schedule
// (open whenever an agent is available), and a working week ready to be
// switched on.
func DefaultOfficeHours() OfficeHours {
	day := DayHours{Open: true, From: "08:00", To: "17:30"}
	return OfficeHours{
		Week: []DayHours{day, day, day, day, day,
			{Open: true, From: "08:00", To: "12:00"},
			{From: "08:00", To: "17:30"}},
		Holidays:    []string{},
		AwayMessage: "Hiện chưa có nhân viên trực. Bạn vui lòng để lại lời nhắn, chúng tôi sẽ liên hệ lại sớm nhất.",
		ReplyTime:   "Thường trả lời trong vài phút",
	}
}

var hhmmRE = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)

// minutes turns "08:30" into 510.
func minutes(hhmm string) int {
	var h, m int
	fmt.Sscanf(hhmm, "%d:%d", &h, &m)
	return h*60 + m
}

// weekday is Go's weekday as an index of Week (Monday first).
func weekday(t time.Time) int { return (int(t.Weekday()) + 6) % 7 }

// dayNames are the days of Week as validation errors name them.
var dayNames = [7]string{"Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"}

// ValidateOfficeHours checks and normalises office hours written by an
// admin: seven days, times as HH:MM with the end after the start, dates as
// YYYY-MM-DD (sorted, without repeats), texts cleaned and bounded.
func ValidateOfficeHours(h *OfficeHours) error {
	fields := map[string]string{}
	if len(h.Week) != 7 {
		fields["week"] = "Lịch làm việc phải có đủ 7 ngày."
	} else {
		for i, d := range h.Week {
			if !d.Open {
				continue
			}
			if !hhmmRE.MatchString(d.From) || !hhmmRE.MatchString(d.To) {
				fields[fmt.Sprintf("week.%d", i)] = dayNames[i] + ": giờ phải có dạng HH:MM (ví dụ 08:00)."
			} else if minutes(d.To) <= minutes(d.From) {
				fields[fmt.Sprintf("week.%d", i)] = dayNames[i] + ": giờ đóng cửa phải sau giờ mở cửa."
			}
		}
	}
	days := make([]string, 0, len(h.Holidays))
	for _, s := range h.Holidays {
		s = strings.TrimSpace(s)
		d, err := time.ParseInLocation(time.DateOnly, s, Vietnam)
		if err != nil || d.Format(time.DateOnly) != s {
			fields["holidays"] = "Ngày nghỉ không hợp lệ: " + s + " (dạng 2026-02-17)."
			continue
		}
		days = append(days, s)
	}
	slices.Sort(days)
	days = slices.Compact(days)
	if len(days) > MaxHolidays {
		fields["holidays"] = fmt.Sprintf("Tối đa %d ngày nghỉ.", MaxHolidays)
	}
	h.Holidays = days
	h.AwayMessage = strings.TrimSpace(CleanMultiline(strings.ToValidUTF8(h.AwayMessage, "")))
	if utf8.RuneCountInString(h.AwayMessage) > MaxAwayMessageLen {
		fields["awayMessage"] = fmt.Sprintf("Lời nhắn khi vắng tối đa %d ký tự.", MaxAwayMessageLen)
	}
	h.ReplyTime = strings.TrimSpace(CleanLine(strings.ToValidUTF8(h.ReplyTime, "")))
	if utf8.RuneCountInString(h.ReplyTime) > MaxReplyTimeLen {
		fields["replyTime"] = fmt.Sprintf("Thời gian trả lời tối đa %d ký tự.", MaxReplyTimeLen)
	}
	if h.Enabled && len(h.Week) == 7 && !slices.ContainsFunc(h.Week, func(d DayHours) bool { return d.Open }) {
		fields["week"] = "Cần ít nhất một ngày làm việc trong tuần."
	}
	if len(fields) > 0 {
		return &Error{Code: EINVALID, Message: "Giờ làm việc không hợp lệ.", Fields: fields}
	}
	return nil
}

// OpenAt reports whether support is open at t by the schedule (always, when
// the schedule is off).
func (h OfficeHours) OpenAt(t time.Time) bool {
	if !h.Enabled || len(h.Week) != 7 {
		return true
	}
	t = t.In(Vietnam)
	if slices.Contains(h.Holidays, t.Format(time.DateOnly)) {
		return false
	}
	d := h.Week[weekday(t)]
	now := t.Hour()*60 + t.Minute()
	return d.Open && now >= minutes(d.From) && now < minutes(d.To)
}

// NextOpen returns the next time support opens after t (t itself when it
// is open then), within a year; false when the schedule never opens.
func (h OfficeHours) NextOpen(t time.Time) (time.Time, bool) {
	if h.OpenAt(t) {
		return t, true
	}
	t = t.In(Vietnam)
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, Vietnam)
	for i := 0; i <= 366; i++ {
		date := day.AddDate(0, 0, i)
		d := h.Week[weekday(date)]
		if !d.Open || slices.Contains(h.Holidays, date.Format(time.DateOnly)) {
			continue
		}
		from := date.Add(time.Duration(minutes(d.From)) * time.Minute)
		if from.After(t) {
			return from, true
		}
	}
	return time.Time{}, false
}
