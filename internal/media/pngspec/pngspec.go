// Package pngspec holds the two pieces of the PNG specification that both
// the streaming decoder (internal/media) and the test-image encoder
// (internal/media/mediatest) need: the Paeth predictor and the Adam7
// interlace passes.
package pngspec

// Pass is where one Adam7 pass takes its pixels: from (X0, Y0), every DX
// columns and DY rows.
type Pass struct{ X0, Y0, DX, DY int }

// Adam7 are the seven passes of an interlaced image, in order.
var Adam7 = [7]Pass{
	{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2},
}

// PassSize is the width and height of pass p of a w×h image.
func PassSize(p Pass, w, h int) (int, int) { return CeilDiv(w-p.X0, p.DX), CeilDiv(h-p.Y0, p.DY) }

// Paeth predicts a byte from its left (a), upper (b) and upper-left (c)
// neighbours (PNG specification, filter type 4).
func Paeth(a, b, c int) byte {
	p := a + b - c
	pa, pb, pc := abs(p-a), abs(p-b), abs(p-c)
	if pa <= pb && pa <= pc {
		return byte(a)
	}
	if pb <= pc {
		return byte(b)
	}
	return byte(c)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// CeilDiv is a/b rounded up.
func CeilDiv(a, b int) int { return (a + b - 1) / b }
