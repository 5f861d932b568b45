// Package mediatest writes the image files chatdesk's decoders must handle,
// including the hostile ones of issue #16, for tests: the standard library
// encodes baseline JPEGs only and never interlaces PNGs or writes every
// depth. Nothing here is used outside tests.
package mediatest

import (
	"github.com/chatdesk/chatdesk/internal/media/pngspec"

	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"testing"
)

// JPEGSpec describes a JPEG for JPEG. Blocks are flat: each 8×8 block
// holds only a DC coefficient, given by DC (already quantised, in the
// component's block grid).
type JPEGSpec struct {
	W, H        int
	Sampling    [][2]int // h, v per component (1 or 3 components)
	Progressive bool
	Refine      bool // progressive: DC in two scans (Al=1, then a refinement)
	SeparateDC  bool // progressive: one DC scan per component (non-interleaved)
	ACScans     bool // progressive: AC scans (all EOB runs) after the DC scans
	Restart     int  // restart interval in MCUs (0: none)
	Adobe       bool // Adobe APP14 (transform 0) instead of JFIF: CMYK for 4 components
	Quant       byte // DC quantiser
	DC          func(comp, bx, by int) int
}

// Annex K luminance DC table: categories 0–11.
var (
	dcCounts = []byte{0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0}
	dcVals   = []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}
)

type huffCode struct {
	code uint32
	n    uint
}

func canonical(counts, vals []byte) map[byte]huffCode {
	out := map[byte]huffCode{}
	code, k := uint32(0), 0
	for l := 1; l <= 16; l++ {
		for i := 0; i < int(counts[l-1]); i++ {
			out[vals[k]] = huffCode{code, uint(l)}
			code++
			k++
		}
		code <<= 1
	}
	return out
}

type bitWriter struct {
	buf bytes.Buffer
	acc uint64
	n   uint
}

func (w *bitWriter) write(v uint32, n uint) {
	w.acc = w.acc<<n | uint64(v)&(1<<n-1)
	w.n += n
	for w.n >= 8 {
		b := byte(w.acc >> (w.n - 8))
		w.buf.WriteByte(b)
		if b == 0xFF {
			w.buf.WriteByte(0)
		}
		w.n -= 8
	}
}

// flush pads the last byte with ones, as encoders do before a marker.
func (w *bitWriter) flush() {
	if w.n > 0 {
		w.write(1<<(8-w.n)-1, 8-w.n)
	}
}

func category(v int) uint {
	if v < 0 {
		v = -v
	}
	n := uint(0)
	for v > 0 {
		n++
		v >>= 1
	}
	return n
}

func writeDiff(w *bitWriter, table map[byte]huffCode, v int) {
	s := category(v)
	c := table[byte(s)]
	w.write(c.code, c.n)
	if s > 0 {
		if v < 0 {
			v += 1<<s - 1
		}
		w.write(uint32(v), s)
	}
}

func segment(b *bytes.Buffer, marker byte, payload []byte) {
	b.Write([]byte{0xFF, marker, byte((len(payload) + 2) >> 8), byte(len(payload) + 2)})
	b.Write(payload)
}

