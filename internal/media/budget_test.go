package media

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"image/jpeg"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/media/mediatest"
)

// The images of issue #16: 6320×6320 (39.9 megapixels, under the 40 MP
// limit). image/jpeg needs ~600 MB for the progressive 4:4:4 one and image/png
// ~320 MB for the 16-bit one.
const hostileSide = 6320

func hostileJPEG(t testing.TB, sampling [][2]int) []byte {
	return mediatest.JPEG(t, mediatest.JPEGSpec{W: hostileSide, H: hostileSide, Sampling: sampling, Progressive: true, ACScans: true, Quant: 1,
		DC: func(c, bx, by int) int { return (bx/16 + by/16 + c) % 40 }})
}

// measure runs f and returns how many bytes it allocated and how much the
// heap grew (HeapSys: memory taken from the OS for the heap, what a node's
// RSS follows).
func measure(f func()) (alloc, heapSys uint64) {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	if after.HeapSys > before.HeapSys {
		heapSys = after.HeapSys - before.HeapSys
	}
	return after.TotalAlloc - before.TotalAlloc, heapSys
}

// TestDecodeMemoryIsBounded: whatever the image, one decode allocates no
// more than its estimate (≤ MaxDecodeBytes) and the heap grows by less
// than 64 MB. Before the fix, the hostile JPEG allocated ~600 MB and the
// 16-bit PNG ~320 MB.
func TestDecodeMemoryIsBounded(t *testing.T) {
	if raceDetector {
		t.Skip("measures decode memory: run without -race (make test-go does)")
	}
	if testing.Short() {
		t.Skip("builds 40-megapixel images")
	}
	s444 := [][2]int{{1, 1}, {1, 1}, {1, 1}}
	s420 := [][2]int{{2, 2}, {1, 1}, {1, 1}}
	var photo bytes.Buffer
	if err := jpeg.Encode(&photo, gradient(2400, 1600, false), &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	var anim bytes.Buffer
	big := image.NewPaletted(image.Rect(0, 0, 3400, 3400), palette.Plan9)
	for i := range big.Pix {
		big.Pix[i] = uint8(i / 3400 % 200)
	}
	if err := gif.Encode(&anim, big, nil); err != nil {
		t.Fatal(err)
	}
	big = nil
	tests := []struct {
		name        string
		data        []byte
		contentType string
		tw, th      int
	}{
		{"progressive JPEG 4:4:4, 6320×6320", hostileJPEG(t, s444), "image/jpeg", 320, 320},
		{"progressive JPEG 4:2:0, 6320×6320", hostileJPEG(t, s420), "image/jpeg", 320, 320},
		{"16-bit RGBA PNG, 6320×6320", mediatest.HugePNG(t, hostileSide, hostileSide), "image/png", 320, 320},
		{"baseline JPEG 2400×1600 (a photo)", photo.Bytes(), "image/jpeg", 320, 213},
		{"GIF 3400×3400 (the standard decoder at its limit)", anim.Bytes(), "image/gif", 320, 320},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, _ := codecs(tt.contentType)
			c, err := cfg(bytes.NewReader(tt.data))
			if err != nil {
				t.Fatal(err)
			}
			plans, err := plansFor(tt.data, tt.contentType, c.Width, c.Height)
			if err != nil {
				t.Fatal(err)
			}
			var got Image
			start := time.Now()
			alloc, heap := measure(func() { got, err = Inspect(tt.data, tt.contentType) })
			took := time.Since(start)
			if err != nil {
				t.Fatal(err)
			}
			th, _, err := image.DecodeConfig(bytes.NewReader(got.Thumbnail))
			if err != nil || th.Width != tt.tw || th.Height != tt.th {
				t.Fatalf("thumbnail %dx%d, %v; want %dx%d", th.Width, th.Height, err, tt.tw, tt.th)
			}
			t.Logf("%d KB file: estimate %.1f MB, allocated %.1f MB, heap grew %.1f MB, %v",
				len(tt.data)>>10, mb(plans[0].cost), mb(int64(alloc)), mb(int64(heap)), took.Round(time.Millisecond))
			if int64(alloc) > plans[0].cost || plans[0].cost > MaxDecodeBytes {
				t.Errorf("allocated %.1f MB, estimate %.1f MB, limit %.1f MB", mb(int64(alloc)), mb(plans[0].cost), mb(MaxDecodeBytes))
			}
			if heap > 64<<20 {
				t.Errorf("heap grew %.1f MB", mb(int64(heap)))
			}
		})
	}
}

func mb(n int64) float64 { return float64(n) / (1 << 20) }

// TestSmallImageNotQueuedBehindBigOne: while big decodes hold the large
// lane, a small image is decoded at once; a second big one waits its turn.
func TestSmallImageNotQueuedBehindBigOne(t *testing.T) {
	small := pngOf(t, 400, 300)
	hostile := hostileJPEG(t, [][2]int{{1, 1}, {1, 1}, {1, 1}})
	bigPlans, err := plansFor(hostile, "image/jpeg", hostileSide, hostileSide)
	if err != nil || bigPlans[0].cost <= SmallDecodeMax {
		t.Fatalf("the hostile JPEG must take the large lane: %v", err)
	}

	// A big decode in progress holds the whole large lane.
	if err := largeLane.acquire(context.Background(), largeLaneSize); err != nil {
		t.Fatal(err)
	}
	held := true
	defer func() {
		if held {
			largeLane.release(largeLaneSize)
		}
	}()
	waiting := make(chan error, 1)
	go func() {
		_, err := Inspect(hostile, "image/jpeg")
		waiting <- err
	}()
	start := time.Now()
	if _, err := Inspect(small, "image/png"); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("small image took %v behind a big one", d)
	}
	select {
	case err := <-waiting:
		t.Fatalf("a second big image did not wait for the lane: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	largeLane.release(largeLaneSize)
	held = false
	if err := <-waiting; err != nil {
		t.Fatalf("the waiting big image: %v", err)
	}

	// The same with real decodes: three hostile images at once, and a
	// small one in the middle of them.
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := Inspect(hostile, "image/jpeg"); err != nil {
				t.Error(err)
			}
		}()
	}
	time.Sleep(20 * time.Millisecond)
	start = time.Now()
	if _, err := Inspect(small, "image/png"); err != nil {
		t.Fatal(err)
	}
	alone := time.Since(start)
	wg.Wait()
	t.Logf("400×300 PNG while three 40-megapixel JPEGs decode: %v", alone.Round(time.Millisecond))
	if alone > 2*time.Second {
		t.Fatalf("small image took %v", alone)
	}
	if smallLane.inUse() != 0 || largeLane.inUse() != 0 {
		t.Fatalf("budget not given back: %d %d", smallLane.inUse(), largeLane.inUse())
	}
}

