// Package media decides what an uploaded file is from its bytes and makes
// thumbnails of images. It trusts nothing the sender declared: not the file
// name, not the Content-Type of the multipart part.
package media

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"net/http"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// Type is what sniffing decided.
type Type struct {
	ContentType string
	Kind        chat.MessageKind
	// Ext is the canonical extension, for a name the sender left without one.
	Ext string
}

// Sniff returns the type of data or chat.ErrUnsupportedType.
func Sniff(data []byte) (Type, error) {
	if len(data) == 0 {
		return Type{}, chat.ErrEmptyFile
	}
	detected := http.DetectContentType(data)
	switch {
	case detected == "image/jpeg":
		return Type{"image/jpeg", chat.KindImage, ".jpg"}, nil
	case detected == "image/png":
		return Type{"image/png", chat.KindImage, ".png"}, nil
	case detected == "image/gif":
		return Type{"image/gif", chat.KindImage, ".gif"}, nil
	case detected == "image/webp":
		return Type{"image/webp", chat.KindImage, ".webp"}, nil
	case detected == "application/pdf":
		return Type{"application/pdf", chat.KindFile, ".pdf"}, nil
	case detected == "application/zip":
		return sniffZip(data)
	case bytes.HasPrefix(data, oleMagic):
		return sniffOLE(data)
	case strings.HasPrefix(detected, "text/plain"):
		// DetectContentType looks at 512 bytes only: the whole file must be
		// text, or a binary with a text-looking head would pass.
		if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
			return Type{}, chat.ErrUnsupportedType
		}
		return Type{"text/plain; charset=utf-8", chat.KindFile, ".txt"}, nil
	}
	return Type{}, chat.ErrUnsupportedType
}

// sniffZip tells Office Open XML documents from plain archives by their
// parts. A zip that does not open is refused: it is not what it claims.
func sniffZip(data []byte) (Type, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return Type{}, chat.ErrUnsupportedType
	}
	var contentTypes bool
	prefixes := map[string]bool{}
	for _, f := range zr.File {
		if f.Name == "[Content_Types].xml" {
			contentTypes = true
		}
		if i := strings.IndexByte(f.Name, '/'); i > 0 {
			prefixes[f.Name[:i]] = true
		}
	}
	if contentTypes {
		switch {
		case prefixes["word"]:
			return Type{"application/vnd.openxmlformats-officedocument.wordprocessingml.document", chat.KindFile, ".docx"}, nil
		case prefixes["xl"]:
			return Type{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", chat.KindFile, ".xlsx"}, nil
		case prefixes["ppt"]:
			return Type{"application/vnd.openxmlformats-officedocument.presentationml.presentation", chat.KindFile, ".pptx"}, nil
		}
	}
	return Type{"application/zip", chat.KindFile, ".zip"}, nil
}

var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// oleStreams are the streams that make a Compound File a legacy Office
// document. Other compound files (MSI installers among them) are refused.
var oleStreams = []struct {
	name string
	typ  Type
}{
	{"WordDocument", Type{"application/msword", chat.KindFile, ".doc"}},
	{"Workbook", Type{"application/vnd.ms-excel", chat.KindFile, ".xls"}},
	{"Book", Type{"application/vnd.ms-excel", chat.KindFile, ".xls"}},
	{"PowerPoint Document", Type{"application/vnd.ms-powerpoint", chat.KindFile, ".ppt"}},
}

// sniffOLE looks for a directory entry naming an Office stream. Directory
// entries are 128 bytes, aligned to 128 in the file whatever the sector
// size: a UTF-16LE name, then its byte length (terminator included) at
// offset 64.
func sniffOLE(data []byte) (Type, error) {
	for _, s := range oleStreams {
		name := utf16le(s.name)
		for off := 0; ; {
			i := bytes.Index(data[off:], name)
			if i < 0 {
				break
			}
			p := off + i
			off = p + 1
			if p%128 != 0 || p+66 > len(data) {
				continue
			}
			if int(binary.LittleEndian.Uint16(data[p+64:])) == len(name)+2 {
				return s.typ, nil
			}
		}
	}
	return Type{}, chat.ErrUnsupportedType
}

func utf16le(s string) []byte {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		binary.LittleEndian.PutUint16(b[2*i:], c)
	}
	return b
}
