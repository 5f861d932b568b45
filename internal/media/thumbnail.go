package media

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"time"

	"golang.org/x/image/draw"
	"golang.org/x/image/webp"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// ThumbnailMax is the longest side of a thumbnail, in pixels.
const ThumbnailMax = 320

// decodeOverhead is added to every estimate: decoder state, Huffman and
// zlib tables, the thumbnail and its encoding.
const decodeOverhead = 1 << 20

// Deadlines of one image. Waiting longer than decodeWait for decoding
// memory answers "busy, retry" (nothing is stored, the client resends with
// the same clientId); a decode running longer than decodeTimeout is
// abandoned and the image refused.
var (
	decodeWait    = 20 * time.Second
	decodeTimeout = 10 * time.Second
)

// Image is what Inspect learned about an image.
type Image struct {
	Width, Height int
	// Thumbnail is nil when the image is already small enough to be its
	// own thumbnail.
	Thumbnail            []byte
	ThumbnailContentType string
}

// Inspect is InspectContext without a caller's context.
func Inspect(data []byte, contentType string) (Image, error) {
	return InspectContext(context.Background(), data, contentType)
}

// InspectContext reads an image's size and makes its thumbnail, in bounded
// memory and time. It refuses images that do not decode
// (chat.ErrBrokenImage) and images whose size or decoding cost is too high
// (chat.ErrImageTooLarge), both before decoding any pixel; it answers
// chat.ErrUnavailable when the node's decoding memory stays taken too long.
func InspectContext(ctx context.Context, data []byte, contentType string) (Image, error) {
	decodeConfig, _ := codecs(contentType)
	if decodeConfig == nil {
		return Image{}, chat.ErrUnsupportedType
	}
	cfg, err := decodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return Image{}, chat.ErrBrokenImage
	}
	if int64(cfg.Width)*int64(cfg.Height) > chat.MaxImagePixels {
		return Image{}, chat.ErrImageTooLarge
	}
	plans, err := plansFor(data, contentType, cfg.Width, cfg.Height)
	if err != nil {
		return Image{}, err
	}
	out := Image{Width: cfg.Width, Height: cfg.Height}
	for _, p := range plans {
		var thumb *image.RGBA
		var src image.Image
		err = withBudget(ctx, p.cost, func(ctx context.Context) error {
			var err error
			thumb, src, err = p.run(ctx)
			if err == nil && thumb == nil && src != nil && needsThumbnail(cfg.Width, cfg.Height) {
				thumb = scale(src)
			}
			return err
		})
		if err == nil {
			if thumb == nil {
				return out, nil // small enough to be its own thumbnail
			}
			out.Thumbnail, out.ThumbnailContentType, err = encodeThumbnail(thumb, contentType)
			return out, err
		}
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) || chat.ErrorCode(err) == chat.EUNAVAILABLE {
			break // out of time: no second attempt
		}
	}
	switch {
	case chat.ErrorCode(err) == chat.EUNAVAILABLE:
		return Image{}, err
	case ctx.Err() != nil:
		return Image{}, ctx.Err()
	case errors.Is(err, context.DeadlineExceeded):
		return Image{}, chat.ErrImageTooLarge
	}
	return Image{}, chat.ErrBrokenImage
}

// withBudget runs f while holding cost bytes of decoding memory, under the
// decode deadline.
func withBudget(ctx context.Context, cost int64, f func(context.Context) error) error {
	l := laneFor(cost)
	wctx, cancel := context.WithTimeout(ctx, decodeWait)
	err := l.acquire(wctx, cost)
	cancel()
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return chat.ErrUnavailable
	}
	defer l.release(cost)
	dctx, cancel := context.WithTimeout(ctx, decodeTimeout)
	defer cancel()
	if err := f(dctx); err != nil {
		if dctx.Err() != nil {
			return dctx.Err()
		}
		return err
	}
	return nil
}

// plan is one way of decoding an image, with what it may allocate. run
// returns the thumbnail, or the decoded image for the caller to scale.
type plan struct {
	cost int64
	run  func(ctx context.Context) (thumb *image.RGBA, src image.Image, err error)
}

