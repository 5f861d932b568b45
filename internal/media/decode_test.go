package media

import (
	"bytes"
	"compress/zlib"
	"context"
	"fmt"
	"github.com/chatdesk/chatdesk/internal/media/mediatest"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
)

// meanBlocks averages an image over 8×8 blocks, in 8-bit RGB: what a DC
// coefficient stands for.
func meanBlocks(img image.Image) *image.RGBA {
	b := img.Bounds()
	dw, dh := ceilDiv(b.Dx(), 8), ceilDiv(b.Dy(), 8)
	out := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for by := 0; by < dh; by++ {
		for bx := 0; bx < dw; bx++ {
			var r, g, bl, n int
			for y := 8 * by; y < min(8*by+8, b.Dy()); y++ {
				for x := 8 * bx; x < min(8*bx+8, b.Dx()); x++ {
					c := color.RGBAModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.RGBA)
					r, g, bl, n = r+int(c.R), g+int(c.G), bl+int(c.B), n+1
				}
			}
			out.SetRGBA(bx, by, color.RGBA{uint8((r + n/2) / n), uint8((g + n/2) / n), uint8((bl + n/2) / n), 255})
		}
	}
	return out
}

func maxDiff(a, b *image.RGBA) (int, string) {
	if a.Bounds() != b.Bounds() {
		return 1 << 30, fmt.Sprintf("bounds %v vs %v", a.Bounds(), b.Bounds())
	}
	worst, at := 0, ""
	for i := range a.Pix {
		d := int(a.Pix[i]) - int(b.Pix[i])
		if d < 0 {
			d = -d
		}
		if d > worst {
			worst, at = d, fmt.Sprintf("pixel %d channel %d: %d vs %d", i/4, i%4, a.Pix[i], b.Pix[i])
		}
	}
	return worst, at
}

// gradient is smooth enough that no 8×8 block clips, so a block's mean is
// exactly what its DC coefficient says.
func gradient(w, h int, gray bool) image.Image {
	if gray {
		img := image.NewGray(image.Rect(0, 0, w, h))
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				img.SetGray(x, y, color.Gray{uint8(40 + 160*x/w + 20*y/h)})
			}
		}
		return img
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetRGBA(x, y, color.RGBA{uint8(50 + 150*x/w), uint8(60 + 120*y/h), uint8(180 - 100*(x+y)/(w+h)), 255})
		}
	}
	return img
}

func flatDC(comp, bx, by int) int { return (bx*7+by*13+comp*29)%120 - 60 }

// TestJPEGDCMatchesStandardDecoder: the 1/8 decode equals the block
// averages of image/jpeg's full decode, for baseline and progressive
// files, every sampling, restart intervals, refinement and AC scans.
func TestJPEGDCMatchesStandardDecoder(t *testing.T) {
	goJPEG := func(img image.Image) []byte {
		var b bytes.Buffer
		if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 95}); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	s444 := [][2]int{{1, 1}, {1, 1}, {1, 1}}
	s420 := [][2]int{{2, 2}, {1, 1}, {1, 1}}
	s422 := [][2]int{{2, 1}, {1, 1}, {1, 1}}
	tests := []struct {
		name string
		data []byte
		tol  int
	}{
		// Chroma at 1/8 of its own (subsampled) size averages 16×16
		// pixels where the full decode gives each 8×8 block its own.
		{"image/jpeg encoder, 4:2:0 with AC", goJPEG(gradient(256, 192, false)), 8},
		{"image/jpeg encoder, gray", goJPEG(gradient(200, 120, true)), 2},
		{"baseline gray, odd size", mediatest.JPEG(t, mediatest.JPEGSpec{W: 61, H: 35, Sampling: [][2]int{{1, 1}}, Quant: 4, DC: flatDC}), 1},
		{"baseline 4:4:4", mediatest.JPEG(t, mediatest.JPEGSpec{W: 64, H: 48, Sampling: s444, Quant: 3, DC: flatDC}), 2},
		{"baseline 4:2:0, restarts", mediatest.JPEG(t, mediatest.JPEGSpec{W: 90, H: 70, Sampling: s420, Quant: 2, Restart: 3, DC: flatDC}), 2},
		{"baseline 4:2:2", mediatest.JPEG(t, mediatest.JPEGSpec{W: 80, H: 40, Sampling: s422, Quant: 2, DC: flatDC}), 2},
		{"progressive 4:2:0", mediatest.JPEG(t, mediatest.JPEGSpec{W: 96, H: 64, Sampling: s420, Progressive: true, Quant: 2, DC: flatDC}), 2},
		{"progressive 4:4:4, refined, AC scans, restarts", mediatest.JPEG(t, mediatest.JPEGSpec{W: 77, H: 51, Sampling: s444, Progressive: true, Refine: true, ACScans: true, Restart: 5, Quant: 3, DC: flatDC}), 2},
		{"progressive 4:2:0, one DC scan per component", mediatest.JPEG(t, mediatest.JPEGSpec{W: 70, H: 50, Sampling: s420, Progressive: true, SeparateDC: true, ACScans: true, Quant: 2, DC: flatDC}), 2},
		{"progressive gray", mediatest.JPEG(t, mediatest.JPEGSpec{W: 40, H: 40, Sampling: [][2]int{{1, 1}}, Progressive: true, Refine: true, Quant: 5, DC: flatDC}), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			std, err := jpeg.Decode(bytes.NewReader(tt.data))
			if err != nil {
				t.Fatalf("image/jpeg refuses the test file: %v", err)
			}
			want := meanBlocks(std)
			dw, dh := want.Bounds().Dx(), want.Bounds().Dy()
			acc := newBoxAcc(dw, dh, dw, dh)
			if err := decodeJPEGDC(context.Background(), tt.data, acc); err != nil {
				t.Fatal(err)
			}
			if d, at := maxDiff(acc.image(), want); d > tt.tol {
				t.Fatalf("differs by %d (%s)", d, at)
			}
		})
	}
}

