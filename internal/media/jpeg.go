package media

import (
	"context"
	"errors"
	"image/color"
)

// A JPEG is decoded two ways. Small ones go through image/jpeg, which holds
// every pixel (and, for a progressive file, 256 bytes of coefficients per
// 8×8 block of every component: a 40-megapixel progressive 4:4:4 JPEG of
// 228 KB costs it 600 MB). Large ones are read here at one eighth of their
// size: the DC coefficient of each block is the block's average, so a
// thumbnail needs nothing else. Sequential scans are entropy-decoded to
// reach each DC value (AC coefficients are read and dropped); progressive
// AC scans are skipped without decoding. Memory is one int32 per block.

var (
	errJPEG            = errors.New("media: malformed JPEG")
	errJPEGUnsupported = errors.New("media: JPEG variant not supported")
)

// jpegComp is one colour component of a frame.
type jpegComp struct {
	id     byte
	h, v   int // sampling factors
	tq     byte
	td, ta byte // Huffman tables of the current scan
}

// jpegInfo is what a JPEG's header says, up to its frame header (SOF).
type jpegInfo struct {
	width, height int
	progressive   bool
	comps         []jpegComp
	jfif          bool
	adobe         bool
	adobeXform    byte
}

// rgb reports whether three components are RGB rather than YCbCr, by
// image/jpeg's rule (JFIF means YCbCr; Adobe transform 0 means RGB; else
// component ids 'R','G','B').
func (j *jpegInfo) rgb() bool {
	if len(j.comps) != 3 || j.jfif {
		return false
	}
	if j.adobe {
		return j.adobeXform == 0
	}
	return j.comps[0].id == 'R' && j.comps[1].id == 'G' && j.comps[2].id == 'B'
}

// maxSampling returns the largest h and v of the frame.
func (j *jpegInfo) maxSampling() (int, int) {
	hmax, vmax := 1, 1
	for _, c := range j.comps {
		hmax, vmax = max(hmax, c.h), max(vmax, c.v)
	}
	return hmax, vmax
}

// mcus returns the MCU grid of an interleaved scan.
func (j *jpegInfo) mcus() (int, int) {
	hmax, vmax := j.maxSampling()
	return ceilDiv(j.width, 8*hmax), ceilDiv(j.height, 8*vmax)
}

// stdCost estimates what image/jpeg allocates to decode j: the component
// planes, padded to whole MCUs; for progressive files the coefficients of
// every block; the RGBA/CMYK copy made for RGB and four-component files.
func (j *jpegInfo) stdCost() int64 {
	mx, my := int64(0), int64(0)
	if len(j.comps) == 1 {
		mx, my = int64(ceilDiv(j.width, 8)), int64(ceilDiv(j.height, 8))
	} else {
		x, y := j.mcus()
		mx, my = int64(x), int64(y)
	}
	var blocks int64
	for _, c := range j.comps {
		h, v := int64(c.h), int64(c.v)
		if len(j.comps) == 1 {
			h, v = 1, 1
		}
		blocks += mx * h * my * v
	}
	cost := 64 * blocks // one byte per sample
	if j.progressive {
		cost += 256 * blocks // a [64]int32 per block
	}
	if len(j.comps) == 4 || j.rgb() {
		cost += 4 * int64(j.width) * int64(j.height)
	}
	return cost + decodeOverhead
}

// dcCost estimates what decodeJPEGDC allocates: one int32 per block of the
// padded grid, plus the thumbnail accumulator.
func (j *jpegInfo) dcCost() int64 {
	mx, my := j.mcus()
	var blocks int64
	for _, c := range j.comps {
		blocks += int64(mx*c.h) * int64(my*c.v)
	}
	return 4*blocks + boxCost(thumbSize(j.width, j.height)) + decodeOverhead
}

// dcSupported reports whether decodeJPEGDC can read j: grayscale or three
// components (four-component CMYK files are left to image/jpeg).
func (j *jpegInfo) dcSupported() bool { return len(j.comps) == 1 || len(j.comps) == 3 }

// jpegReader walks the marker segments of a JPEG held in memory.
type jpegReader struct {
	data []byte
	pos  int
}

// marker returns the next marker, skipping fill bytes and, like libjpeg
// and image/jpeg, stray bytes before it.
func (r *jpegReader) marker() (byte, error) {
	for {
		for r.pos < len(r.data) && r.data[r.pos] != 0xFF {
			r.pos++
		}
		for r.pos < len(r.data) && r.data[r.pos] == 0xFF {
			r.pos++
		}
		if r.pos >= len(r.data) {
			return 0, errJPEG
		}
		m := r.data[r.pos]
		r.pos++
		if m != 0 {
			return m, nil
		}
	}
}