func JPEG(t testing.TB, s JPEGSpec) []byte {
	t.Helper()
	var b bytes.Buffer
	b.Write([]byte{0xFF, 0xD8})
	if s.Adobe {
		segment(&b, 0xEE, []byte("Adobe\x00\x64\x00\x00\x00\x00\x00"))
	} else {
		segment(&b, 0xE0, []byte("JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"))
	}
	q := make([]byte, 65)
	for i := range q[1:] {
		q[1+i] = 1
	}
	q[1] = s.Quant
	segment(&b, 0xDB, q)
	nc := len(s.Sampling)
	sof := []byte{8, byte(s.H >> 8), byte(s.H), byte(s.W >> 8), byte(s.W), byte(nc)}
	hmax, vmax := 1, 1
	for i, sv := range s.Sampling {
		sof = append(sof, byte(i+1), byte(sv[0]<<4|sv[1]), 0)
		hmax, vmax = max(hmax, sv[0]), max(vmax, sv[1])
	}
	marker := byte(0xC0)
	if s.Progressive {
		marker = 0xC2
	}
	segment(&b, marker, sof)
	dht := append([]byte{0x00}, dcCounts...)
	dht = append(dht, dcVals...)
	// AC table 0: EOB runs EOB0..EOB14 (progressive) and EOB itself
	// (sequential), all 4-bit codes.
	acVals := []byte{}
	for r := 0; r <= 14; r++ {
		acVals = append(acVals, byte(r<<4))
	}
	acCounts := make([]byte, 16)
	acCounts[3] = byte(len(acVals))
	dht = append(dht, 0x10)
	dht = append(dht, acCounts...)
	dht = append(dht, acVals...)
	segment(&b, 0xC4, dht)
	if s.Restart > 0 {
		segment(&b, 0xDD, []byte{byte(s.Restart >> 8), byte(s.Restart)})
	}
	dcTable, acTable := canonical(dcCounts, dcVals), canonical(acCounts, acVals)
	if nc == 1 {
		s.Sampling = [][2]int{{1, 1}}
		hmax, vmax = 1, 1
	}
	mcux, mcuy := pngspec.CeilDiv(s.W, 8*hmax), pngspec.CeilDiv(s.H, 8*vmax)

	// scan writes one scan over comps; unit(c, bx, by) encodes one block.
	scan := func(comps []int, ss, se, ah, al byte, unit func(w *bitWriter, c, bx, by int, pred *int)) {
		hdr := []byte{byte(len(comps))}
		for _, c := range comps {
			hdr = append(hdr, byte(c+1), 0x00)
		}
		hdr = append(hdr, ss, se, ah<<4|al)
		segment(&b, 0xDA, hdr)
		w := &bitWriter{}
		ux, uy := mcux, mcuy
		if len(comps) == 1 {
			c := s.Sampling[comps[0]]
			ux = pngspec.CeilDiv(pngspec.CeilDiv(s.W*c[0], hmax), 8)
			uy = pngspec.CeilDiv(pngspec.CeilDiv(s.H*c[1], vmax), 8)
		}
		preds := make([]int, len(comps))
		rst := 0
		for u := 0; u < ux*uy; u++ {
			if s.Restart > 0 && u > 0 && u%s.Restart == 0 {
				w.flush()
				w.buf.Write([]byte{0xFF, byte(0xD0 + rst%8)})
				rst++
				clear(preds)
			}
			mx, my := u%ux, u/ux
			for i, c := range comps {
				if len(comps) == 1 {
					unit(w, c, mx, my, &preds[i])
					continue
				}
				sv := s.Sampling[c]
				for v := 0; v < sv[1]; v++ {
					for h := 0; h < sv[0]; h++ {
						unit(w, c, mx*sv[0]+h, my*sv[1]+v, &preds[i])
					}
				}
			}
		}
		w.flush()
		b.Write(w.buf.Bytes())
	}
	all := make([]int, nc)
	for i := range all {
		all[i] = i
	}
	switch {
	case !s.Progressive:
		scan(all, 0, 63, 0, 0, func(w *bitWriter, c, bx, by int, pred *int) {
			v := s.DC(c, bx, by)
			writeDiff(w, dcTable, v-*pred)
			*pred = v
			eob := acTable[0x00]
			w.write(eob.code, eob.n)
		})
	default:
		al := byte(0)
		if s.Refine {
			al = 1
		}
		first := func(w *bitWriter, c, bx, by int, pred *int) {
			v := s.DC(c, bx, by) >> al
			writeDiff(w, dcTable, v-*pred)
			*pred = v
		}
		if s.SeparateDC {
			for _, c := range all {
				scan([]int{c}, 0, 0, 0, al, first)
			}
		} else {
			scan(all, 0, 0, 0, al, first)
		}
		if s.Refine {
			scan(all, 0, 0, 1, 0, func(w *bitWriter, c, bx, by int, _ *int) {
				w.write(uint32(s.DC(c, bx, by)&1), 1)
			})
		}
		if s.ACScans {
			if s.Restart > 0 {
				// EOB runs stop at restarts; simpler to switch them off.
				segment(&b, 0xDD, []byte{0, 0})
			}
			for _, c := range all {
				sv := s.Sampling[c]
				blocks := pngspec.CeilDiv(pngspec.CeilDiv(s.W*sv[0], hmax), 8) * pngspec.CeilDiv(pngspec.CeilDiv(s.H*sv[1], vmax), 8)
				hdr := []byte{1, byte(c + 1), 0x00, 1, 63, 0}
				segment(&b, 0xDA, hdr)
				w := &bitWriter{}
				for blocks > 0 {
					run := min(blocks, 1<<15-1)
					r := category(run) - 1
					code := acTable[byte(r<<4)]
					w.write(code.code, code.n)
					w.write(uint32(run-1<<r), r)
					blocks -= run
				}
				w.flush()
				b.Write(w.buf.Bytes())
			}
		}
	}
	b.Write([]byte{0xFF, 0xD9})
	return b.Bytes()
}