func TestJPEGDCRefusesDamage(t *testing.T) {
	good := mediatest.JPEG(t, mediatest.JPEGSpec{W: 64, H: 64, Sampling: [][2]int{{2, 2}, {1, 1}, {1, 1}}, Progressive: true, Restart: 2, Quant: 2, DC: flatDC})
	cut := func(n int) []byte { return good[:len(good)-n] }
	noEOI := cut(2)
	tests := map[string][]byte{
		"empty":             nil,
		"not a jpeg":        []byte("GIF89a"),
		"truncated data":    cut(40),
		"no end marker":     noEOI[:len(noEOI)-1],
		"only the header":   good[:200],
		"cmyk":              cmykJPEG(t),
		"twelve-bit sample": bytes.Replace(good, []byte{0xFF, 0xC2, 0x00, 0x11, 0x08}, []byte{0xFF, 0xC2, 0x00, 0x11, 0x0C}, 1),
	}
	for name, data := range tests {
		t.Run(name, func(t *testing.T) {
			if err := decodeJPEGDC(context.Background(), data, newBoxAcc(8, 8, 8, 8)); err == nil {
				t.Fatal("decoded")
			}
		})
	}
}

// cmykJPEG is a four-component (Adobe CMYK) JPEG, which image/jpeg reads
// and the 1/8 decoder leaves to it.
func cmykJPEG(t *testing.T) []byte {
	return mediatest.JPEG(t, mediatest.JPEGSpec{W: 16, H: 16, Sampling: [][2]int{{1, 1}, {1, 1}, {1, 1}, {1, 1}}, Adobe: true, Quant: 2, DC: flatDC})
}

// TestStreamPNGMatchesStandardDecoder: the row-by-row thumbnail equals the
// same box filter over image/png's full decode, for every colour type,
// depth, transparency and interlacing.
func TestStreamPNGMatchesStandardDecoder(t *testing.T) {
	const w, h = 37, 23
	palette := make([]byte, 0, 3*200)
	for i := 0; i < 200; i++ {
		palette = append(palette, byte(i), byte(255-i), byte(i*7))
	}
	type spec struct {
		colorType byte
		depth     int
		trns      []byte
		pal       []byte
	}
	specs := map[string]spec{
		"gray1":        {pngGray, 1, nil, nil},
		"gray2 tRNS":   {pngGray, 2, []byte{0, 2}, nil},
		"gray4":        {pngGray, 4, nil, nil},
		"gray8 tRNS":   {pngGray, 8, []byte{0, 77}, nil},
		"gray16":       {pngGray, 16, nil, nil},
		"gray16 tRNS":  {pngGray, 16, []byte{0x12, 0x34}, nil},
		"rgb8":         {pngRGB, 8, nil, nil},
		"rgb8 tRNS":    {pngRGB, 8, []byte{0, 10, 0, 20, 0, 30}, nil},
		"rgb16":        {pngRGB, 16, nil, nil},
		"rgb16 tRNS":   {pngRGB, 16, []byte{0x10, 0x20, 0x30, 0x40, 0x50, 0x60}, nil},
		"palette1":     {pngPalette, 1, nil, palette[:6]},
		"palette2":     {pngPalette, 2, []byte{0, 128}, palette[:12]},
		"palette4":     {pngPalette, 4, nil, palette[:48]},
		"palette8":     {pngPalette, 8, []byte{10, 20, 30}, palette},
		"gray+alpha8":  {pngGrayAlpha, 8, nil, nil},
		"gray+alpha16": {pngGrayAlpha, 16, nil, nil},
		"rgba8":        {pngRGBA, 8, nil, nil},
		"rgba16":       {pngRGBA, 16, nil, nil},
	}
	for name, sp := range specs {
		for _, interlaced := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s interlaced=%v", name, interlaced), func(t *testing.T) {
				info := pngInfo{depth: sp.depth, colorType: sp.colorType}
				n := info.channels()
				top := 1<<sp.depth - 1
				data := mediatest.PNG(t, mediatest.PNGSpec{W: w, H: h, ColorType: sp.colorType, Depth: sp.depth, Interlaced: interlaced, Palette: sp.pal, TRNS: sp.trns,
					Pixel: func(x, y int) []int {
						s := make([]int, n)
						for i := range s {
							s[i] = (x*(31+i*17) + y*(13+i*5) + i*x*y) % (top + 1)
						}
						if sp.colorType == pngPalette {
							s[0] = (x + 3*y) % (top + 1) // may point past the palette: opaque black
						}
						if sp.trns != nil && (x+y)%4 == 0 && sp.colorType != pngPalette {
							for i := range s {
								s[i] = (int(sp.trns[2*i])<<8 | int(sp.trns[2*i+1])) & top
							}
						}
						return s
					}})
				std, err := png.Decode(bytes.NewReader(data))
				if err != nil {
					t.Fatalf("image/png refuses the test file: %v", err)
				}
				want := newBoxAcc(w, h, 13, 9)
				for y := 0; y < h; y++ {
					for x := 0; x < w; x++ {
						c := color.NRGBAModel.Convert(std.At(x, y)).(color.NRGBA)
						want.add(x, y, c.R, c.G, c.B, c.A)
					}
				}
				full, err := parsePNG(data, true)
				if err != nil {
					t.Fatal(err)
				}
				got := newBoxAcc(w, h, 13, 9)
				if err := streamPNG(context.Background(), &full, got); err != nil {
					t.Fatal(err)
				}
				if d, at := maxDiff(got.image(), want.image()); d > 0 {
					t.Fatalf("differs by %d (%s)", d, at)
				}
			})
		}
	}
}

func TestStreamPNGRefusesDamage(t *testing.T) {
	good := mediatest.PNG(t, mediatest.PNGSpec{W: 50, H: 40, ColorType: pngRGB, Depth: 8, Pixel: func(x, y int) []int { return []int{x, y, x ^ y} }})
	flip := func(i int) []byte {
		b := append([]byte{}, good...)
		b[i] ^= 0x40
		return b
	}
	idat := bytes.Index(good, []byte("IDAT"))
	tests := map[string][]byte{
		"truncated":          good[:len(good)-30],
		"bad chunk checksum": flip(idat + 10),
		"no IEND":            good[:len(good)-12],
	}
	// A valid file whose first row has filter type 9.
	tests["bad filter type"] = writePNGRaw(t, 4, 2, append([]byte{9, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, make([]byte, 13)...))
	// A valid file with more pixel data than its size says.
	tests["too much pixel data"] = writePNGRaw(t, 4, 1, make([]byte, 3*13))
	for name, data := range tests {
		t.Run(name, func(t *testing.T) {
			full, err := parsePNG(data, true)
			if err == nil {
				err = streamPNG(context.Background(), &full, newBoxAcc(full.width, full.height, 4, 4))
			}
			if err == nil {
				t.Fatal("decoded")
			}
		})
	}
}

// writePNGRaw writes an 8-bit RGB PNG whose zlib stream is rows as given.
func writePNGRaw(t *testing.T, w, h int, rows []byte) []byte {
	data := mediatest.PNG(t, mediatest.PNGSpec{W: w, H: h, ColorType: pngRGB, Depth: 8, Pixel: func(x, y int) []int { return []int{0, 0, 0} }})
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(rows)
	zw.Close()
	var b bytes.Buffer
	b.WriteString(pngMagic)
	mediatest.Chunk(&b, "IHDR", data[16:29])
	mediatest.Chunk(&b, "IDAT", z.Bytes())
	mediatest.Chunk(&b, "IEND", nil)
	return b.Bytes()
}
