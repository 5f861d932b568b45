package media

import (
	"github.com/chatdesk/chatdesk/internal/media/pngspec"

	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
)

// A PNG is decoded two ways. Small ones go through image/png, which holds
// every pixel at its stored depth (a 16-bit RGBA PNG costs 8 bytes per
// pixel, twice that when interlaced). Large ones are read here one row at
// a time straight into the thumbnail's box filter: memory is two rows and
// the thumbnail, whatever the image's size.

var errPNG = errors.New("media: malformed PNG")

const pngMagic = "\x89PNG\r\n\x1a\n"

// PNG colour types.
const (
	pngGray      = 0
	pngRGB       = 2
	pngPalette   = 3
	pngGrayAlpha = 4
	pngRGBA      = 6
)

// pngInfo is what a PNG's chunks before its pixels say.
type pngInfo struct {
	width, height int
	depth         int
	colorType     byte
	interlaced    bool
	trns          []byte    // tRNS payload, nil when absent
	palette       [][4]byte // RGBA per entry, with tRNS alpha
	idat          [][]byte  // the consecutive IDAT payloads
}

// channels is the number of samples per pixel.
func (p *pngInfo) channels() int {
	switch p.colorType {
	case pngRGB:
		return 3
	case pngGrayAlpha:
		return 2
	case pngRGBA:
		return 4
	}
	return 1
}

func (p *pngInfo) bitsPerPixel() int { return p.depth * p.channels() }

// rowBytes is the size of one filtered row of w pixels, without its
// filter byte.
func (p *pngInfo) rowBytes(w int) int64 {
	return (int64(w)*int64(p.bitsPerPixel()) + 7) / 8
}

// stdCost estimates what image/png allocates: the decoded image (its pixel
// type follows depth, colour type and tRNS), twice for interlaced files
// (each pass is its own image before being merged), and two rows.
func (p *pngInfo) stdCost() int64 {
	var bpp int64
	switch {
	case p.colorType == pngPalette:
		bpp = 1
	case p.colorType == pngGray && p.trns == nil:
		bpp = int64(max(1, p.depth/8))
	case p.depth == 16:
		bpp = 8
	default:
		bpp = 4
	}
	pix := bpp * int64(p.width) * int64(p.height)
	if p.interlaced {
		pix *= 2
	}
	return pix + 2*p.rowBytes(p.width) + decodeOverhead
}

// streamCost estimates what streamPNG allocates: two rows and the
// thumbnail's accumulator.
func (p *pngInfo) streamCost() int64 {
	tw, th := fit(p.width, p.height, ThumbnailMax)
	return 2*(p.rowBytes(p.width)+1) + boxCost(tw, th) + decodeOverhead
}

// parsePNG reads the chunks of a PNG. With verify it also checks every
// chunk's CRC up to IEND and collects the pixel data; without, it stops at
// the first IDAT (enough to estimate the cost of decoding).
func parsePNG(data []byte, verify bool) (pngInfo, error) {
	var p pngInfo
	if len(data) < 8 || string(data[:8]) != pngMagic {
		return p, errPNG
	}
	pos, seenIHDR, seenIDAT, idatDone := 8, false, false, false
	for {
		if pos+12 > len(data) {
			return p, errPNG
		}
		n := binary.BigEndian.Uint32(data[pos:])
		if n > 0x7fffffff || int64(pos)+12+int64(n) > int64(len(data)) {
			return p, errPNG
		}
		typ := string(data[pos+4 : pos+8])
		body := data[pos+8 : pos+8+int(n)]
		if verify && crc32.ChecksumIEEE(data[pos+4:pos+8+int(n)]) != binary.BigEndian.Uint32(data[pos+8+int(n):]) {
			return p, errPNG
		}
		pos += 12 + int(n)
		if !seenIHDR && typ != "IHDR" {
			return p, errPNG
		}
		switch typ {
		case "IHDR":
			if seenIHDR {
				return p, errPNG
			}
			seenIHDR = true
			if err := p.readIHDR(body); err != nil {
				return p, err
			}
		case "PLTE":
			if seenIDAT || p.palette != nil || len(body)%3 != 0 || len(body) == 0 || len(body) > 3*256 {
				return p, errPNG
			}
			if p.colorType == pngPalette {
				for i := 0; i+2 < len(body); i += 3 {
					p.palette = append(p.palette, [4]byte{body[i], body[i+1], body[i+2], 255})
				}
			}
		case "tRNS":
			if seenIDAT {
				return p, errPNG
			}
			if err := p.readTRNS(body); err != nil {
				return p, err
			}
		case "IDAT":
			if idatDone {
				return p, errPNG // image/png wants the pixel data in one run
			}
			if p.colorType == pngPalette && p.palette == nil {
				return p, errPNG
			}
			seenIDAT = true
			if !verify {
				return p, nil
			}
			p.idat = append(p.idat, body)
			continue
		case "IEND":
			if !seenIDAT {
				return p, errPNG
			}
			return p, nil
		}
		if seenIDAT {
			idatDone = true
		}
	}
}

