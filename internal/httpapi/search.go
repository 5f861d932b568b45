package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/csvexport"
	"github.com/chatdesk/chatdesk/internal/desk"
)

// maxExportRows caps a history CSV; the file says so in its last row.
const maxExportRows = 5000

var statusLabels = map[chat.Status]string{
	chat.StatusWaiting:  "Đang chờ",
	chat.StatusAssigned: "Đang xử lý",
	chat.StatusResolved: "Đã kết thúc",
}

var segmentLabels = map[chat.SegmentKind]string{
	chat.SegmentMessage: "Tin nhắn",
	chat.SegmentNote:    "Ghi chú nội bộ",
	chat.SegmentAnswer:  "Biểu mẫu",
}

// exportConversations downloads the history search results (same filters
// as GET /api/conversations) as CSV: one row per matching segment, or per
// conversation when it matched by name or phone.
func (s *Server) exportConversations(c *gin.Context) {
	act := actor(c)
	f, err := parseFilter(c, act)
	if err != nil {
		s.fail(c, err)
		return
	}
	dialect, err := csvDialect(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	f.Limit = chat.MaxPageSize
	order := chat.SortOrder(c.Query("sort"))
	type row []string
	var rows []row
	truncated := false
	seen := map[string]bool{}
pages:
	for {
		page, err := s.svc.Search.Find(c.Request.Context(), act, f, order)
		if err != nil {
			s.fail(c, err)
			return
		}
		for _, conv := range page.Items {
			if seen[conv.ID] && len(page.Matches[conv.ID]) == 0 {
				continue
			}
			seen[conv.ID] = true
			base := row{conv.ID, conv.Visitor.Name, conv.Visitor.Phone, statusLabels[conv.Status], vnDate(conv.CreatedAt)}
			matches := page.Matches[conv.ID]
			if len(matches) == 0 {
				matches = []desk.SearchMatch{{}}
			}
			for _, m := range matches {
				if len(rows) == maxExportRows {
					truncated = true
					break pages
				}
				r := append(row{}, base...)
				if m.Kind == "" {
					r = append(r, "", "", "", "")
				} else {
					r = append(r, segmentLabels[m.Kind], seqCell(m), vnDateTime(m.At), m.Snippet.Text)
				}
				rows = append(rows, r)
			}
		}
		if page.Next == "" {
			break
		}
		f.Cursor = page.Next
	}
	h := c.Writer.Header()
	h.Set("Content-Type", csvexport.ContentType)
	h.Set("Content-Disposition", `attachment; filename="lich-su-tim-kiem.csv"`)
	h.Set("Cache-Control", "no-store")
	if truncated {
		h.Set("X-Export-Truncated", "true")
	}
	c.Status(http.StatusOK)
	w := csvexport.New(c.Writer, dialect)
	w.Row("Mã hội thoại", "Khách", "Số điện thoại", "Trạng thái", "Ngày tạo", "Khớp trong", "Tin nhắn số", "Thời điểm", "Đoạn khớp")
	for _, r := range rows {
		w.Row(r...)
	}
	if truncated {
		w.Row("Kết quả bị giới hạn ở " + strconv.Itoa(maxExportRows) + " dòng; hãy thu hẹp bộ lọc để xuất phần còn lại.")
	}
	_ = w.Flush()
}

func seqCell(m desk.SearchMatch) string {
	if m.Kind != chat.SegmentMessage {
		return ""
	}
	return strconv.FormatInt(m.Seq, 10)
}

func vnDate(t time.Time) string { return t.In(vietnam).Format("02/01/2006") }

func vnDateTime(t time.Time) string { return t.In(vietnam).Format("02/01/2006 15:04") }

type rebuildAnswer struct {
	Started bool `json:"started"`
}

// adminRebuildSearch starts a rebuild of the history search index.
func (s *Server) adminRebuildSearch(c *gin.Context) {
	started, err := s.svc.Search.Rebuild(c.Request.Context(), actor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	if !started {
		s.fail(c, &chat.Error{Code: chat.ECONFLICT, Message: "Chỉ mục tìm kiếm đang được cập nhật, hãy thử lại sau ít phút."})
		return
	}
	c.JSON(http.StatusAccepted, rebuildAnswer{Started: true})
}
