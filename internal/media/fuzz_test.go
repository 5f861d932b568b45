package media

import (
	"context"
	"encoding/binary"
	"hash/crc32"
	"testing"
)

// The reduced decoders read uploads from anyone: they must refuse, never
// panic or run away, whatever the bytes.

func FuzzDecodeJPEGDC(f *testing.F) {
	f.Add(writeJPEG(f, jpegSpec{w: 40, h: 24, sampling: [][2]int{{2, 2}, {1, 1}, {1, 1}}, quant: 2, restart: 2, dc: flatDC}))
	f.Add(writeJPEG(f, jpegSpec{w: 33, h: 17, sampling: [][2]int{{1, 1}, {1, 1}, {1, 1}}, progressive: true, refine: true, acScans: true, quant: 3, dc: flatDC}))
	f.Add(writeJPEG(f, jpegSpec{w: 16, h: 16, sampling: [][2]int{{1, 1}}, progressive: true, separateDC: true, quant: 1, dc: flatDC}))
	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := parseJPEGInfo(data)
		if err != nil || !info.dcSupported() || int64(info.width)*int64(info.height) > 1<<22 {
			return
		}
		dw, dh := ceilDiv(info.width, 8), ceilDiv(info.height, 8)
		_ = decodeJPEGDC(context.Background(), data, newBoxAcc(dw, dh, min(dw, 64), min(dh, 64)))
	})
}

func FuzzStreamPNG(f *testing.F) {
	for _, s := range []pngSpec{
		{w: 9, h: 7, colorType: pngRGBA, depth: 16, interlaced: true},
		{w: 13, h: 5, colorType: pngGray, depth: 2, trns: []byte{0, 1}},
		{w: 8, h: 8, colorType: pngPalette, depth: 4, palette: []byte{1, 2, 3, 4, 5, 6}, trns: []byte{9}},
	} {
		info := pngInfo{depth: s.depth, colorType: s.colorType}
		s.pixel = func(x, y int) []int {
			v := make([]int, info.channels())
			for i := range v {
				v[i] = (x + y + i) % (1 << s.depth)
			}
			return v
		}
		f.Add(writePNG(f, s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := parsePNG(fixCRCs(data), true)
		if err != nil || int64(p.width)*int64(p.height) > 1<<22 {
			return
		}
		tw, th := thumbSize(p.width, p.height)
		_ = streamPNG(context.Background(), &p, newBoxAcc(p.width, p.height, tw, th))
	})
}

// fixCRCs rewrites the checksum of every chunk, so that mutations reach
// the decoder instead of stopping at the first CRC.
func fixCRCs(data []byte) []byte {
	data = append([]byte{}, data...)
	for pos := 8; pos+12 <= len(data); {
		n := int(binary.BigEndian.Uint32(data[pos:]))
		if n < 0 || pos+12+n > len(data) {
			break
		}
		binary.BigEndian.PutUint32(data[pos+8+n:], crc32.ChecksumIEEE(data[pos+4:pos+8+n]))
		pos += 12 + n
	}
	return data
}
