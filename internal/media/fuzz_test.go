package media

import (
	"context"
	"encoding/binary"
	"github.com/chatdesk/chatdesk/internal/media/mediatest"
	"hash/crc32"
	"testing"
)

// The reduced decoders read uploads from anyone: they must refuse, never
// panic or run away, whatever the bytes.

func FuzzDecodeJPEGDC(f *testing.F) {
	f.Add(mediatest.JPEG(f, mediatest.JPEGSpec{W: 40, H: 24, Sampling: [][2]int{{2, 2}, {1, 1}, {1, 1}}, Quant: 2, Restart: 2, DC: flatDC}))
	f.Add(mediatest.JPEG(f, mediatest.JPEGSpec{W: 33, H: 17, Sampling: [][2]int{{1, 1}, {1, 1}, {1, 1}}, Progressive: true, Refine: true, ACScans: true, Quant: 3, DC: flatDC}))
	f.Add(mediatest.JPEG(f, mediatest.JPEGSpec{W: 16, H: 16, Sampling: [][2]int{{1, 1}}, Progressive: true, SeparateDC: true, Quant: 1, DC: flatDC}))
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
	for _, s := range []mediatest.PNGSpec{
		{W: 9, H: 7, ColorType: pngRGBA, Depth: 16, Interlaced: true},
		{W: 13, H: 5, ColorType: pngGray, Depth: 2, TRNS: []byte{0, 1}},
		{W: 8, H: 8, ColorType: pngPalette, Depth: 4, Palette: []byte{1, 2, 3, 4, 5, 6}, TRNS: []byte{9}},
	} {
		s.Pixel = func(x, y int) []int {
			v := make([]int, mediatest.Channels(s.ColorType))
			for i := range v {
				v[i] = (x + y + i) % (1 << s.Depth)
			}
			return v
		}
		f.Add(mediatest.PNG(f, s))
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
