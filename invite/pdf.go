package invite

import (
	"bytes"
	"fmt"
	"io"
	"strconv"

	"codeberg.org/go-fonts/liberation/liberationsansbold"
	"codeberg.org/go-fonts/liberation/liberationsansregular"
	"codeberg.org/go-pdf/fpdf"
)

// pdfModulePx is how many pixels a QR module has in the images embedded in the PDF. The viewer
// scales the image to the QR box; with whole blocks of pixels per module a viewer that smooths
// images blurs only the edges of the modules, never their middle.
const pdfModulePx = 4

// PDF writes the sheet as an A4 PDF, PerPage cards a page. Fonts are embedded (subset); each QR
// code is a small black-and-white image, the same matrix the PNG pages draw.
func (s Sheet) PDF(w io.Writer) error {
	cards, err := prepare(s.Cards, pdfModulePx)
	if err != nil {
		return err
	}
	f := fpdf.New("P", "mm", "A4", "")
	f.SetAutoPageBreak(false, 0)
	f.SetMargins(0, 0, 0)
	f.SetCreator("nhacviec", false)
	title := s.Labels.DocTitle
	if t := clean(s.Title); t != "" {
		title += " — " + t
	}
	f.SetTitle(title, true)
	f.AddUTF8FontFromBytes("sans", "", liberationsansregular.TTF)
	f.AddUTF8FontFromBytes("sans", "B", liberationsansbold.TTF)
	f.SetLineWidth(0.2)
	f.SetDrawColor(0x99, 0x99, 0x99)
	f.SetDashPattern([]float64{2, 1.5}, 0)
	layout(&pdfCanvas{f: f}, s, cards)
	if err := f.Output(w); err != nil {
		return fmt.Errorf("invite: pdf: %w", err)
	}
	return nil
}

// pdfCanvas draws on an fpdf document.
type pdfCanvas struct {
	f      *fpdf.Fpdf
	images int
	cur    style
	set    bool
}

func (c *pdfCanvas) addPage() { c.f.AddPage() }

func (c *pdfCanvas) use(st style) {
	if c.set && c.cur == st {
		return
	}
	bold := ""
	if st.bold {
		bold = "B"
	}
	c.f.SetFont("sans", bold, st.size)
	g := int(st.gray)
	c.f.SetTextColor(g, g, g)
	c.cur, c.set = st, true
}

func (c *pdfCanvas) text(x, y float64, s string, st style) {
	c.use(st)
	c.f.Text(x, y, s)
}

func (c *pdfCanvas) width(s string, st style) float64 {
	c.use(st)
	return c.f.GetStringWidth(s)
}

func (c *pdfCanvas) qr(x, y, size float64, card *prepared) {
	c.images++
	name := "qr" + strconv.Itoa(c.images)
	opt := fpdf.ImageOptions{ImageType: "PNG"}
	c.f.RegisterImageOptionsReader(name, opt, bytes.NewReader(card.qrPNG))
	c.f.ImageOptions(name, x, y, size, size, false, opt, 0, "")
}

func (c *pdfCanvas) dashed(x1, y1, x2, y2 float64) { c.f.Line(x1, y1, x2, y2) }
