package media

import (
	"bytes"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"

	"golang.org/x/image/draw"
	"golang.org/x/image/webp"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// ThumbnailMax is the longest side of a thumbnail, in pixels.
const ThumbnailMax = 320

// Image is what Inspect learned about an image.
type Image struct {
	Width, Height int
	// Thumbnail is nil when the image is already small enough to be its
	// own thumbnail.
	Thumbnail            []byte
	ThumbnailContentType string
}

// decodeSlots bounds how many images a node decodes at once: a 40-megapixel
// image takes 160 MB while it is scaled.
var decodeSlots = make(chan struct{}, 1)

// Inspect reads an image's size and makes its thumbnail. It refuses images
// that do not decode and images above chat.MaxImagePixels before decoding
// them.
func Inspect(data []byte, contentType string) (Image, error) {
	decodeConfig, decode := codecs(contentType)
	if decode == nil {
		return Image{}, chat.ErrUnsupportedType
	}
	cfg, err := decodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return Image{}, chat.ErrBrokenImage
	}
	if int64(cfg.Width)*int64(cfg.Height) > chat.MaxImagePixels {
		return Image{}, chat.ErrBrokenImage
	}
	out := Image{Width: cfg.Width, Height: cfg.Height}
	decodeSlots <- struct{}{}
	defer func() { <-decodeSlots }()
	src, err := decode(bytes.NewReader(data))
	if err != nil {
		return Image{}, chat.ErrBrokenImage
	}
	if cfg.Width <= ThumbnailMax && cfg.Height <= ThumbnailMax {
		return out, nil
	}
	w, h := fit(cfg.Width, cfg.Height, ThumbnailMax)
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Over, nil)
	var buf bytes.Buffer
	if contentType == "image/jpeg" {
		err = jpeg.Encode(&buf, dst, &jpeg.Options{Quality: 80})
		out.ThumbnailContentType = "image/jpeg"
	} else {
		// PNG keeps the transparency GIF, PNG and WebP may have.
		err = png.Encode(&buf, dst)
		out.ThumbnailContentType = "image/png"
	}
	if err != nil {
		return Image{}, err
	}
	out.Thumbnail = buf.Bytes()
	return out, nil
}

type configFunc func(r *bytes.Reader) (image.Config, error)
type decodeFunc func(r *bytes.Reader) (image.Image, error)

func codecs(contentType string) (configFunc, decodeFunc) {
	switch contentType {
	case "image/jpeg":
		return func(r *bytes.Reader) (image.Config, error) { return jpeg.DecodeConfig(r) },
			func(r *bytes.Reader) (image.Image, error) { return jpeg.Decode(r) }
	case "image/png":
		return func(r *bytes.Reader) (image.Config, error) { return png.DecodeConfig(r) },
			func(r *bytes.Reader) (image.Image, error) { return png.Decode(r) }
	case "image/gif":
		// The first frame stands for an animation.
		return func(r *bytes.Reader) (image.Config, error) { return gif.DecodeConfig(r) },
			func(r *bytes.Reader) (image.Image, error) { return gif.Decode(r) }
	case "image/webp":
		return func(r *bytes.Reader) (image.Config, error) { return webp.DecodeConfig(r) },
			func(r *bytes.Reader) (image.Image, error) { return webp.Decode(r) }
	}
	return nil, nil
}

// fit scales w×h to fit a limit×limit box, keeping the aspect ratio and at
// least one pixel per side.
func fit(w, h, limit int) (int, int) {
	if w >= h {
		return limit, max(1, h*limit/w)
	}
	return max(1, w*limit/h), limit
}