// segment returns the payload of a marker segment (after its length).
func (r *jpegReader) segment() ([]byte, error) {
	if r.pos+2 > len(r.data) {
		return nil, errJPEG
	}
	n := int(r.data[r.pos])<<8 | int(r.data[r.pos+1])
	if n < 2 || r.pos+n > len(r.data) {
		return nil, errJPEG
	}
	p := r.data[r.pos+2 : r.pos+n]
	r.pos += n
	return p, nil
}

// readSOF fills j from a frame header payload.
func (j *jpegInfo) readSOF(marker byte, p []byte) error {
	if j.comps != nil {
		return errJPEG
	}
	if len(p) < 6 {
		return errJPEG
	}
	if p[0] != 8 {
		return errJPEGUnsupported
	}
	j.height = int(p[1])<<8 | int(p[2])
	j.width = int(p[3])<<8 | int(p[4])
	n := int(p[5])
	if j.width == 0 || j.height == 0 {
		return errJPEGUnsupported // height in a DNL marker: not supported
	}
	if n < 1 || n > 4 || len(p) != 6+3*n {
		return errJPEG
	}
	j.progressive = marker == 0xC2
	for i := 0; i < n; i++ {
		c := jpegComp{id: p[6+3*i], h: int(p[7+3*i] >> 4), v: int(p[7+3*i] & 15), tq: p[8+3*i]}
		if c.h < 1 || c.h > 4 || c.v < 1 || c.v > 4 || c.tq > 3 {
			return errJPEG
		}
		for _, o := range j.comps {
			if o.id == c.id {
				return errJPEG
			}
		}
		if n == 1 {
			// A single component is non-interleaved: one block per MCU.
			c.h, c.v = 1, 1
		}
		j.comps = append(j.comps, c)
	}
	return nil
}

// readApp notes the JFIF and Adobe markers that decide the colour model.
func (j *jpegInfo) readApp(marker byte, p []byte) {
	switch {
	case marker == 0xE0 && len(p) >= 5 && string(p[:5]) == "JFIF\x00":
		j.jfif = true
	case marker == 0xEE && len(p) >= 12 && string(p[:5]) == "Adobe":
		j.adobe, j.adobeXform = true, p[11]
	}
}

// sofMarker classifies frame markers: supported (baseline, extended
// sequential, progressive Huffman) or another SOF image/jpeg cannot read.
func sofMarker(m byte) (isSOF, supported bool) {
	switch m {
	case 0xC0, 0xC1, 0xC2:
		return true, true
	case 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF:
		return true, false
	}
	return false, false
}

// parseJPEGInfo reads a JPEG's markers up to and including its frame
// header, without touching entropy-coded data.
func parseJPEGInfo(data []byte) (jpegInfo, error) {
	var j jpegInfo
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return j, errJPEG
	}
	r := &jpegReader{data: data, pos: 2}
	for {
		m, err := r.marker()
		if err != nil {
			return j, err
		}
		if m == 0xD9 || m == 0xDA {
			return j, errJPEG // image data before any frame header
		}
		if m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7) {
			continue
		}
		p, err := r.segment()
		if err != nil {
			return j, err
		}
		if sof, ok := sofMarker(m); sof {
			if !ok {
				return j, errJPEGUnsupported
			}
			return j, j.readSOF(m, p)
		}
		j.readApp(m, p)
	}
}

// huffTable decodes one Huffman table (JPEG spec F.2.2.3), with a 9-bit
// look-up table for the common short codes.
type huffTable struct {
	lut     [1 << 9]uint16 // length<<8 | value; 0 when the code is longer
	maxcode [17]int32
	valptr  [17]int32
	mincode [17]int32
	vals    []byte
}

func (h *huffTable) build(counts []byte, vals []byte) error {
	*h = huffTable{vals: vals}
	code, k := int32(0), int32(0)
	for l := 1; l <= 16; l++ {
		n := int32(counts[l-1])
		h.valptr[l], h.mincode[l] = k, code
		code += n
		k += n
		h.maxcode[l] = code - 1
		if n == 0 {
			h.maxcode[l] = -1
		}
		if code > 1<<l {
			return errJPEG // more codes than the length allows
		}
		if l <= 9 {
			for c := h.mincode[l]; c < code; c++ {
				v := vals[h.valptr[l]+c-h.mincode[l]]
				base := int(c) << (9 - l)
				for s := 0; s < 1<<(9-l); s++ {
					h.lut[base|s] = uint16(l)<<8 | uint16(v)
				}
			}
		}
		code <<= 1
	}
	return nil
}

