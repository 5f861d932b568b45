package chat

import (
	"sort"
	"strconv"
	"time"
)

// Vietnam is the time zone dates are taken in (UTC+7, no daylight saving).
var Vietnam = time.FixedZone("ICT", 7*3600)

// Statistics range limits, in days.
const (
	DefaultStatsDays = 7
	MaxStatsDays     = 366
)

// StatsRange is a range of whole days in Vietnam time: [From, To) in UTC
// instants, Days days long.
type StatsRange struct {
	From, To time.Time
	Days     int
}

const dateLayout = "2006-01-02"

// ParseStatsRange reads from and to as YYYY-MM-DD (both included). Either
// may be empty: to defaults to today, from to six days before to (a week).
func ParseStatsRange(from, to string, now time.Time) (StatsRange, error) {
	fields := map[string]string{}
	today := now.In(Vietnam)
	end := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, Vietnam)
	if to != "" {
		t, err := time.ParseInLocation(dateLayout, to, Vietnam)
		if err != nil {
			fields["to"] = "Ngày kết thúc phải có dạng YYYY-MM-DD."
		}
		end = t
	}
	start := end.AddDate(0, 0, -(DefaultStatsDays - 1))
	if from != "" {
		f, err := time.ParseInLocation(dateLayout, from, Vietnam)
		if err != nil {
			fields["from"] = "Ngày bắt đầu phải có dạng YYYY-MM-DD."
		}
		start = f
	}
	if len(fields) == 0 {
		switch days := daysBetween(start, end) + 1; {
		case days < 1:
			fields["from"] = "Ngày bắt đầu phải trước hoặc bằng ngày kết thúc."
		case days > MaxStatsDays:
			fields["from"] = "Khoảng thời gian tối đa 366 ngày."
		}
	}
	if len(fields) > 0 {
		return StatsRange{}, &Error{Code: EINVALID, Message: "Khoảng thời gian không hợp lệ.", Fields: fields}
	}
	return StatsRange{From: start.UTC(), To: end.AddDate(0, 0, 1).UTC(), Days: daysBetween(start, end) + 1}, nil
}

// daysBetween counts calendar days from a to b (midnights in Vietnam).
// Vietnam has no daylight saving, so every day is 24 h long.
func daysBetween(a, b time.Time) int { return int(b.Sub(a).Hours() / 24) }

// DayCount is the number of conversations created on one day.
type DayCount struct {
	Date  string `json:"date"`
	Count int    `json:"count"`
}

// AgentStats are one agent's figures over the range.
type AgentStats struct {
	AgentID       string   `json:"agentId"`
	Name          string   `json:"name"`
	Conversations int      `json:"conversations"`
	Resolved      int      `json:"resolved"`
	Ratings       int      `json:"ratings"`
	AvgRating     *float64 `json:"avgRating"`
}

// RatingStats sums up the ratings given over the range.
type RatingStats struct {
	Count        int            `json:"count"`
	Average      *float64       `json:"average"`
	Distribution map[string]int `json:"distribution"` // "1"…"5" → count
}

// Stats is the admin statistics page. Figures are over the conversations
// created in the range, except WaitingNow which is the queue right now.
type Stats struct {
	From                       string       `json:"from"`
	To                         string       `json:"to"`
	ConversationsPerDay        []DayCount   `json:"conversationsPerDay"`
	WaitingNow                 int          `json:"waitingNow"`
	TotalConversations         int          `json:"totalConversations"`
	Resolved                   int          `json:"resolved"`
	MedianFirstResponseSeconds *float64     `json:"medianFirstResponseSeconds"`
	MedianResolutionSeconds    *float64     `json:"medianResolutionSeconds"`
	PerAgent                   []AgentStats `json:"perAgent"`
	Ratings                    RatingStats  `json:"ratings"`
}

// ComputeStats derives the statistics from the conversations created in r
// (others are ignored). It runs in Go because FerretDB's aggregation lacks
// $min/$max/$avg and medians need the values anyway. names maps agent ids
// to current names; agents absent from it keep the name on the conversation.
func ComputeStats(r StatsRange, convs []*Conversation, names map[string]string, waitingNow int) Stats {
	st := Stats{
		From:                r.From.In(Vietnam).Format(dateLayout),
		To:                  r.To.In(Vietnam).AddDate(0, 0, -1).Format(dateLayout),
		ConversationsPerDay: make([]DayCount, r.Days),
		WaitingNow:          waitingNow,
		PerAgent:            []AgentStats{},
		Ratings:             RatingStats{Distribution: map[string]int{"1": 0, "2": 0, "3": 0, "4": 0, "5": 0}},
	}
	for i := range st.ConversationsPerDay {
		st.ConversationsPerDay[i].Date = r.From.In(Vietnam).AddDate(0, 0, i).Format(dateLayout)
	}
	var firstResponse, resolution []float64
	var starSum int
	type agentAcc struct {
		AgentStats
		starSum int
	}
	agents := map[string]*agentAcc{}
	for _, c := range convs {
		if c.CreatedAt.Before(r.From) || !c.CreatedAt.Before(r.To) {
			continue
		}
		st.TotalConversations++
		st.ConversationsPerDay[int(c.CreatedAt.Sub(r.From)/(24*time.Hour))].Count++
		resolved := c.Status == StatusResolved
		if resolved {
			st.Resolved++
		}
		if c.FirstResponseAt != nil {
			firstResponse = append(firstResponse, c.FirstResponseAt.Sub(c.CreatedAt).Seconds())
		}
		if c.ResolvedAt != nil {
			resolution = append(resolution, c.ResolvedAt.Sub(c.CreatedAt).Seconds())
		}
		if c.Rating != nil && c.Rating.Stars >= 1 && c.Rating.Stars <= 5 {
			st.Ratings.Count++
			starSum += c.Rating.Stars
			st.Ratings.Distribution[strconv.Itoa(c.Rating.Stars)]++
		}
		if c.AssigneeID == "" {
			continue
		}
		a := agents[c.AssigneeID]
		if a == nil {
			name, ok := names[c.AssigneeID]
			if !ok {
				name = c.AssigneeName
			}
			a = &agentAcc{AgentStats: AgentStats{AgentID: c.AssigneeID, Name: name}}
			agents[c.AssigneeID] = a
		}
		a.Conversations++
		if resolved {
			a.Resolved++
		}
		if c.Rating != nil && c.Rating.Stars >= 1 && c.Rating.Stars <= 5 {
			a.Ratings++
			a.starSum += c.Rating.Stars
		}
	}
	st.MedianFirstResponseSeconds = median(firstResponse)
	st.MedianResolutionSeconds = median(resolution)
	if st.Ratings.Count > 0 {
		avg := float64(starSum) / float64(st.Ratings.Count)
		st.Ratings.Average = &avg
	}
	for _, a := range agents {
		if a.Ratings > 0 {
			avg := float64(a.starSum) / float64(a.Ratings)
			a.AvgRating = &avg
		}
		st.PerAgent = append(st.PerAgent, a.AgentStats)
	}
	sort.Slice(st.PerAgent, func(i, j int) bool {
		a, b := st.PerAgent[i], st.PerAgent[j]
		if a.Conversations != b.Conversations {
			return a.Conversations > b.Conversations
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.AgentID < b.AgentID
	})
	return st
}

// median returns the middle value (the mean of the two middle values for an
// even count), or nil for none.
func median(v []float64) *float64 {
	if len(v) == 0 {
		return nil
	}
	sort.Float64s(v)
	m := v[len(v)/2]
	if len(v)%2 == 0 {
		m = (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	return &m
}
