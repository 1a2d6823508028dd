package invite

import (
	"fmt"
	"image"
	"image/color"

	"github.com/boombuler/barcode/qr"
)

// quietZone is the white border a QR code needs around it for a scanner to find it, in modules.
const quietZone = 4

// matrix is a QR code's modules, quiet zone included: dark[y*size+x] is true for a dark module.
type matrix struct {
	size int
	dark []bool
}

// encodeQR encodes a link as a QR code with error correction level Q (a quarter of the code may
// be lost): a printed card gets folded, stained and photographed at an angle.
func encodeQR(link string) (*matrix, error) {
	code, err := qr.Encode(link, qr.Q, qr.Auto)
	if err != nil {
		return nil, fmt.Errorf("qr: %w", err)
	}
	b := code.Bounds()
	n := b.Dx() + 2*quietZone
	m := &matrix{size: n, dark: make([]bool, n*n)}
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			g := color.GrayModel.Convert(code.At(b.Min.X+x, b.Min.Y+y)).(color.Gray)
			m.dark[(y+quietZone)*n+x+quietZone] = g.Y < 0x80
		}
	}
	return m, nil
}

// bw is the palette of a QR picture: index 0 black, 1 white, so that its PNG is the same as a
// one-bit greyscale one.
var bw = color.Palette{color.Gray{Y: 0}, color.Gray{Y: 0xff}}

// image draws the matrix with scale×scale pixels per module, black on white, in two colours (a
// one-bit PNG: small, and quick to compress).
func (m *matrix) image(scale int) *image.Paletted {
	img := image.NewPaletted(image.Rect(0, 0, m.size*scale, m.size*scale), bw)
	for i := range img.Pix {
		img.Pix[i] = 1
	}
	for y := 0; y < m.size; y++ {
		for x := 0; x < m.size; x++ {
			if !m.dark[y*m.size+x] {
				continue
			}
			for dy := 0; dy < scale; dy++ {
				row := img.Pix[(y*scale+dy)*img.Stride:]
				for dx := 0; dx < scale; dx++ {
					row[x*scale+dx] = 0
				}
			}
		}
	}
	return img
}
