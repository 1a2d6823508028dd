package invite

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"runtime"
	"sync"

	"codeberg.org/go-fonts/liberation/liberationsansbold"
	"codeberg.org/go-fonts/liberation/liberationsansregular"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// PNGDPI is the resolution of the PNG pages: an A4 page is 1654 × 2339 pixels, sharp enough to
// print and small enough to send (about 250 KB a page).
const PNGDPI = 200

// px converts millimetres to pixels of a PNG page.
func px(mm float64) float64 { return mm * PNGDPI / 25.4 }

// fonts are Liberation Sans regular and bold, parsed once.
var fonts = sync.OnceValues(func() ([2]*opentype.Font, error) {
	reg, err := opentype.Parse(liberationsansregular.TTF)
	if err != nil {
		return [2]*opentype.Font{}, fmt.Errorf("invite: parse Liberation Sans: %w", err)
	}
	bold, err := opentype.Parse(liberationsansbold.TTF)
	if err != nil {
		return [2]*opentype.Font{}, fmt.Errorf("invite: parse Liberation Sans Bold: %w", err)
	}
	return [2]*opentype.Font{reg, bold}, nil
})

// PNG renders the sheet as one greyscale PNG picture per A4 page, PerPage cards a page, at
// PNGDPI. A single picture of a whole province would be too large to open on a phone, so each
// page is its own picture.
func (s Sheet) PNG() ([][]byte, error) {
	cards, err := prepare(s.Cards, 0)
	if err != nil {
		return nil, err
	}
	fs, err := fonts()
	if err != nil {
		return nil, err
	}
	c := &pngCanvas{faces: map[style]font.Face{}, pages: make([][]byte, Pages(len(cards))), errs: make([]error, Pages(len(cards)))}
	c.sem = make(chan struct{}, runtime.GOMAXPROCS(0))
	defer c.close()
	for _, st := range styles() {
		key := style{size: st.size, bold: st.bold}
		if _, ok := c.faces[key]; ok {
			continue
		}
		f, err := opentype.NewFace(fs[boolIndex(st.bold)], &opentype.FaceOptions{Size: st.size, DPI: PNGDPI, Hinting: font.HintingNone})
		if err != nil {
			return nil, fmt.Errorf("invite: font face: %w", err)
		}
		c.faces[key] = f
	}
	layout(c, s, cards)
	c.flush()
	c.wg.Wait()
	if err := errors.Join(c.errs...); err != nil {
		return nil, err
	}
	return c.pages, nil
}

// pngCanvas draws pages as pictures. Drawing is done on one page at a time; a finished page is
// turned grey and encoded in the background while the next one is drawn.
type pngCanvas struct {
	faces map[style]font.Face // by size and weight
	img   *image.RGBA         // the page being drawn
	page  int                 // its number, from 1
	done  bool                // it has gone to be encoded
	pages [][]byte
	errs  []error
	sem   chan struct{} // bounds the pages being encoded at once
	wg    sync.WaitGroup
}

func (c *pngCanvas) addPage() {
	c.flush()
	if c.img == nil {
		c.img = image.NewRGBA(image.Rect(0, 0, int(math.Round(px(pageW))), int(math.Round(px(pageH)))))
	}
	draw.Draw(c.img, c.img.Bounds(), image.White, image.Point{}, draw.Src)
	c.page, c.done = c.page+1, false
}

// flush encodes the page drawn so far, in grey: every colour on a sheet is a grey.
func (c *pngCanvas) flush() {
	if c.page == 0 || c.done {
		return
	}
	c.done = true
	gray := image.NewGray(c.img.Bounds())
	for i := range gray.Pix {
		gray.Pix[i] = c.img.Pix[4*i]
	}
	i := c.page - 1
	c.sem <- struct{}{}
	c.wg.Go(func() {
		defer func() { <-c.sem }()
		var buf bytes.Buffer
		if err := png.Encode(&buf, gray); err != nil {
			c.errs[i] = fmt.Errorf("invite: png page %d: %w", i+1, err)
		}
		c.pages[i] = buf.Bytes()
	})
}

func (c *pngCanvas) close() {
	for _, f := range c.faces {
		_ = f.Close()
	}
}

func (c *pngCanvas) face(st style) font.Face { return c.faces[style{size: st.size, bold: st.bold}] }

func boolIndex(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (c *pngCanvas) text(x, y float64, s string, st style) {
	d := font.Drawer{
		Dst:  c.img,
		Src:  image.NewUniform(color.Gray{Y: st.gray}),
		Face: c.face(st),
		Dot:  fixed.Point26_6{X: fixed.Int26_6(px(x) * 64), Y: fixed.Int26_6(px(y) * 64)},
	}
	d.DrawString(s)
}

func (c *pngCanvas) width(s string, st style) float64 {
	return float64(font.MeasureString(c.face(st), s)) / 64 * 25.4 / PNGDPI
}

// qr draws the code with a whole number of pixels per module, centred in its box.
func (c *pngCanvas) qr(x, y, size float64, card *prepared) {
	m := card.qr
	box := int(px(size))
	scale := max(1, box/m.size)
	img := m.image(scale)
	off := (box - img.Bounds().Dx()) / 2
	at := image.Pt(int(math.Round(px(x)))+off, int(math.Round(px(y)))+off)
	draw.Draw(c.img, img.Bounds().Add(at), img, image.Point{}, draw.Src)
}

// dashed draws a horizontal or vertical dashed line, 2 mm dashes with 1.5 mm gaps.
func (c *pngCanvas) dashed(x1, y1, x2, y2 float64) {
	const on, period = 2.0, 3.5
	lineW := max(1, int(math.Round(px(0.2))))
	grey := color.RGBA{R: 0x99, G: 0x99, B: 0x99, A: 0xff}
	length := math.Hypot(x2-x1, y2-y1)
	for d := 0.0; d < length; d += period {
		end := min(d+on, length)
		ax, ay := x1+(x2-x1)*d/length, y1+(y2-y1)*d/length
		bx, by := x1+(x2-x1)*end/length, y1+(y2-y1)*end/length
		r := image.Rect(int(math.Round(px(ax))), int(math.Round(px(ay))), int(math.Round(px(bx))), int(math.Round(px(by))))
		if r.Dx() == 0 {
			r.Max.X = r.Min.X + lineW
		}
		if r.Dy() == 0 {
			r.Max.Y = r.Min.Y + lineW
		}
		draw.Draw(c.img, r, image.NewUniform(grey), image.Point{}, draw.Src)
	}
}