// plansFor lists the affordable ways of decoding data, cheapest first: a
// reduced decode (JPEG at 1/8, PNG row by row) when it yields the full
// thumbnail or when the full decode is over budget, then the standard
// decoder as a fallback while it fits MaxDecodeBytes. No affordable way:
// chat.ErrImageTooLarge.
func plansFor(data []byte, contentType string, w, h int) ([]plan, error) {
	var plans []plan
	std := func(cost int64) {
		if cost <= MaxDecodeBytes {
			_, decode := codecs(contentType)
			plans = append(plans, plan{cost, func(ctx context.Context) (*image.RGBA, image.Image, error) {
				src, err := decode(&deadlineReader{ctx: ctx, r: bytes.NewReader(data)})
				return nil, src, err
			}})
		}
	}
	switch contentType {
	case "image/jpeg":
		info, err := parseJPEGInfo(data)
		if err != nil {
			return nil, chat.ErrBrokenImage
		}
		if info.width != w || info.height != h {
			return nil, chat.ErrBrokenImage
		}
		dw, dh := ceilDiv(w, 8), ceilDiv(h, 8)
		tw, th := thumbSize(w, h)
		covers := dw >= tw && dh >= th
		if info.dcSupported() && (covers || info.stdCost() > MaxDecodeBytes) && info.dcCost() <= MaxDecodeBytes {
			plans = append(plans, plan{info.dcCost(), func(ctx context.Context) (*image.RGBA, image.Image, error) {
				acc := newBoxAcc(dw, dh, min(tw, dw), min(th, dh))
				if err := decodeJPEGDC(ctx, data, acc); err != nil {
					return nil, nil, err
				}
				return acc.image(), nil, nil
			}})
		}
		std(info.stdCost())
	case "image/png":
		info, err := parsePNG(data, false)
		if err != nil {
			return nil, chat.ErrBrokenImage
		}
		if needsThumbnail(w, h) && info.streamCost() <= MaxDecodeBytes {
			plans = append(plans, plan{info.streamCost(), func(ctx context.Context) (*image.RGBA, image.Image, error) {
				full, err := parsePNG(data, true)
				if err != nil {
					return nil, nil, err
				}
				tw, th := thumbSize(w, h)
				acc := newBoxAcc(w, h, tw, th)
				if err := streamPNG(ctx, &full, acc); err != nil {
					return nil, nil, err
				}
				return acc.image(), nil, nil
			}})
		}
		std(info.stdCost())
	case "image/gif":
		// The first frame (within the logical screen), twice when
		// interlaced: image/gif de-interlaces into a copy.
		std(2*int64(w)*int64(h) + decodeOverhead)
	case "image/webp":
		std(webpCost(data, w, h))
	}
	if len(plans) == 0 {
		return nil, chat.ErrImageTooLarge
	}
	return plans, nil
}

// needsThumbnail reports whether an image is larger than a thumbnail.
func needsThumbnail(w, h int) bool { return w > ThumbnailMax || h > ThumbnailMax }

func thumbSize(w, h int) (int, int) { return fit(w, h, ThumbnailMax) }

// scale makes the thumbnail of a decoded image.
func scale(src image.Image) *image.RGBA {
	b := src.Bounds()
	w, h := thumbSize(b.Dx(), b.Dy())
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), src, b, draw.Over, nil)
	return dst
}

func encodeThumbnail(img *image.RGBA, contentType string) ([]byte, string, error) {
	var buf bytes.Buffer
	if contentType == "image/jpeg" {
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}); err != nil {
			return nil, "", err
		}
		return buf.Bytes(), "image/jpeg", nil
	}
	// PNG keeps the transparency GIF, PNG and WebP may have.
	if err := png.Encode(&buf, img); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), "image/png", nil
}

// deadlineReader makes a standard decoder stop at its next read once ctx
// is done: image/jpeg and image/png read their input in small chunks.
type deadlineReader struct {
	ctx context.Context
	r   io.Reader
}

func (d *deadlineReader) Read(p []byte) (int, error) {
	if err := d.ctx.Err(); err != nil {
		return 0, err
	}
	return d.r.Read(p)
}

type configFunc func(r io.Reader) (image.Config, error)
type decodeFunc func(r io.Reader) (image.Image, error)

