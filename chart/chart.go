// Package chart renders the "completion by unit" chart of the weekly digest
// as a PNG sized for a phone screen in Telegram.
//
// It is pure rendering: plain values in, PNG bytes out. Drawing is done with
// gonum.org/v1/plot; text uses Liberation Sans (codeberg.org/go-fonts/liberation),
// which has glyphs for every Vietnamese letter, so labels with full diacritics
// ("Trường THCS Nguyễn Trãi") render as they are written.
package chart

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"image/color"
	"image/png"
	"slices"
	"strings"
	"sync"
	"unicode"

	"codeberg.org/go-fonts/liberation/liberationsansbold"
	"codeberg.org/go-fonts/liberation/liberationsansregular"
	stdfont "golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/text/unicode/norm"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// MaxBars is the most bars one chart shows. With more units, the
// MaxBars-1 with the lowest completion keep their own bar and the rest are
// folded into one "Others" bar at the bottom.
const MaxBars = 25

// The four statuses, in the order of Bar.Counts and of the stacking.
const (
	DoneOnTime = iota // hoàn thành đúng hạn
	DoneLate          // hoàn thành quá hạn
	InProgress        // đang thực hiện trong hạn
	Overdue           // quá hạn chưa hoàn thành
)

// ErrNoBars is returned by PNG when there is nothing to draw.
var ErrNoBars = errors.New("chart: no bars")

// Bar is one unit's assignments by status.
type Bar struct {
	Label  string // unit name, e.g. "Trường THCS Nguyễn Trãi"
	Counts [4]int // indexed by DoneOnTime, DoneLate, InProgress, Overdue
}

// Labels are the chart's words in one language.
type Labels struct {
	Title  string    // drawn at the top; empty for none. The caller fills it.
	Axis   string    // the value axis, e.g. "% số nhiệm vụ"
	Status [4]string // legend words, indexed like Bar.Counts
	Others string    // label of the folded bar; %d is the number of units in it
}

// VI and EN are the default words; Title is left empty for the caller.
var (
	VI = Labels{
		Axis: "% số nhiệm vụ",
		Status: [4]string{
			"Hoàn thành đúng hạn",
			"Hoàn thành quá hạn",
			"Đang thực hiện trong hạn",
			"Quá hạn chưa hoàn thành",
		},
		Others: "Các đơn vị khác (%d)",
	}
	EN = Labels{
		Axis: "% of tasks",
		Status: [4]string{
			"Done on time",
			"Done late",
			"In progress, on time",
			"Overdue, not done",
		},
		Others: "Other units (%d)",
	}
)

// statusColors are fixed so a reader learns them once: green, amber, blue, red.
var statusColors = [4]color.RGBA{
	DoneOnTime: {R: 0x2e, G: 0x7d, B: 0x32, A: 0xff},
	DoneLate:   {R: 0xf9, G: 0xa8, B: 0x25, A: 0xff},
	InProgress: {R: 0x64, G: 0x95, B: 0xc8, A: 0xff},
	Overdue:    {R: 0xd3, G: 0x2f, B: 0x2f, A: 0xff},
}

// Geometry, in pixels of the output image.
const (
	dpi        = 96
	widthPx    = 1080
	marginPx   = 24
	rowPx      = 50 // one bar and its gap
	barPx      = 34 // bar thickness
	xAxisPx    = 92 // tick marks, tick labels and the axis label below the bars
	legendRow  = 36
	swatchPx   = 24
	titleGapPx = 10
	maxLabelPx = 380 // unit names longer than this are shortened with "…"
)

// Font sizes in points; at 96 dpi one point is 4/3 px, so 17 pt ≈ 23 px.
// A phone shows the 1080 px image about 360 px wide: 23 px text then looks
// like 8 px type, the least that is comfortable without zooming.
const (
	titleSize  = 22
	labelSize  = 17
	legendSize = 17
	tickSize   = 14
	axisSize   = 15
)

var (
	sansRegular = font.Font{Typeface: "Liberation", Variant: "Sans"}
	sansBold    = font.Font{Typeface: "Liberation", Variant: "Sans", Weight: stdfont.WeightBold}
	textColor   = color.RGBA{R: 0x21, G: 0x21, B: 0x21, A: 0xff}
	mutedColor  = color.RGBA{R: 0x61, G: 0x61, B: 0x61, A: 0xff}
	gridColor   = color.RGBA{R: 0xdd, G: 0xdd, B: 0xdd, A: 0xff}
)

