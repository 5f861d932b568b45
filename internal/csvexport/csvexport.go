// Package csvexport writes the CSV files the dashboard offers for download
// (history search results, statistics). They are opened mostly in Excel by
// Vietnamese support teams, which decides the format: UTF-8 with a byte
// order mark (without it Excel reads the bytes as the ANSI code page and
// mangles every diacritic), CRLF line ends, and cells that would start a
// formula neutralised, because a visitor writes part of what is exported.
//
// The separator is the reader's choice (Dialect): Excel splits a CSV it
// opens by the list separator of Windows' regional settings, which is ","
// in English but ";" in Vietnamese (where "," is the decimal mark), and a
// file in the other dialect opens as a single column. No one file opens
// right in both: a "sep=;" first line makes Excel ignore the byte order
// mark and mangle the diacritics instead.
package csvexport

import (
	"encoding/csv"
	"io"
	"net/http"
	"strings"
)

// ContentType is the media type to serve the file with.
const ContentType = "text/csv; charset=utf-8"

const byteOrderMark = "\ufeff"

// Dialect is the separator of cells and the decimal mark of numbers.
type Dialect struct {
	Sep          rune
	DecimalComma bool
}

var (
	// Comma is RFC 4180's dialect: Excel in English, LibreOffice, Google Sheets.
	Comma = Dialect{Sep: ','}
	// Semicolon is Excel's dialect on Windows set to Vietnamese.
	Semicolon = Dialect{Sep: ';', DecimalComma: true}
)

// ParseDialect reads the sep query parameter: "comma" (or nothing) or
// "semicolon".
func ParseDialect(s string) (Dialect, bool) {
	switch s {
	case "", "comma":
		return Comma, true
	case "semicolon":
		return Semicolon, true
	}
	return Dialect{}, false
}

// Writer writes rows of a CSV export.
type Writer struct {
	w       *csv.Writer
	dialect Dialect
	err     error
}

// New starts an export in dialect d on w by writing the byte order mark.
func New(w io.Writer, d Dialect) *Writer {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	cw.Comma = d.Sep
	_, err := io.WriteString(w, byteOrderMark)
	return &Writer{w: cw, dialect: d, err: err}
}

// Decimal writes a number formatted with a decimal point ("4.50") with
// the dialect's decimal mark, so that the spreadsheet reads a number.
func (x *Writer) Decimal(number string) string {
	if x.dialect.DecimalComma {
		return strings.Replace(number, ".", ",", 1)
	}
	return number
}

// Row writes one row; cells are guarded against formula injection. The
// first error sticks and is returned by Flush.
func (x *Writer) Row(cells ...string) {
	if x.err != nil {
		return
	}
	guarded := make([]string, len(cells))
	for i, c := range cells {
		guarded[i] = Guard(c)
	}
	x.err = x.w.Write(guarded)
}

// Flush writes what is buffered and reports the first error.
func (x *Writer) Flush() error {
	x.w.Flush()
	if x.err != nil {
		return x.err
	}
	return x.w.Error()
}

// Guard keeps a spreadsheet from reading a cell as a formula (OWASP "CSV
// injection"): a cell starting with = + - @, a tab or a carriage return is
// prefixed with an apostrophe, which Excel and LibreOffice show as text.
// A plain signed number such as "-5" or "+84 912…" is left alone only when
// it is a number; a phone written "+84…" becomes "'+84…", which still reads
// correctly.
func Guard(cell string) string {
	if cell == "" {
		return cell
	}
	switch cell[0] {
	case '=', '+', '-', '@', '\t', '\r':
		if isPlainNumber(cell) {
			return cell
		}
		return "'" + cell
	}
	return cell
}

func isPlainNumber(s string) bool {
	if s[0] != '-' {
		return false
	}
	digits := strings.TrimPrefix(s, "-")
	if digits == "" {
		return false
	}
	for _, r := range digits {
		if (r < '0' || r > '9') && r != '.' && r != ',' {
			return false
		}
	}
	return true
}

// Attachment sets the headers that make a browser download the export
// under filename (ASCII; the caller builds it from dates).
func Attachment(h http.Header, filename string) {
	h.Set("Content-Type", ContentType)
	h.Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
}