// jpegBits reads entropy-coded data: 0xFF00 stands for 0xFF, and any other
// marker ends the data. Like image/jpeg, it refuses to invent bits past
// the end of a segment.
type jpegBits struct {
	data     []byte
	pos      int
	acc      uint64
	n        uint // valid bits at the bottom of acc
	atMarker bool
}

func (b *jpegBits) fill() {
	for b.n <= 56 && !b.atMarker {
		if b.pos >= len(b.data) {
			b.atMarker = true
			return
		}
		c := b.data[b.pos]
		if c == 0xFF {
			if b.pos+1 < len(b.data) && b.data[b.pos+1] == 0 {
				b.pos += 2
			} else {
				b.atMarker = true
				return
			}
		} else {
			b.pos++
		}
		b.acc = b.acc<<8 | uint64(c)
		b.n += 8
	}
}

func (b *jpegBits) decode(h *huffTable) (byte, error) {
	if b.n < 16 {
		b.fill()
	}
	if b.n >= 9 {
		if e := h.lut[(b.acc>>(b.n-9))&0x1FF]; e != 0 {
			b.n -= uint(e >> 8)
			return byte(e), nil
		}
	}
	code := int32(0)
	for l := uint(1); l <= 16; l++ {
		if l > b.n {
			return 0, errJPEG
		}
		code = code<<1 | int32((b.acc>>(b.n-l))&1)
		if code <= h.maxcode[l] {
			b.n -= l
			return h.vals[h.valptr[l]+code-h.mincode[l]], nil
		}
	}
	return 0, errJPEG
}

// receive reads s (≤ 16) raw bits.
func (b *jpegBits) receive(s uint) (int32, error) {
	if s == 0 {
		return 0, nil
	}
	if b.n < s {
		b.fill()
		if b.n < s {
			return 0, errJPEG
		}
	}
	v := int32((b.acc >> (b.n - s)) & (1<<s - 1))
	b.n -= s
	return v, nil
}

// extend turns s received bits into a signed difference (spec F.2.2.1).
func extend(v int32, s uint) int32 {
	if s > 0 && v < 1<<(s-1) {
		v += -1<<s + 1
	}
	return v
}

// restart discards the bits of the last interval and steps over the RSTn
// marker that must follow it.
func (b *jpegBits) restart() error {
	b.acc, b.n, b.atMarker = 0, 0, false
	for b.pos < len(b.data) && b.data[b.pos] == 0xFF && b.pos+1 < len(b.data) && b.data[b.pos+1] == 0xFF {
		b.pos++
	}
	if b.pos+1 >= len(b.data) || b.data[b.pos] != 0xFF || b.data[b.pos+1] < 0xD0 || b.data[b.pos+1] > 0xD7 {
		return errJPEG
	}
	b.pos += 2
	return nil
}

// skipEntropy returns the offset of the first marker at or after pos that
// ends entropy-coded data (not a stuffed 0xFF00, a fill byte or an RSTn).
func skipEntropy(data []byte, pos int) (int, error) {
	for i := pos; i+1 < len(data); i++ {
		if data[i] != 0xFF {
			continue
		}
		m := data[i+1]
		if m == 0 || m == 0xFF || (m >= 0xD0 && m <= 0xD7) {
			continue
		}
		return i, nil
	}
	return 0, errJPEG
}

// dcDecoder holds the state of one decodeJPEGDC call.
type dcDecoder struct {
	jpegInfo
	ctx     context.Context
	data    []byte
	quant   [4]int32 // DC quantiser of each table
	haveQ   [4]bool
	dcTab   [4]huffTable
	acTab   [4]huffTable
	haveDC  [4]bool
	haveAC  [4]bool
	restart int
	mcux    int
	mcuy    int
	grid    [][]int32 // per component, DC coefficient of each block
	stride  []int     // blocks per grid row, per component
	scans   int
}