// fonts is our own font cache holding only Liberation Sans regular and bold,
// so the chart does not depend on what gonum registers globally by default.
var fonts = sync.OnceValues(func() (*font.Cache, error) {
	reg, err := opentype.Parse(liberationsansregular.TTF)
	if err != nil {
		return nil, fmt.Errorf("chart: parse Liberation Sans: %w", err)
	}
	bold, err := opentype.Parse(liberationsansbold.TTF)
	if err != nil {
		return nil, fmt.Errorf("chart: parse Liberation Sans Bold: %w", err)
	}
	return font.NewCache(font.Collection{
		{Font: sansRegular, Face: reg},
		{Font: sansBold, Face: bold},
	}), nil
})

// px converts pixels of the output image to vg lengths.
func px(n float64) vg.Length { return vg.Length(n) * vg.Inch / dpi }

// PNG draws a horizontal 100%-stacked bar chart: one bar per unit in the
// given order (the first at the top), split into the four statuses, with the
// share done (on time + late) and the counts written after each bar, a
// legend, and l.Title above. More than MaxBars bars are folded (see MaxBars).
// Unit names too long for the label column are shortened in the middle
// with "…"; a title too long for two lines is cut at the end.
// It returns ErrNoBars for empty input and an error for negative counts.
func PNG(bars []Bar, l Labels) (out []byte, err error) {
	if len(bars) == 0 {
		return nil, ErrNoBars
	}
	for _, b := range bars {
		for _, c := range b.Counts {
			if c < 0 {
				return nil, fmt.Errorf("chart: negative count for %q", b.Label)
			}
		}
	}
	cache, err := fonts()
	if err != nil {
		return nil, err
	}
	// gonum reports some failures (a broken font, a bad size) by panicking;
	// a chart is an attachment, so turn that into an error for the caller.
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("chart: render: %v", r)
		}
	}()
	r := renderer{hdlr: text.Plain{Fonts: cache}}
	return r.render(fold(bars, l.Others), l)
}

// fold keeps bars as they are when there are at most MaxBars of them.
// Otherwise it keeps the MaxBars-1 with the lowest completion, in their
// given order, and sums the rest into one bar labelled by others.
func fold(bars []Bar, others string) []Bar {
	if len(bars) <= MaxBars {
		return bars
	}
	idx := make([]int, len(bars))
	for i := range idx {
		idx[i] = i
	}
	// Lowest completion first; on a tie the one with more overdue tasks.
	// Units without any task have nothing to show and go last.
	slices.SortStableFunc(idx, func(i, j int) int {
		a, b := bars[i].Counts, bars[j].Counts
		ta, tb := total(a), total(b)
		if ta == 0 || tb == 0 {
			return boolCmp(ta == 0, tb == 0)
		}
		// done(a)/ta vs done(b)/tb without floating point.
		if c := cmp.Compare(done(a)*tb, done(b)*ta); c != 0 {
			return c
		}
		return cmp.Compare(b[Overdue], a[Overdue])
	})
	keep := idx[:MaxBars-1]
	slices.Sort(keep)
	out := make([]Bar, 0, MaxBars)
	for _, i := range keep {
		out = append(out, bars[i])
	}
	rest := Bar{Label: othersLabel(others, len(bars)-len(keep))}
	for _, i := range idx[MaxBars-1:] {
		for s, c := range bars[i].Counts {
			rest.Counts[s] += c
		}
	}
	return append(out, rest)
}

func othersLabel(format string, n int) string {
	if strings.Contains(format, "%d") {
		return fmt.Sprintf(format, n)
	}
	return format
}

func total(c [4]int) int { return c[0] + c[1] + c[2] + c[3] }
func done(c [4]int) int  { return c[DoneOnTime] + c[DoneLate] }