func (p *pngInfo) readIHDR(b []byte) error {
	if len(b) != 13 {
		return errPNG
	}
	w, h := binary.BigEndian.Uint32(b[0:]), binary.BigEndian.Uint32(b[4:])
	if w == 0 || h == 0 || w > 0x7fffffff || h > 0x7fffffff {
		return errPNG
	}
	p.width, p.height, p.depth, p.colorType = int(w), int(h), int(b[8]), b[9]
	ok := false
	switch p.colorType {
	case pngGray:
		ok = p.depth == 1 || p.depth == 2 || p.depth == 4 || p.depth == 8 || p.depth == 16
	case pngPalette:
		ok = p.depth == 1 || p.depth == 2 || p.depth == 4 || p.depth == 8
	case pngRGB, pngGrayAlpha, pngRGBA:
		ok = p.depth == 8 || p.depth == 16
	}
	if !ok || b[10] != 0 || b[11] != 0 || b[12] > 1 {
		return errPNG
	}
	p.interlaced = b[12] == 1
	return nil
}

func (p *pngInfo) readTRNS(b []byte) error {
	switch p.colorType {
	case pngGray:
		if len(b) != 2 {
			return errPNG
		}
	case pngRGB:
		if len(b) != 6 {
			return errPNG
		}
	case pngPalette:
		if p.palette == nil || len(b) > len(p.palette) {
			return errPNG
		}
		for i, a := range b {
			p.palette[i][3] = a
		}
	default:
		return errPNG
	}
	p.trns = b
	return nil
}

// streamPNG decodes p's pixels row by row into acc, which covers the full
// image size.
func streamPNG(ctx context.Context, p *pngInfo, acc *boxAcc) error {
	readers := make([]io.Reader, len(p.idat))
	for i, b := range p.idat {
		readers[i] = bytes.NewReader(b)
	}
	zr, err := zlib.NewReader(io.MultiReader(readers...))
	if err != nil {
		return errPNG
	}
	defer zr.Close()
	stride := p.rowBytes(p.width) + 1
	cur, prev := make([]byte, stride), make([]byte, stride)
	bpp := max(1, p.bitsPerPixel()/8)
	passes := []pngspec.Pass{{X0: 0, Y0: 0, DX: 1, DY: 1}}
	if p.interlaced {
		passes = pngspec.Adam7[:]
	}
	rows := 0
	for _, ps := range passes {
		pw, ph := pngspec.PassSize(ps, p.width, p.height)
		if pw <= 0 || ph <= 0 {
			continue
		}
		n := p.rowBytes(pw) + 1
		clear(prev[:n])
		for y := 0; y < ph; y++ {
			if rows++; rows&255 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			row := cur[:n]
			if _, err := io.ReadFull(zr, row); err != nil {
				return errPNG
			}
			if err := unfilter(row[0], row[1:], prev[1:n], bpp); err != nil {
				return err
			}
			p.emit(row[1:], pw, ps.Y0+y*ps.DY, ps.X0, ps.DX, acc)
			cur, prev = prev, cur
		}
	}
	// Like image/png: the stream must end here, checksum included.
	var one [1]byte
	if n, err := io.ReadFull(zr, one[:]); n != 0 || err != io.EOF {
		return errPNG
	}
	return nil
}