// PNGSpec describes a PNG for PNG; Pixel returns the samples of a pixel
// at the image's depth (1 sample for gray and palette, 2, 3 or 4).
type PNGSpec struct {
	W, H       int
	ColorType  byte
	Depth      int
	Interlaced bool
	Palette    []byte // PLTE payload
	TRNS       []byte
	Pixel      func(x, y int) []int
}

// Chunk writes one PNG chunk with its length and CRC.
func Chunk(b *bytes.Buffer, typ string, data []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(data)))
	b.Write(n[:])
	crc := crc32.NewIEEE()
	crc.Write([]byte(typ))
	crc.Write(data)
	b.WriteString(typ)
	b.Write(data)
	binary.BigEndian.PutUint32(n[:], crc.Sum32())
	b.Write(n[:])
}

// PNG writes every row with a different filter (y mod 5), so the
// decoders meet all five.
func PNG(t testing.TB, s PNGSpec) []byte {
	t.Helper()
	bits := s.Depth * Channels(s.ColorType)
	bpp := max(1, bits/8)
	var raw bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&raw, zlib.BestSpeed)
	passes := []pngspec.Pass{{X0: 0, Y0: 0, DX: 1, DY: 1}}
	if s.Interlaced {
		passes = pngspec.Adam7[:]
	}
	for _, ps := range passes {
		pw, ph := pngspec.PassSize(ps, s.W, s.H)
		if pw <= 0 || ph <= 0 {
			continue
		}
		n := (pw*bits + 7) / 8
		prev := make([]byte, n)
		for y := 0; y < ph; y++ {
			cur := make([]byte, n)
			bit := 0
			for x := 0; x < pw; x++ {
				for _, v := range s.Pixel(ps.X0+x*ps.DX, ps.Y0+y*ps.DY) {
					switch {
					case s.Depth == 16:
						cur[bit/8], cur[bit/8+1] = byte(v>>8), byte(v)
					case s.Depth == 8:
						cur[bit/8] = byte(v)
					default:
						cur[bit/8] |= byte(v << (8 - s.Depth - bit%8))
					}
					bit += s.Depth
				}
			}
			f := byte(y % 5)
			out := make([]byte, n)
			for i := range cur {
				var a, c int
				if i >= bpp {
					a, c = int(cur[i-bpp]), int(prev[i-bpp])
				}
				up := int(prev[i])
				switch f {
				case 0:
					out[i] = cur[i]
				case 1:
					out[i] = cur[i] - byte(a)
				case 2:
					out[i] = cur[i] - byte(up)
				case 3:
					out[i] = cur[i] - byte((a+up)/2)
				case 4:
					out[i] = cur[i] - pngspec.Paeth(a, up, c)
				}
			}
			zw.Write([]byte{f})
			zw.Write(out)
			prev = cur
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	b.WriteString(pngMagic)
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(s.W))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(s.H))
	ihdr[8], ihdr[9] = byte(s.Depth), s.ColorType
	if s.Interlaced {
		ihdr[12] = 1
	}
	Chunk(&b, "IHDR", ihdr)
	if s.Palette != nil {
		Chunk(&b, "PLTE", s.Palette)
	}
	if s.TRNS != nil {
		Chunk(&b, "tRNS", s.TRNS)
	}
	// Split the pixel data over several IDAT chunks, as encoders do.
	data := raw.Bytes()
	for len(data) > 0 {
		n := min(len(data), 8192)
		Chunk(&b, "IDAT", data[:n])
		data = data[n:]
	}
	Chunk(&b, "IEND", nil)
	return b.Bytes()
}

// HugePNG is a w×h 16-bit RGBA PNG (8 bytes per pixel once decoded),
// written a row at a time so the test itself never holds the image.
func HugePNG(t testing.TB, w, h int) []byte {
	t.Helper()
	var raw bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&raw, zlib.BestSpeed)
	row := make([]byte, 1+8*w)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x += 97 {
			row[1+8*x] = byte(y) // a little detail for the thumbnail
			row[1+8*x+6] = 0xFF
		}
		zw.Write(row)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	b.WriteString(pngMagic)
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 16, RGBA
	Chunk(&b, "IHDR", ihdr)
	Chunk(&b, "IDAT", raw.Bytes())
	Chunk(&b, "IEND", nil)
	return b.Bytes()
}

const pngMagic = "\x89PNG\r\n\x1a\n"

// PNG colour types.
const (
	Gray      = 0
	RGB       = 2
	Palette   = 3
	GrayAlpha = 4
	RGBA      = 6
)

// Channels is the number of samples per pixel of a PNG colour type.
func Channels(colorType byte) int {
	switch colorType {
	case RGB:
		return 3
	case GrayAlpha:
		return 2
	case RGBA:
		return 4
	}
	return 1
}