func codecs(contentType string) (configFunc, decodeFunc) {
	switch contentType {
	case "image/jpeg":
		return jpeg.DecodeConfig, jpeg.Decode
	case "image/png":
		return png.DecodeConfig, png.Decode
	case "image/gif":
		// The first frame stands for an animation.
		return gif.DecodeConfig, gif.Decode
	case "image/webp":
		return webp.DecodeConfig, webp.Decode
	}
	return nil, nil
}

// fit scales w×h to fit a limit×limit box, keeping the aspect ratio and at
// least one pixel per side.
func fit(w, h, limit int) (int, int) {
	if w >= h {
		return limit, max(1, int(int64(h)*int64(limit)/int64(w)))
	}
	return max(1, int(int64(w)*int64(limit)/int64(h))), limit
}

// boxAcc is a box filter from a sw×sh image to a tw×th thumbnail, fed one
// pixel at a time: each thumbnail pixel averages (with alpha weighting)
// the source pixels that fall in it. Sums are of 8-bit premultiplied
// values: a cell covers at most 40M/320 pixels (the thumbnail's long side
// is 320), so 255 times that fits in 32 bits.
type boxAcc struct {
	sw, sh, tw, th int
	sum            []uint32 // per cell: r·a, g·a, b·a (each /255), a
	n              []uint32
}

// boxCost is what newBoxAcc allocates for a thumbnail of tw×th, with the
// RGBA image made from it.
func boxCost(tw, th int) int64 { return int64(tw) * int64(th) * (4*4 + 4 + 4) }

func newBoxAcc(sw, sh, tw, th int) *boxAcc {
	return &boxAcc{sw: sw, sh: sh, tw: tw, th: th, sum: make([]uint32, 4*tw*th), n: make([]uint32, tw*th)}
}

func (b *boxAcc) add(x, y int, r, g, bl, a uint8) {
	if x < 0 || y < 0 || x >= b.sw || y >= b.sh {
		return
	}
	cx := int(int64(x) * int64(b.tw) / int64(b.sw))
	cy := int(int64(y) * int64(b.th) / int64(b.sh))
	i := cy*b.tw + cx
	s := b.sum[4*i : 4*i+4 : 4*i+4]
	if a == 255 {
		s[0] += uint32(r)
		s[1] += uint32(g)
		s[2] += uint32(bl)
	} else {
		s[0] += (uint32(r)*uint32(a) + 127) / 255
		s[1] += (uint32(g)*uint32(a) + 127) / 255
		s[2] += (uint32(bl)*uint32(a) + 127) / 255
	}
	s[3] += uint32(a)
	b.n[i]++
}

// image returns the thumbnail, premultiplied as image.RGBA wants.
func (b *boxAcc) image() *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, b.tw, b.th))
	for i, n := range b.n {
		if n == 0 {
			continue
		}
		s := b.sum[4*i : 4*i+4]
		d := img.Pix[4*i : 4*i+4 : 4*i+4]
		for c := range 4 {
			d[c] = uint8((s[c] + n/2) / n)
		}
	}
	return img
}

// webpCost estimates what x/image/webp allocates: lossy frames are YCbCr
// 4:2:0 over whole macroblocks; lossless frames (and losslessly compressed
// alpha) decode into 4 bytes per pixel plus a transform's copy, plus their
// Huffman tables, which a small file can make large (up to 2600 groups of
// trees; bounded here by the compressed size).
func webpCost(data []byte, w, h int) int64 {
	px := int64(w) * int64(h)
	cost := int64(decodeOverhead)
	lossless := func(n int) int64 { return 8*px + min(150<<20, 8<<20+300*int64(n)) }
	for pos := 12; pos+8 <= len(data); {
		n := int(uint32(data[pos+4]) | uint32(data[pos+5])<<8 | uint32(data[pos+6])<<16 | uint32(data[pos+7])<<24)
		if n < 0 || n > len(data) {
			break
		}
		switch string(data[pos : pos+4]) {
		case "VP8 ":
			mw, mh := int64(ceilDiv(w, 16)*16), int64(ceilDiv(h, 16)*16)
			cost += mw*mh*3/2 + int64(n)
		case "VP8L":
			cost += lossless(n)
		case "ALPH":
			cost += px
			if pos+8 < len(data) && data[pos+8]&3 == 1 {
				cost += lossless(n)
			}
		}
		pos += 8 + n + n&1
	}
	return cost
}