// decodeJPEGDC reads a JPEG at one eighth of its size (one pixel per 8×8
// block of the largest component) into acc, which must be sized for
// ceil(width/8)×ceil(height/8) pixels.
func decodeJPEGDC(ctx context.Context, data []byte, acc *boxAcc) error {
	d := &dcDecoder{ctx: ctx, data: data}
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return errJPEG
	}
	r := &jpegReader{data: data, pos: 2}
	for {
		m, err := r.marker()
		if err != nil {
			return err
		}
		if m == 0xD9 {
			break
		}
		if m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7) {
			continue
		}
		p, err := r.segment()
		if err != nil {
			return err
		}
		if sof, ok := sofMarker(m); sof {
			if !ok {
				return errJPEGUnsupported
			}
			if err := d.readSOF(m, p); err != nil {
				return err
			}
			if !d.dcSupported() {
				return errJPEGUnsupported
			}
			d.allocate()
			continue
		}
		switch m {
		case 0xC4:
			err = d.readDHT(p)
		case 0xDB:
			err = d.readDQT(p)
		case 0xDD:
			if len(p) != 2 {
				return errJPEG
			}
			d.restart = int(p[0])<<8 | int(p[1])
		case 0xDC:
			return errJPEGUnsupported // DNL
		case 0xDA:
			if r.pos, err = d.scan(p, r.pos); err != nil {
				return err
			}
		default:
			d.readApp(m, p)
		}
		if err != nil {
			return err
		}
	}
	if d.scans == 0 {
		return errJPEG
	}
	return d.render(acc)
}

func (d *dcDecoder) allocate() {
	d.mcux, d.mcuy = d.mcus()
	d.grid = make([][]int32, len(d.comps))
	d.stride = make([]int, len(d.comps))
	for i, c := range d.comps {
		d.stride[i] = d.mcux * c.h
		d.grid[i] = make([]int32, d.stride[i]*d.mcuy*c.v)
	}
}

func (d *dcDecoder) readDQT(p []byte) error {
	for len(p) > 0 {
		pq, tq := p[0]>>4, p[0]&15
		if tq > 3 || pq > 1 {
			return errJPEG
		}
		size := 1 + 64*(1+int(pq))
		if len(p) < size {
			return errJPEG
		}
		// The DC quantiser is the first value, in zigzag order as well.
		q := int32(p[1])
		if pq == 1 {
			q = int32(p[1])<<8 | int32(p[2])
		}
		d.quant[tq], d.haveQ[tq] = q, true
		p = p[size:]
	}
	return nil
}

func (d *dcDecoder) readDHT(p []byte) error {
	for len(p) > 0 {
		if len(p) < 17 {
			return errJPEG
		}
		tc, th := p[0]>>4, p[0]&15
		if tc > 1 || th > 3 {
			return errJPEG
		}
		total := 0
		for _, c := range p[1:17] {
			total += int(c)
		}
		if total == 0 || total > 256 || len(p) < 17+total {
			return errJPEG
		}
		counts, vals := p[1:17], p[17:17+total]
		var err error
		if tc == 0 {
			err = d.dcTab[th].build(counts, vals)
			d.haveDC[th] = err == nil
		} else {
			err = d.acTab[th].build(counts, vals)
			d.haveAC[th] = err == nil
		}
		if err != nil {
			return err
		}
		p = p[17+total:]
	}
	return nil
}

