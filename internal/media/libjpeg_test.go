package media

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestJPEGDCOnLibjpegFiles reads the JPEGs of Go's own image tests, made by
// libjpeg (every chroma sampling, progressive, restart markers, RGB, gray,
// separate DC scans): whatever image/jpeg reads, the 1/8 decoder reads too
// (CMYK excepted: left to image/jpeg), and agrees with the block averages.
func TestJPEGDCOnLibjpegFiles(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(goImageTestdata(t), "testdata", "*.jpeg"))
	if len(files) == 0 {
		t.Skip("no Go source tree")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			std, stdErr := jpeg.Decode(bytes.NewReader(data))
			info, _ := parseJPEGInfo(data)
			dw, dh := ceilDiv(info.width, 8), ceilDiv(info.height, 8)
			acc := newBoxAcc(dw, dh, dw, dh)
			err = decodeJPEGDC(context.Background(), data, acc)
			switch {
			case stdErr != nil:
				if err == nil {
					t.Logf("image/jpeg refuses (%v), the 1/8 decoder reads it", stdErr)
				}
				return
			case strings.Contains(f, "cmyk"):
				if !errors.Is(err, errJPEGUnsupported) {
					t.Fatalf("CMYK: %v", err)
				}
				return
			case err != nil:
				t.Fatalf("image/jpeg reads it, the 1/8 decoder does not: %v", err)
			}
			got, want := acc.image(), dcReference(std, &info)
			var sum, n int
			for i := range got.Pix {
				if i%4 == 3 {
					continue
				}
				d := int(got.Pix[i]) - int(want.Pix[i])
				sum, n = sum+max(d, -d), n+1
			}
			worst, at := maxDiff(got, want)
			t.Logf("mean difference %.2f, worst %d (%s)", float64(sum)/float64(n), worst, at)
			// Block means of clipped pixels are not quite the DC values.
			if float64(sum)/float64(n) > 1.5 {
				t.Fatalf("1/8 image differs from the block averages by %.2f on average", float64(sum)/float64(n))
			}
		})
	}
}

// dcReference is what the DC coefficients of a decoded JPEG stand for:
// for each 8×8 block of the largest component, the mean of each component
// over its own block (a chroma block of 4:2:0 covers 16×16 pixels), in RGB.
// image/jpeg returns YCbCr planes, gray, or RGB already upsampled to full
// size (nearest neighbour, so the mean over the block's area is the same).
func dcReference(img image.Image, info *jpegInfo) *image.RGBA {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	hmax, vmax := info.maxSampling()
	dw, dh := ceilDiv(w, 8), ceilDiv(h, 8)
	// mean of sample(x, y) over the area of the block of component c that
	// covers luma block (bx, by), in full-size pixels.
	mean := func(c, bx, by int, sample func(x, y int) int) uint8 {
		sw, sh := 8*hmax/info.comps[c].h, 8*vmax/info.comps[c].v
		x0, y0 := bx*info.comps[c].h/hmax*sw, by*info.comps[c].v/vmax*sh
		var sum, n int
		for y := y0; y < min(y0+sh, h); y++ {
			for x := x0; x < min(x0+sw, w); x++ {
				sum, n = sum+sample(x, y), n+1
			}
		}
		return uint8((sum + n/2) / n)
	}
	out := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for by := 0; by < dh; by++ {
		for bx := 0; bx < dw; bx++ {
			var c color.RGBA
			switch m := img.(type) {
			case *image.YCbCr:
				y := mean(0, bx, by, func(x, y int) int { return int(m.Y[m.YOffset(x, y)]) })
				cb := mean(1, bx, by, func(x, y int) int { return int(m.Cb[m.COffset(x, y)]) })
				cr := mean(2, bx, by, func(x, y int) int { return int(m.Cr[m.COffset(x, y)]) })
				r, g, bl := color.YCbCrToRGB(y, cb, cr)
				c = color.RGBA{r, g, bl, 255}
			case *image.Gray:
				v := mean(0, bx, by, func(x, y int) int { return int(m.Pix[m.PixOffset(x, y)]) })
				c = color.RGBA{v, v, v, 255}
			case *image.RGBA:
				ch := func(i int) uint8 {
					return mean(i, bx, by, func(x, y int) int { return int(m.Pix[m.PixOffset(x, y)+i]) })
				}
				c = color.RGBA{ch(0), ch(1), ch(2), 255}
			}
			out.SetRGBA(bx, by, c)
		}
	}
	return out
}

// goImageTestdata is the image package of the Go source tree, whose test
// files (libjpeg's JPEGs, PngSuite) the decoders are checked against.
func goImageTestdata(t *testing.T) string {
	t.Helper()
	root, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Skip("no go command")
	}
	return filepath.Join(strings.TrimSpace(string(root)), "src", "image")
}