// TestDecodeDeadlines: a decode past decodeTimeout is abandoned and the
// image refused as too large to process; waiting past decodeWait for
// memory answers unavailable (nothing stored, the client retries).
func TestDecodeDeadlines(t *testing.T) {
	hostile := hostileJPEG(t, [][2]int{{2, 2}, {1, 1}, {1, 1}})
	big := mediatest.HugePNG(t, 2000, 2000)
	old := decodeTimeout
	decodeTimeout = time.Nanosecond
	for name, in := range map[string]struct {
		data []byte
		ct   string
	}{"1/8 JPEG": {hostile, "image/jpeg"}, "row-by-row PNG": {big, "image/png"}, "standard decoder": {pngOf(t, 300, 300), "image/png"}} {
		if _, err := Inspect(in.data, in.ct); !errors.Is(err, chat.ErrImageTooLarge) {
			t.Errorf("%s past its deadline: %v", name, err)
		}
	}
	decodeTimeout = old

	oldWait := decodeWait
	decodeWait = 50 * time.Millisecond
	defer func() { decodeWait = oldWait }()
	if err := largeLane.acquire(context.Background(), largeLaneSize); err != nil {
		t.Fatal(err)
	}
	_, err := Inspect(hostile, "image/jpeg")
	largeLane.release(largeLaneSize)
	if !errors.Is(err, chat.ErrUnavailable) {
		t.Fatalf("waiting for memory too long: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := InspectContext(ctx, hostile, "image/jpeg"); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled upload: %v", err)
	}
	if largeLane.inUse() != 0 {
		t.Fatal("budget not given back")
	}
}

// TestImagesOverBudgetAreRefused: images no decode can read within
// MaxDecodeBytes are refused before decoding (413 too_large).
func TestImagesOverBudgetAreRefused(t *testing.T) {
	var g bytes.Buffer
	if err := gif.Encode(&g, image.NewPaletted(image.Rect(0, 0, 4000, 4000), color.Palette{color.Black, color.White}), nil); err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		data []byte
		ct   string
	}{
		"16-megapixel GIF (32 MB for image/gif)": {g.Bytes(), "image/gif"},
		"lossless WebP of 16 megapixels":         {webpLossless(4000, 4000), "image/webp"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			cfg, _ := codecs(tt.ct)
			if c, err := cfg(bytes.NewReader(tt.data)); err != nil || c.Width != 4000 {
				t.Fatalf("header: %+v %v", c, err)
			}
			alloc, _ := measure(func() {
				if _, err := Inspect(tt.data, tt.ct); !errors.Is(err, chat.ErrImageTooLarge) {
					t.Errorf("err = %v", err)
				}
			})
			if alloc > 1<<20 {
				t.Errorf("refusal allocated %.1f MB", mb(int64(alloc)))
			}
		})
	}
}

// webpLossless is the header of a lossless WebP of w×h: enough for the
// size and the estimate, refused before its pixels are read.
func webpLossless(w, h int) []byte {
	bits := uint32(w-1) | uint32(h-1)<<14 | 1<<28 // alpha used, version 0
	vp8l := []byte{0x2f, byte(bits), byte(bits >> 8), byte(bits >> 16), byte(bits >> 24), 0, 0, 0}
	data := []byte("RIFF\x00\x00\x00\x00WEBPVP8L")
	n := len(vp8l)
	data = append(data, byte(n), byte(n>>8), 0, 0)
	data = append(data, vp8l...)
	size := len(data) - 8
	data[4], data[5] = byte(size), byte(size>>8)
	return data
}

func TestLaneOrderAndCancel(t *testing.T) {
	l := newLane(10)
	ctx := context.Background()
	if err := l.acquire(ctx, 8); err != nil {
		t.Fatal(err)
	}
	// A big waiter first, then a small one: the small one waits its turn
	// (in one lane, order is kept so the big one is not starved).
	big, small := make(chan struct{}), make(chan struct{})
	go func() { _ = l.acquire(ctx, 6); close(big) }()
	time.Sleep(20 * time.Millisecond)
	go func() { _ = l.acquire(ctx, 2); close(small) }()
	time.Sleep(20 * time.Millisecond)
	select {
	case <-small:
		t.Fatal("small waiter overtook the big one")
	default:
	}
	l.release(8)
	<-big
	<-small
	if l.inUse() != 8 {
		t.Fatalf("in use %d, want 8", l.inUse())
	}
	cctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if err := l.acquire(cctx, 5); err == nil {
		t.Fatal("acquired past the lane's size")
	}
	l.release(6)
	l.release(2)
	if l.inUse() != 0 {
		t.Fatalf("in use %d", l.inUse())
	}
}