// unfilter reverses a row's filter in place (PNG spec, section 9).
func unfilter(f byte, cur, prev []byte, bpp int) error {
	switch f {
	case 0:
	case 1:
		for i := bpp; i < len(cur); i++ {
			cur[i] += cur[i-bpp]
		}
	case 2:
		for i := range cur {
			cur[i] += prev[i]
		}
	case 3:
		for i := 0; i < len(cur); i++ {
			var left int
			if i >= bpp {
				left = int(cur[i-bpp])
			}
			cur[i] += byte((left + int(prev[i])) / 2)
		}
	case 4:
		for i := 0; i < len(cur); i++ {
			var a, c int
			if i >= bpp {
				a, c = int(cur[i-bpp]), int(prev[i-bpp])
			}
			cur[i] += pngspec.Paeth(a, int(prev[i]), c)
		}
	default:
		return errPNG
	}
	return nil
}

// emit adds the w pixels of an unfiltered row to acc; pixel i sits at
// (x0+i*dx, y) in the full image.
func (p *pngInfo) emit(row []byte, w, y, x0, dx int, acc *boxAcc) {
	for i := 0; i < w; i++ {
		r, g, b, a := p.pixel(row, i)
		acc.add(x0+i*dx, y, r, g, b, a)
	}
}

// pixel returns pixel i of an unfiltered row as 8-bit RGBA, the way
// image/png reads it (16-bit samples keep their high byte; tRNS compares
// at full depth).
func (p *pngInfo) pixel(row []byte, i int) (r, g, b, a uint8) {
	a = 255
	switch p.colorType {
	case pngGray:
		if p.depth == 16 {
			v := row[2*i : 2*i+2]
			if p.trns != nil && v[0] == p.trns[0] && v[1] == p.trns[1] {
				a = 0
			}
			return v[0], v[0], v[0], a
		}
		s := sample(row, i, p.depth)
		v := s * 255 / (1<<p.depth - 1)
		if p.trns != nil && int(s) == int(p.trns[0])<<8|int(p.trns[1]) {
			a = 0
		}
		return uint8(v), uint8(v), uint8(v), a
	case pngPalette:
		s := sample(row, i, p.depth)
		if int(s) >= len(p.palette) {
			return 0, 0, 0, 255 // out of range: opaque black, like image/png
		}
		c := p.palette[s]
		return c[0], c[1], c[2], c[3]
	case pngRGB:
		if p.depth == 16 {
			v := row[6*i : 6*i+6]
			if p.trns != nil && bytes.Equal(v, p.trns) {
				a = 0
			}
			return v[0], v[2], v[4], a
		}
		v := row[3*i : 3*i+3]
		if p.trns != nil && v[0] == p.trns[1] && v[1] == p.trns[3] && v[2] == p.trns[5] {
			a = 0
		}
		return v[0], v[1], v[2], a
	case pngGrayAlpha:
		if p.depth == 16 {
			v := row[4*i : 4*i+4]
			return v[0], v[0], v[0], v[2]
		}
		v := row[2*i : 2*i+2]
		return v[0], v[0], v[0], v[1]
	default: // RGBA
		if p.depth == 16 {
			v := row[8*i : 8*i+8]
			return v[0], v[2], v[4], v[6]
		}
		v := row[4*i : 4*i+4]
		return v[0], v[1], v[2], v[3]
	}
}

// sample returns sample i of a row of depth-bit (≤ 8) samples.
func sample(row []byte, i, depth int) uint32 {
	if depth == 8 {
		return uint32(row[i])
	}
	bit := i * depth
	return uint32(row[bit/8]>>(8-depth-bit%8)) & (1<<depth - 1)
}