// scan decodes the scan whose header is p and whose data starts at pos;
// it returns the offset of the marker that follows the data.
func (d *dcDecoder) scan(p []byte, pos int) (int, error) {
	if d.grid == nil || len(p) < 1 {
		return 0, errJPEG
	}
	ns := int(p[0])
	if ns < 1 || ns > len(d.comps) || len(p) != 4+2*ns {
		return 0, errJPEG
	}
	idx := make([]int, ns)
	for i := 0; i < ns; i++ {
		k := -1
		for ci, c := range d.comps {
			if c.id == p[1+2*i] {
				k = ci
			}
		}
		if k < 0 {
			return 0, errJPEG
		}
		for _, o := range idx[:i] {
			if o == k {
				return 0, errJPEG
			}
		}
		idx[i] = k
		d.comps[k].td, d.comps[k].ta = p[2+2*i]>>4, p[2+2*i]&15
		if d.comps[k].td > 3 || d.comps[k].ta > 3 {
			return 0, errJPEG
		}
	}
	ss, se, ah, al := p[1+2*ns], p[2+2*ns], p[3+2*ns]>>4, p[3+2*ns]&15
	if d.progressive && ss > 0 {
		// An AC scan refines detail a thumbnail does not need.
		d.scans++
		return skipEntropy(d.data, pos)
	}
	if d.progressive && (se != 0 || al > 13) || !d.progressive && (ss != 0 || se != 63 || ah != 0 || al != 0) {
		return 0, errJPEG
	}
	refine := d.progressive && ah != 0
	for _, k := range idx {
		c := d.comps[k]
		if !refine && !d.haveDC[c.td] || !d.progressive && !d.haveAC[c.ta] || !d.haveQ[c.tq] {
			return 0, errJPEG
		}
	}
	// Units of the scan: MCUs of an interleaved scan, else the blocks of
	// the one component that the image actually covers.
	ux, uy := d.mcux, d.mcuy
	if ns == 1 {
		hmax, vmax := d.maxSampling()
		c := d.comps[idx[0]]
		ux = ceilDiv(ceilDiv(d.width*c.h, hmax), 8)
		uy = ceilDiv(ceilDiv(d.height*c.v, vmax), 8)
	}
	b := &jpegBits{data: d.data, pos: pos}
	var pred [4]int32
	for u, n := 0, ux*uy; u < n; u++ {
		if d.restart > 0 && u > 0 && u%d.restart == 0 {
			if err := b.restart(); err != nil {
				return 0, err
			}
			pred = [4]int32{}
		}
		if u&1023 == 0 && d.ctx.Err() != nil {
			return 0, d.ctx.Err()
		}
		mx, my := u%ux, u/ux
		for si, k := range idx {
			c := &d.comps[k]
			if ns == 1 {
				if err := d.block(b, k, c, &pred[si], mx, my, refine, al); err != nil {
					return 0, err
				}
				continue
			}
			for v := 0; v < c.v; v++ {
				for h := 0; h < c.h; h++ {
					if err := d.block(b, k, c, &pred[si], mx*c.h+h, my*c.v+v, refine, al); err != nil {
						return 0, err
					}
				}
			}
		}
	}
	d.scans++
	return skipEntropy(d.data, b.pos)
}

// block decodes the DC coefficient of block (bx, by) of component k and,
// in a sequential scan, reads past its AC coefficients.
func (d *dcDecoder) block(b *jpegBits, k int, c *jpegComp, pred *int32, bx, by int, refine bool, al byte) error {
	cell := &d.grid[k][by*d.stride[k]+bx]
	if refine {
		bit, err := b.receive(1)
		if err != nil {
			return err
		}
		if bit != 0 {
			*cell |= 1 << al
		}
		return nil
	}
	t, err := b.decode(&d.dcTab[c.td])
	if err != nil {
		return err
	}
	if t > 15 {
		return errJPEG
	}
	v, err := b.receive(uint(t))
	if err != nil {
		return err
	}
	*pred += extend(v, uint(t))
	*cell = *pred << al
	if d.progressive {
		return nil
	}
	for k := 1; k < 64; k++ {
		rs, err := b.decode(&d.acTab[c.ta])
		if err != nil {
			return err
		}
		r, s := int(rs>>4), uint(rs&15)
		if s == 0 {
			if r != 15 {
				return nil // end of block
			}
			k += 15
			continue
		}
		k += r
		if _, err := b.receive(s); err != nil {
			return err
		}
	}
	return nil
}

// render writes one pixel per block of the largest component into acc.
func (d *dcDecoder) render(acc *boxAcc) error {
	hmax, vmax := d.maxSampling()
	w, h := ceilDiv(d.width, 8), ceilDiv(d.height, 8)
	rgb := d.rgb()
	for y := 0; y < h; y++ {
		if y&255 == 0 && d.ctx.Err() != nil {
			return d.ctx.Err()
		}
		for x := 0; x < w; x++ {
			var s [3]uint8
			for i, c := range d.comps {
				bx, by := x*c.h/hmax, y*c.v/vmax
				v := d.grid[i][by*d.stride[i]+bx] * d.quant[c.tq]
				s[i] = clamp8((v+4)>>3 + 128)
			}
			switch {
			case len(d.comps) == 1:
				acc.add(x, y, s[0], s[0], s[0], 255)
			case rgb:
				acc.add(x, y, s[0], s[1], s[2], 255)
			default:
				r, g, bl := color.YCbCrToRGB(s[0], s[1], s[2])
				acc.add(x, y, r, g, bl, 255)
			}
		}
	}
	return nil
}

func clamp8(v int32) uint8 {
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return uint8(v)
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }
