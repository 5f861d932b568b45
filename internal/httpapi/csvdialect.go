package httpapi

import (
	"github.com/gin-gonic/gin"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/csvexport"
)

// csvDialect reads the sep parameter of a CSV export: "comma" (the
// default) or "semicolon" (Excel on Windows set to Vietnamese).
func csvDialect(c *gin.Context) (csvexport.Dialect, error) {
	d, ok := csvexport.ParseDialect(c.Query("sep"))
	if !ok {
		return d, &chat.Error{Code: chat.EINVALID, Message: "Tham số không hợp lệ.",
			Fields: map[string]string{"sep": "Dấu phân cách phải là comma hoặc semicolon."}}
	}
	return d, nil
}