// boolCmp orders false before true.
func boolCmp(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// doneText is what stands after a bar: "87% (26/30)", or "—" for no tasks.
// The percentage is rounded down so that 100% means everything is done.
func doneText(c [4]int) string {
	t := total(c)
	if t == 0 {
		return "—"
	}
	return fmt.Sprintf("%d%% (%d/%d)", done(c)*100/t, done(c), t)
}

type renderer struct {
	hdlr text.Plain
}

func (r renderer) style(f font.Font, size float64, clr color.Color) text.Style {
	return text.Style{
		Color:   clr,
		Font:    font.From(f, vg.Points(size)),
		Handler: r.hdlr,
		XAlign:  draw.XLeft,
		YAlign:  draw.YBottom,
	}
}

func (r renderer) width(sty text.Style, s string) vg.Length {
	face := r.hdlr.Fonts.Lookup(sty.Font, sty.Font.Size)
	return face.Width(s)
}

// clip shortens s at its end with "…" so that it is at most max wide in sty.
func (r renderer) clip(sty text.Style, s string, max vg.Length) string {
	return r.fit(sty, s, max, func(runes []rune, k int) string {
		return trimEnd(runes[:k]) + "…"
	})
}

// clipMiddle shortens s with "…" in the middle, keeping about a third of what
// fits from its start and two thirds from its end. Unit names differ at the
// end ("Trường Tiểu học và Trung học cơ sở Nguyễn Bỉnh Khiêm" vs "… Lê Lợi"),
// so cutting only the end would make several rows read the same.
func (r renderer) clipMiddle(sty text.Style, s string, max vg.Length) string {
	return r.fit(sty, s, max, func(runes []rune, k int) string {
		// Cut at spaces where the words allow it: "Trường … Nguyễn Bỉnh Khiêm".
		h := k / 3
		for i := h - 1; i > 0; i-- {
			if unicode.IsSpace(runes[i]) {
				h = i
				break
			}
		}
		tail := runes[len(runes)-(k-h):]
		if j := slices.IndexFunc(tail, unicode.IsSpace); j >= 0 && j < len(tail)-1 {
			tail = tail[j:]
		}
		head := trimEnd(runes[:h])
		if head == "" {
			return "…" + strings.TrimLeftFunc(string(tail), unicode.IsSpace)
		}
		return head + " …" + string(tail)
	})
}

// fit returns s if it fits in max, else short(runes, k) for the largest k,
// the number of runes of s kept, with which it fits.
func (r renderer) fit(sty text.Style, s string, max vg.Length, short func(runes []rune, k int) string) string {
	if r.width(sty, s) <= max {
		return s
	}
	runes := []rune(s)
	lo, hi := 0, len(runes) // the largest k that fits is in [lo, hi)
	for lo < hi-1 {
		mid := (lo + hi) / 2
		if r.width(sty, short(runes, mid)) <= max {
			lo = mid
		} else {
			hi = mid
		}
	}
	return short(runes, lo)
}

func trimEnd(runes []rune) string {
	return strings.TrimRightFunc(string(runes), unicode.IsSpace)
}

// wrap breaks s into at most maxLines lines no wider than max; the last line
// is clipped if the words do not fit.
func (r renderer) wrap(sty text.Style, s string, max vg.Length, maxLines int) []string {
	var lines []string
	var cur string
	words := strings.Fields(s)
	for i, w := range words {
		next := w
		if cur != "" {
			next = cur + " " + w
		}
		if cur == "" || r.width(sty, next) <= max {
			cur = next
			continue
		}
		if len(lines) == maxLines-1 {
			cur = strings.Join(append([]string{cur}, words[i:]...), " ")
			break
		}
		lines = append(lines, cur)
		cur = w
	}
	if cur != "" {
		lines = append(lines, r.clip(sty, cur, max))
	}
	return lines
}

// clean makes a label safe to draw on one line: NFC (a decomposed "ệ" from a
// copy-paste becomes one precomposed glyph; the renderer does not position
// combining marks), and every run of spaces, tabs or newlines one space.
func clean(s string) string {
	return strings.Join(strings.FieldsFunc(norm.NFC.String(s), func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	}), " ")
}

func (r renderer) render(bars []Bar, l Labels) ([]byte, error) {
	n := len(bars)
	titleSty := r.style(sansBold, titleSize, textColor)
	legendSty := r.style(sansRegular, legendSize, textColor)
	labelSty := r.style(sansRegular, labelSize, textColor)
	doneSty := r.style(sansBold, labelSize, textColor)
	contentW := px(widthPx - 2*marginPx)

	title := r.wrap(titleSty, clean(l.Title), contentW, 2)
	titleLine := titleSty.Font.Size * 1.25
	headerH := px(marginPx) + vg.Length(len(title))*titleLine + px(titleGapPx) + 2*px(legendRow) + px(titleGapPx)
	height := headerH + px(float64(n*rowPx)+xAxisPx+marginPx)

	img := vgimg.NewWith(vgimg.UseWH(px(widthPx), height), vgimg.UseDPI(dpi))
	dc := draw.New(img)
	inner := draw.Crop(dc, px(marginPx), -px(marginPx), px(marginPx), -px(marginPx))

	// Title, left-aligned, one or two lines.
	y := inner.Max.Y
	for _, line := range title {
		y -= titleLine
		inner.FillText(titleSty, vg.Point{X: inner.Min.X, Y: y + titleLine*0.2}, line)
	}
	if len(title) > 0 {
		y -= px(titleGapPx)
	}

	// Legend: two rows of two, a colour swatch before each word.
	colW := contentW / 2
	for s := range 4 {
		x := inner.Min.X + vg.Length(s%2)*colW
		rowTop := y - vg.Length(s/2)*px(legendRow)
		sw := vg.Rectangle{
			Min: vg.Point{X: x, Y: rowTop - px(legendRow) + px((legendRow-swatchPx)/2)},
			Max: vg.Point{X: x + px(swatchPx), Y: rowTop - px((legendRow-swatchPx)/2)},
		}
		dc.SetColor(statusColors[s])
		dc.Fill(sw.Path())
		word := r.clip(legendSty, clean(l.Status[s]), colW-px(swatchPx+8+12))
		ls := legendSty
		ls.YAlign = draw.YCenter
		inner.FillText(ls, vg.Point{X: sw.Max.X + px(8), Y: (sw.Min.Y + sw.Max.Y) / 2}, word)
	}

	p, err := r.plot(bars, l, labelSty, doneSty)
	if err != nil {
		return nil, err
	}
	p.Draw(draw.Crop(inner, 0, 0, 0, -(headerH - px(marginPx))))

	// Encoding is half the time of a chart; BestSpeed saves a third of it
	// for 3% more bytes (~300 KB for 25 bars), and Telegram recompresses
	// photos anyway.
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img.Image()); err != nil {
		return nil, fmt.Errorf("chart: encode png: %w", err)
	}
	return buf.Bytes(), nil
}

// plot builds the bars, unit names, done shares and the value axis.
func (r renderer) plot(bars []Bar, l Labels, labelSty, doneSty text.Style) (*plot.Plot, error) {
	n := len(bars)
	p := plot.New()
	// Every text style of the plot must name a font of our cache: a lookup
	// of gonum's default (Liberation Serif) would find nothing and panic.
	p.TextHandler = r.hdlr
	p.Title.TextStyle = labelSty
	p.Legend.TextStyle = labelSty // unused: our legend is drawn above the plot
	p.Y.Label.TextStyle = labelSty

	// Bar i of the input sits at y = n-1-i so that the first is at the top.
	names := make([]string, n)
	dones := make([]string, n)
	ends := make(plotter.XYs, n)
	var shares [4]plotter.Values
	for s := range shares {
		shares[s] = make(plotter.Values, n)
	}
	for i, b := range bars {
		y := n - 1 - i
		names[y] = r.clipMiddle(labelSty, clean(b.Label), px(maxLabelPx))
		dones[y] = doneText(b.Counts)
		ends[y] = plotter.XY{X: 100, Y: float64(y)}
		if t := total(b.Counts); t > 0 {
			for s, c := range b.Counts {
				shares[s][y] = 100 * float64(c) / float64(t)
			}
		}
	}

	grid := plotter.NewGrid()
	grid.Horizontal.Color = nil
	grid.Vertical.Color = gridColor
	grid.Vertical.Width = px(1)
	p.Add(grid)

	var below *plotter.BarChart
	for s := range shares {
		bc, err := plotter.NewBarChart(shares[s], px(barPx))
		if err != nil {
			return nil, fmt.Errorf("chart: bars: %w", err)
		}
		bc.Horizontal = true
		bc.Color = statusColors[s]
		bc.LineStyle.Width = 0
		if below != nil {
			bc.StackOn(below)
		}
		below = bc
		p.Add(bc)
	}

	ends2, err := plotter.NewLabels(plotter.XYLabels{XYs: ends, Labels: dones})
	if err != nil {
		return nil, fmt.Errorf("chart: done labels: %w", err)
	}
	for i := range ends2.TextStyle {
		st := doneSty
		st.YAlign = draw.YCenter
		ends2.TextStyle[i] = st
	}
	ends2.Offset = vg.Point{X: px(10)}
	p.Add(ends2)

	p.NominalY(names...)
	p.Y.Tick.Label = labelSty
	p.Y.Tick.Label.XAlign = draw.XRight
	p.Y.Tick.Label.YAlign = draw.YCenter
	p.Y.Padding = px(6)
	p.Y.Min, p.Y.Max = -0.5, float64(n)-0.5

	p.X.Min, p.X.Max = 0, 100
	p.X.Padding = 0
	p.X.Color = mutedColor
	p.X.Tick.Color = mutedColor
	p.X.Tick.Label = r.style(sansRegular, tickSize, mutedColor)
	p.X.Tick.Label.XAlign = draw.XCenter
	p.X.Tick.Label.YAlign = draw.YTop
	ticks := make([]plot.Tick, 0, 6)
	for v := 0; v <= 100; v += 20 {
		ticks = append(ticks, plot.Tick{Value: float64(v), Label: fmt.Sprintf("%d%%", v)})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.X.Label.Text = clean(l.Axis)
	p.X.Label.TextStyle = r.style(sansRegular, axisSize, mutedColor)
	p.X.Label.TextStyle.XAlign = draw.XCenter
	p.X.Label.TextStyle.YAlign = draw.YBottom
	return p, nil
}
