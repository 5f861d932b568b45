package media

import (
	"bytes"
	"context"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// TestStreamPNGOnPngSuite reads PngSuite and the broken files of Go's
// image/png tests (every colour type and depth, interlacing, transparency,
// odd sizes; bad CRCs, truncations, bad zlib, missing IEND): whatever
// image/png reads, the row-by-row decoder reads, to the same thumbnail,
// and what it refuses is refused.
func TestStreamPNGOnPngSuite(t *testing.T) {
	dir := filepath.Join(goImageTestdata(t), "png", "testdata")
	files, _ := filepath.Glob(filepath.Join(dir, "pngsuite", "*.png"))
	broken, _ := filepath.Glob(filepath.Join(dir, "*.png")) // invalid-*.png and others
	files = append(files, broken...)
	if len(files) == 0 {
		t.Skip("no Go source tree")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			std, stdErr := png.Decode(bytes.NewReader(data))
			full, err := parsePNG(data, true)
			if err == nil {
				acc := newBoxAcc(full.width, full.height, 7, 5)
				if err = streamPNG(context.Background(), &full, acc); err == nil && stdErr == nil {
					want := newBoxAcc(full.width, full.height, 7, 5)
					b := std.Bounds()
					for y := 0; y < b.Dy(); y++ {
						for x := 0; x < b.Dx(); x++ {
							c := color.NRGBAModel.Convert(std.At(b.Min.X+x, b.Min.Y+y)).(color.NRGBA)
							want.add(x, y, c.R, c.G, c.B, c.A)
						}
					}
					if d, at := maxDiff(acc.image(), want.image()); d > 0 {
						t.Fatalf("differs by %d (%s)", d, at)
					}
				}
			}
			if (err == nil) != (stdErr == nil) {
				t.Fatalf("row by row: %v; image/png: %v", err, stdErr)
			}
		})
	}
}
