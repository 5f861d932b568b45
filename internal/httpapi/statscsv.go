package httpapi

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/chatdesk/chatdesk/internal/csvexport"
)

// adminStatsCSV serves the statistics page as a CSV file for Excel: the
// same range rules and authorization as GET /api/admin/stats (the service
// checks the admin), three blocks separated by an empty line — the totals,
// the days, the agents. Dates are dd/mm/yyyy as everywhere in the UI;
// durations are whole seconds so that a spreadsheet can compute with them.
func (s *Server) adminStatsCSV(c *gin.Context) {
	dialect, err := csvDialect(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	st, err := s.svc.Admin.Stats(c.Request.Context(), actor(c), strings.TrimSpace(c.Query("from")), strings.TrimSpace(c.Query("to")))
	if err != nil {
		s.fail(c, err)
		return
	}
	csvexport.Attachment(c.Writer.Header(), "chatdesk-thong-ke-"+st.From+"_"+st.To+".csv")
	c.Status(http.StatusOK)
	w := csvexport.New(c.Writer, dialect)
	w.Row("Chỉ số", "Giá trị")
	w.Row("Từ ngày", dmy(st.From))
	w.Row("Đến ngày", dmy(st.To))
	w.Row("Tổng số cuộc trò chuyện", strconv.Itoa(st.TotalConversations))
	w.Row("Đã giải quyết", strconv.Itoa(st.Resolved))
	w.Row("Đang chờ (lúc xuất)", strconv.Itoa(st.WaitingNow))
	w.Row("Phản hồi đầu tiên, trung vị (giây)", seconds(st.MedianFirstResponseSeconds))
	w.Row("Thời gian giải quyết, trung vị (giây)", seconds(st.MedianResolutionSeconds))
	w.Row("Lượt đánh giá", strconv.Itoa(st.Ratings.Count))
	w.Row("Điểm đánh giá trung bình", w.Decimal(average(st.Ratings.Average)))
	for stars := 5; stars >= 1; stars-- {
		k := strconv.Itoa(stars)
		w.Row("Đánh giá "+k+" sao", strconv.Itoa(st.Ratings.Distribution[k]))
	}
	w.Row()
	w.Row("Ngày", "Số cuộc trò chuyện")
	for _, d := range st.ConversationsPerDay {
		w.Row(dmy(d.Date), strconv.Itoa(d.Count))
	}
	w.Row()
	w.Row("Nhân viên", "Cuộc trò chuyện", "Đã giải quyết", "Lượt đánh giá", "Điểm trung bình")
	for _, a := range st.PerAgent {
		w.Row(a.Name, strconv.Itoa(a.Conversations), strconv.Itoa(a.Resolved), strconv.Itoa(a.Ratings), w.Decimal(average(a.AvgRating)))
	}
	if err := w.Flush(); err != nil {
		s.log.Warn("stats csv", "err", err)
	}
}

// dmy turns YYYY-MM-DD into dd/mm/yyyy.
func dmy(iso string) string {
	if len(iso) != 10 {
		return iso
	}
	return iso[8:10] + "/" + iso[5:7] + "/" + iso[0:4]
}

func seconds(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', 0, 64)
}

func average(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', 2, 64)
}
