package httpapi

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/desk"
)

// multipartOverhead is what an upload may carry besides the file: the part
// headers, the clientId and a caption of up to 4000 characters.
const multipartOverhead = 64 << 10

// maxFormValue bounds the text parts of an upload (a 4000-rune caption is
// at most 16000 bytes).
const maxFormValue = 16 << 10

var errBadUpload = &chat.Error{Code: chat.EINVALID, Message: "Tệp tải lên không hợp lệ.", Fields: map[string]string{"file": "Vui lòng chọn một tệp."}}

// uploadAttachment checks the caller first, then reads a multipart upload
// (clientId, file, text?) into memory, bounded by the configured limit, and
// hands it to the service.
func (s *Server) uploadAttachment(c *gin.Context) {
	max := s.svc.Messages.MaxUploadBytes()
	if c.Request.ContentLength > max+multipartOverhead {
		s.fail(c, chat.TooLargeFile(max))
		return
	}
	a := actor(c)
	conv, err := s.svc.Messages.AttachmentTarget(c.Request.Context(), a, c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	if !hasMediaType(c.Request, "multipart/form-data") {
		s.fail(c, errNotMultipart)
		return
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, max+multipartOverhead)
	clientID, caption, up, err := readUpload(c.Request, max)
	if err == nil {
		// The name decides what the receiver's system does with the file,
		// whatever sniffing finds in it.
		err = chat.CheckFileName(up.Name)
	}
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			err = chat.TooLargeFile(max)
		}
		s.fail(c, err)
		return
	}
	m, resent, err := s.svc.Messages.SendAttachment(c.Request.Context(), a, conv, clientID, caption, up)
	s.answerSent(c, m, resent, err)
}

func readUpload(r *http.Request, max int64) (clientID, caption string, up desk.Upload, err error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return "", "", up, errBadUpload
	}
	var haveFile bool
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", "", up, uploadErr(err)
		}
		switch p.FormName() {
		case "file":
			if haveFile {
				return "", "", up, errBadUpload
			}
			data, err := io.ReadAll(io.LimitReader(p, max+1))
			if err != nil {
				return "", "", up, uploadErr(err)
			}
			if int64(len(data)) > max {
				return "", "", up, chat.TooLargeFile(max)
			}
			up, haveFile = desk.Upload{Name: p.FileName(), Data: data}, true
		case "clientId", "text":
			v, err := io.ReadAll(io.LimitReader(p, maxFormValue+1))
			if err != nil {
				return "", "", up, uploadErr(err)
			}
			if len(v) > maxFormValue {
				return "", "", up, &chat.Error{Code: chat.ETOOLARGE, Message: "Tin nhắn quá dài (tối đa 4000 ký tự).", Fields: map[string]string{"text": "Tin nhắn quá dài (tối đa 4000 ký tự)."}}
			}
			if p.FormName() == "clientId" {
				clientID = string(v)
			} else {
				caption = string(v)
			}
		}
		_ = p.Close()
	}
	if !haveFile {
		return "", "", up, errBadUpload
	}
	if len(up.Data) == 0 {
		return "", "", up, chat.ErrEmptyFile
	}
	return clientID, caption, up, nil
}

func uploadErr(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return err
	}
	return errBadUpload
}

// downloadAttachment streams a file (or its thumbnail with ?thumb=1) to the
// conversation's visitor or an agent. The answer can never run as a page:
// the sniffed type, nosniff, a sandboxing CSP, and images only inline.
func (s *Server) downloadAttachment(c *gin.Context) {
	f, err := s.svc.Messages.OpenAttachment(c.Request.Context(), actor(c), c.Param("id"), c.Param("attachmentId"), c.Query("thumb") == "1")
	if err != nil {
		s.fail(c, err)
		return
	}
	defer f.Body.Close()
	h := c.Writer.Header()
	h.Set("Content-Type", f.ContentType)
	h.Set("Content-Length", strconv.FormatInt(f.Size, 10))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	// Private: the answer depends on the Authorization header.
	h.Set("Cache-Control", "private, max-age=86400")
	disposition := "attachment"
	if strings.HasPrefix(f.ContentType, "image/") {
		disposition = "inline"
	}
	h.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": f.Name}))
	c.Status(http.StatusOK)
	if c.Request.Method == http.MethodHead {
		return
	}
	if _, err := io.Copy(c.Writer, f.Body); err != nil {
		s.log.Warn("attachment download cut", "attachment", c.Param("attachmentId"), "err", err)
	}
}
