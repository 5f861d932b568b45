package chat

import (
	"fmt"
	"io"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MessageKind says what a message carries besides its text.
type MessageKind string

const (
	KindText  MessageKind = "text"
	KindImage MessageKind = "image"
	KindFile  MessageKind = "file"
)

// Attachment describes the one file a message may carry. The bytes live in
// the attachment store; ContentType is what sniffing decided, never what the
// sender claimed.
type Attachment struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Size        int64  `json:"size"`
	ContentType string `json:"contentType"`
	Width       int    `json:"width,omitempty"`
	Height      int    `json:"height,omitempty"`
	Thumbnail   bool   `json:"thumbnail"`
}

// StoredFile is an attachment (or its thumbnail) being read back. The
// caller closes Body.
type StoredFile struct {
	ConversationID string
	Name           string
	ContentType    string
	Size           int64
	Body           io.ReadCloser
}

// DefaultMaxUploadBytes is the largest attachment accepted unless
// configured otherwise.
const DefaultMaxUploadBytes = 10 << 20

// MaxImagePixels bounds the images accepted, read from their header before
// any pixel is decoded. What decoding may cost is bounded separately
// (internal/media).
const MaxImagePixels = 40_000_000

// ErrUnsupportedType refuses a file whose content is not an accepted type.
var ErrUnsupportedType = &Error{Code: EUNSUPPORTED, Message: "Loại tệp này không được hỗ trợ. Chỉ nhận ảnh (JPG, PNG, WebP, GIF), PDF, Office, ZIP và tệp văn bản."}

// ErrEmptyFile refuses an upload without content.
var ErrEmptyFile = &Error{Code: EINVALID, Message: "Tệp trống.", Fields: map[string]string{"file": "Vui lòng chọn một tệp có nội dung."}}

// ErrBrokenImage refuses an image that cannot be read.
var ErrBrokenImage = &Error{Code: EINVALID, Message: "Ảnh bị hỏng hoặc quá lớn để hiển thị.", Fields: map[string]string{"file": "Ảnh bị hỏng hoặc quá lớn để hiển thị."}}

// ErrImageTooLarge refuses an image above MaxImagePixels, or one whose
// decoding would cost the server more memory or time than it grants one
// image (huge dimensions, an unusual format or depth).
var ErrImageTooLarge = &Error{Code: ETOOLARGE, Message: imageTooLarge, Fields: map[string]string{"file": imageTooLarge}}

const imageTooLarge = "Ảnh quá lớn để xử lý. Vui lòng gửi ảnh nhỏ hơn (tối đa 40 megapixel, ví dụ ảnh chụp màn hình hoặc ảnh đã giảm kích thước)."

// TooLargeFile is the refusal of a file above max bytes, in the unit the
// limit is best read in.
func TooLargeFile(max int64) *Error {
	msg := fmt.Sprintf("Tệp quá lớn (tối đa %s).", HumanSize(max))
	return &Error{Code: ETOOLARGE, Message: msg, Fields: map[string]string{"file": msg}}
}

// HumanSize writes a byte count the Vietnamese way: "10 MB", "1,5 MB", "350 KB".
func HumanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return trimDecimal(float64(n)/(1<<20)) + " MB"
	case n >= 1<<10:
		return trimDecimal(float64(n)/(1<<10)) + " KB"
	default:
		return fmt.Sprintf("%d B", n)
	}
}

func trimDecimal(f float64) string {
	s := fmt.Sprintf("%.1f", f)
	s = strings.TrimSuffix(s, ".0")
	return strings.Replace(s, ".", ",", 1)
}

// MaxFileNameLen bounds a stored file name, in runes.
const MaxFileNameLen = 200

// CleanFileName keeps a display name from what the sender's browser gave:
// the last path element, without control or bidi-override characters,
// trimmed to MaxFileNameLen runes. It is only ever displayed and put in a
// Content-Disposition header, never used as a path.
func CleanFileName(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(strings.TrimSpace(name))
	if !utf8.ValidString(name) {
		name = strings.ToValidUTF8(name, "")
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '"' {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if name == "" || name == "." || name == "/" {
		name = "tep"
	}
	if utf8.RuneCountInString(name) > MaxFileNameLen {
		r := []rune(name)
		name = string(r[:MaxFileNameLen])
	}
	return name
}

// blockedExtensions are file types that run code when an agent or a
// visitor opens them (programs, installers, scripts, shortcuts, macro-
// enabled Office files, disk images that bypass the download warning,
// active web content, certificates that prompt an install). Refused by
// name whatever the bytes are: a text file named .bat or .exe passes
// content sniffing as text, and the receiver's system runs it by its name.
var blockedExtensions = map[string]bool{}

func init() {
	for _, ext := range strings.Fields(`
		exe com scr pif cpl dll sys drv ocx efi msi msp mst msix msixbundle appx appxbundle appinstaller
		application appref-ms xbap vsto gadget xll
		bat cmd btm vb vbs vbe js jse mjs wsf wsh wsc ws sct hta
		ps1 ps1xml ps2 ps2xml psc1 psc2 psd1 psm1 msh msh1 msh2 mshxml msh1xml msh2xml
		lnk url website scf shb shs inf reg chm hlp msc diagcab
		library-ms search-ms searchconnector-ms settingcontent-ms
		jar jnlp class py pyw pyz pyc pl rb php sh bash zsh csh ksh command tool run desktop
		app dmg pkg mpkg workflow action scpt scptd terminal
		apk apks xapk aab deb rpm appimage
		iso img vhd vhdx
		docm dotm xlsm xltm xlam xla pptm potm ppam ppsm sldm mdb mde accde accdb ade adp
		html htm xhtml xht shtml mht mhtml svg svgz
		cer crt der`) {
		blockedExtensions[ext] = true
	}
}

// UploadAccept is the accept list of the file pickers: the types sniffing
// accepts (internal/media), images by type so that phones offer the camera
// and convert their own formats to JPEG. A picker is a convenience only:
// the server decides from the bytes and refuses blocked names.
const UploadAccept = "image/jpeg,image/png,image/gif,image/webp,.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.zip,.txt,.csv"

// CheckFileName refuses a file whose name makes the receiver's system run
// it. The name is judged as it will be stored (CleanFileName) and as
// Windows saves it: trailing dots and spaces are dropped, so "a.exe." is an
// .exe.
func CheckFileName(name string) error {
	name = strings.TrimRight(strings.ToLower(CleanFileName(name)), ". ")
	ext := strings.TrimPrefix(path.Ext(name), ".")
	if blockedExtensions[ext] {
		msg := "Không được phép gửi tệp ." + ext + ": loại tệp này có thể chạy chương trình trên máy người nhận."
		return &Error{Code: EUNSUPPORTED, Message: msg, Fields: map[string]string{"file": msg}}
	}
	return nil
}

// CleanCaption checks the optional text sent with an attachment.
func CleanCaption(text string) (string, error) {
	if strings.TrimSpace(text) == "" {
		return "", nil
	}
	return CleanMessageText(text)
}

// AttachmentPreview is the inbox line of a message whose text is empty.
func AttachmentPreview(m *Message) string {
	if m.Text != "" || m.Attachment == nil {
		return m.Text
	}
	if m.Kind == KindImage {
		return "[Hình ảnh]"
	}
	return "[Tệp] " + m.Attachment.Name
}
