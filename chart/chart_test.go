package chart

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"strings"
	"sync"
	"testing"
	"unicode"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/norm"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
)

// go test ./chart/ -run TestWriteExample -example /tmp/chart_example.png
var examplePath = flag.String("example", "", "write an example chart to this PNG file")

func viLabels() Labels {
	l := VI
	l.Title = "Tỷ lệ hoàn thành nhiệm vụ theo đơn vị — Sở GD&ĐT Hà Nội"
	return l
}

func threeBars(overdue int) []Bar {
	return []Bar{
		{Label: "Phường Hoàn Kiếm", Counts: [4]int{20, 3, 5, overdue}},
		{Label: "Trường THCS Nguyễn Trãi", Counts: [4]int{12, 6, 4, 3}},
		{Label: "Xã Đông Anh", Counts: [4]int{30, 0, 0, 0}},
	}
}

func decode(t testing.TB, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decode png: %v", err)
	}
	return img
}

// countNear counts the pixels within a small distance of c in every channel.
func countNear(img image.Image, c color.RGBA) int {
	const tol = 6
	near := func(a uint32, b uint8) bool {
		d := int(a>>8) - int(b)
		return d >= -tol && d <= tol
	}
	n := 0
	bd := img.Bounds()
	if rgba, ok := img.(*image.RGBA); ok { // what png.Decode gives; fast under -race
		for i := 0; i+3 < len(rgba.Pix); i += 4 {
			p := rgba.Pix[i : i+3 : i+3]
			if near(uint32(p[0])<<8, c.R) && near(uint32(p[1])<<8, c.G) && near(uint32(p[2])<<8, c.B) {
				n++
			}
		}
		return n
	}
	for y := bd.Min.Y; y < bd.Max.Y; y++ {
		for x := bd.Min.X; x < bd.Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			if near(r, c.R) && near(g, c.G) && near(b, c.B) {
				n++
			}
		}
	}
	return n
}

func TestPNGVietnamese(t *testing.T) {
	out, err := PNG(threeBars(2), viLabels())
	if err != nil {
		t.Fatalf("PNG: %v", err)
	}
	img := decode(t, out)
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	if w < 1000 || w > 1200 {
		t.Errorf("width = %d px, want 1000–1200", w)
	}
	// Three rows of 44 px plus title, legend and axis: a few hundred px.
	if h < 3*rowPx+150 || h > 3*rowPx+450 {
		t.Errorf("height = %d px, want about %d–%d", h, 3*rowPx+150, 3*rowPx+450)
	}
	for s, c := range statusColors {
		// The legend swatch alone has swatchPx² pixels. Bars are 34 px thick
		// and about 500 px long; even the smallest share here (overdue, 2 of
		// 30 in one bar, ≈ 33 px) adds over 1,000 more.
		want := swatchPx*swatchPx + 500
		if n := countNear(img, c); n < want {
			t.Errorf("status %d (%v): %d pixels of its colour, want ≥ %d", s, c, n, want)
		}
	}
}

func TestPNGHeightGrowsWithBars(t *testing.T) {
	heights := map[int]int{}
	for _, n := range []int{1, 10, MaxBars} {
		bars := make([]Bar, n)
		for i := range bars {
			bars[i] = Bar{Label: fmt.Sprintf("Trường %d", i), Counts: [4]int{1, 1, 1, 1}}
		}
		out, err := PNG(bars, EN)
		if err != nil {
			t.Fatalf("PNG(%d bars): %v", n, err)
		}
		heights[n] = decode(t, out).Bounds().Dy()
	}
	if got, want := heights[10]-heights[1], 9*rowPx; got != want {
		t.Errorf("10 bars are %d px taller than 1, want %d", got, want)
	}
	if heights[MaxBars] > 1600 {
		t.Errorf("%d bars: height %d px, too tall for a phone", MaxBars, heights[MaxBars])
	}
}

func TestPNGRedGrowsWithOverdue(t *testing.T) {
	red := statusColors[Overdue]
	var prev int
	for i, overdue := range []int{0, 5, 20} {
		out, err := PNG(threeBars(overdue), viLabels())
		if err != nil {
			t.Fatalf("PNG: %v", err)
		}
		n := countNear(decode(t, out), red)
		if i > 0 && n <= prev {
			t.Errorf("overdue %d: %d red pixels, not more than %d with fewer overdue", overdue, n, prev)
		}
		prev = n
	}
}

func TestPNGErrors(t *testing.T) {
	tests := []struct {
		name string
		bars []Bar
		want error
	}{
		{"nil", nil, ErrNoBars},
		{"empty", []Bar{}, ErrNoBars},
		{"negative", []Bar{{Label: "A", Counts: [4]int{1, -1, 0, 0}}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := PNG(tt.bars, VI)
			if err == nil {
				t.Fatalf("PNG: no error, %d bytes", len(out))
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestPNGEdgeCases(t *testing.T) {
	tests := []struct {
		name string
		bars []Bar
		l    Labels
	}{
		{"no tasks at all", []Bar{{Label: "Trường Mầm non Hoa Sen"}}, VI},
		{"empty labels", []Bar{{Counts: [4]int{1, 0, 0, 0}}}, Labels{}},
		{"long everything", []Bar{{
			Label:  strings.Repeat("Trường Tiểu học và Trung học cơ sở Nguyễn Bỉnh Khiêm ", 5),
			Counts: [4]int{1 << 40, 1, 0, 1},
		}}, Labels{Title: strings.Repeat("Tỷ lệ hoàn thành ", 30), Axis: "x", Status: [4]string{strings.Repeat("ậ", 200)}}},
		{"decomposed and newlines", []Bar{{Label: "Tru\u031bo\u031b\u0300ng\nTHCS", Counts: [4]int{1, 2, 3, 4}}}, EN},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := PNG(tt.bars, tt.l)
			if err != nil {
				t.Fatalf("PNG: %v", err)
			}
			decode(t, out)
		})
	}
}

func TestFold(t *testing.T) {
	// MaxBars+5 units; unit i has i of 100 tasks done, except that unit 3 has
	// no tasks at all. The MaxBars-1 lowest are kept (units 0–2 and 4–24),
	// in input order; units 3 and 25–29 are folded.
	n := MaxBars + 5
	bars := make([]Bar, n)
	for i := range bars {
		bars[i] = Bar{Label: fmt.Sprintf("U%d", i), Counts: [4]int{i, 0, 0, 100 - i}}
	}
	bars[3].Counts = [4]int{}
	got := fold(bars, VI.Others)
	if len(got) != MaxBars {
		t.Fatalf("fold: %d bars, want %d", len(got), MaxBars)
	}
	var labels []string
	for _, b := range got[:MaxBars-1] {
		labels = append(labels, b.Label)
	}
	var want []string
	for i := range MaxBars {
		if i != 3 {
			want = append(want, fmt.Sprintf("U%d", i))
		}
	}
	if strings.Join(labels, ",") != strings.Join(want, ",") {
		t.Errorf("kept %v, want %v", labels, want)
	}
	others := got[MaxBars-1]
	if others.Label != "Các đơn vị khác (6)" {
		t.Errorf("others label = %q", others.Label)
	}
	wantCounts := [4]int{25 + 26 + 27 + 28 + 29, 0, 0, 75 + 74 + 73 + 72 + 71}
	if others.Counts != wantCounts {
		t.Errorf("others counts = %v, want %v", others.Counts, wantCounts)
	}

	// At exactly MaxBars nothing is folded.
	if got := fold(bars[:MaxBars], VI.Others); len(got) != MaxBars || got[MaxBars-1].Label != bars[MaxBars-1].Label {
		t.Errorf("fold of %d bars changed them", MaxBars)
	}
	// A tie in completion goes to the unit with more overdue tasks.
	tie := make([]Bar, MaxBars+1)
	for i := range tie {
		tie[i] = Bar{Label: fmt.Sprint(i), Counts: [4]int{0, 0, 10, 0}}
	}
	tie[MaxBars].Counts = [4]int{0, 0, 0, 10}
	if got := fold(tie, EN.Others); got[MaxBars-2].Label != fmt.Sprint(MaxBars) || got[MaxBars-1].Label != "Other units (2)" {
		t.Errorf("tie: last kept %q, others %q", got[MaxBars-2].Label, got[MaxBars-1].Label)
	}
}

func TestPNGFoldsIntoOthers(t *testing.T) {
	bars := make([]Bar, 3*MaxBars)
	for i := range bars {
		bars[i] = Bar{Label: fmt.Sprintf("Trường %d", i), Counts: [4]int{i, 1, 1, 1}}
	}
	out, err := PNG(bars, VI)
	if err != nil {
		t.Fatalf("PNG: %v", err)
	}
	all, err := PNG(bars[:MaxBars], VI)
	if err != nil {
		t.Fatalf("PNG: %v", err)
	}
	if got, want := decode(t, out).Bounds().Dy(), decode(t, all).Bounds().Dy(); got != want {
		t.Errorf("%d bars: height %d, want %d as for %d bars", len(bars), got, want, MaxBars)
	}
}

func TestDoneText(t *testing.T) {
	tests := []struct {
		c    [4]int
		want string
	}{
		{[4]int{}, "—"},
		{[4]int{20, 6, 3, 1}, "86% (26/30)"},
		{[4]int{299, 0, 0, 1}, "99% (299/300)"}, // never rounded up to 100%
		{[4]int{0, 5, 0, 0}, "100% (5/5)"},
		{[4]int{0, 0, 1, 1}, "0% (0/2)"},
	}
	for _, tt := range tests {
		if got := doneText(tt.c); got != tt.want {
			t.Errorf("doneText(%v) = %q, want %q", tt.c, got, tt.want)
		}
	}
}

func TestClip(t *testing.T) {
	cache, err := fonts()
	if err != nil {
		t.Fatal(err)
	}
	r := renderer{hdlr: text.Plain{Fonts: cache}}
	sty := r.style(sansRegular, labelSize, textColor)
	short := "Phường Hoàn Kiếm"
	if got := r.clip(sty, short, px(maxLabelPx)); got != short {
		t.Errorf("clip(%q) = %q", short, got)
	}
	long := strings.Repeat("Trường Tiểu học Nguyễn Bỉnh Khiêm ", 4)
	got := r.clip(sty, long, px(maxLabelPx))
	if !strings.HasSuffix(got, "…") || !strings.HasPrefix(long, strings.TrimSuffix(got, "…")) {
		t.Errorf("clip(long) = %q", got)
	}
	if w := r.width(sty, got); w > px(maxLabelPx) || w < px(maxLabelPx)-px(40) {
		t.Errorf("clipped width %v, want just under %v", w, px(maxLabelPx))
	}
	if strings.HasSuffix(strings.TrimSuffix(got, "…"), " ") {
		t.Errorf("clip(long) = %q: space before the ellipsis", got)
	}
	// Unit names keep their start and their distinctive end.
	for _, name := range []string{
		"Trường Tiểu học và Trung học cơ sở Nguyễn Bỉnh Khiêm",
		"Trường Tiểu học và Trung học cơ sở Nguyễn Thị Minh Khai",
	} {
		got := r.clipMiddle(sty, name, px(maxLabelPx))
		head, tail, ok := strings.Cut(got, "…")
		if !ok || !strings.HasPrefix(name, head) || !strings.HasSuffix(name, tail) || len(tail) < len(head) {
			t.Errorf("clipMiddle(%q) = %q", name, got)
		}
		if !strings.HasSuffix(got, " Khiêm") && !strings.HasSuffix(got, " Khai") {
			t.Errorf("clipMiddle(%q) = %q lost the end of the name", name, got)
		}
		if w := r.width(sty, got); w > px(maxLabelPx) || w < px(maxLabelPx)-px(40) {
			t.Errorf("clipMiddle(%q): width %v, want just under %v", name, w, px(maxLabelPx))
		}
	}
	if got := r.clipMiddle(sty, short, px(maxLabelPx)); got != short {
		t.Errorf("clipMiddle(%q) = %q", short, got)
	}

	lines := r.wrap(sty, long, px(maxLabelPx), 2)
	if len(lines) != 2 || !strings.HasSuffix(lines[1], "…") {
		t.Errorf("wrap = %q", lines)
	}
	for _, l := range lines {
		if r.width(sty, l) > px(maxLabelPx) {
			t.Errorf("wrapped line %q too wide", l)
		}
	}
}

// The rows of the plot: the first bar on top, names shortened so that they
// stay distinct, the done share at the end of each bar.
func TestPlotRows(t *testing.T) {
	cache, err := fonts()
	if err != nil {
		t.Fatal(err)
	}
	r := renderer{hdlr: text.Plain{Fonts: cache}}
	sty := r.style(sansRegular, labelSize, textColor)
	bars := []Bar{
		{Label: "Trường Tiểu học và Trung học cơ sở Nguyễn Bỉnh Khiêm", Counts: [4]int{1, 0, 0, 1}},
		{Label: "Trường Tiểu học và Trung học cơ sở Nguyễn Thị Minh Khai", Counts: [4]int{0, 0, 3, 0}},
		{Label: "Xã Đông Anh", Counts: [4]int{2, 1, 0, 0}},
	}
	p, err := r.plot(bars, VI, sty, sty)
	if err != nil {
		t.Fatal(err)
	}
	ticks := p.Y.Tick.Marker.Ticks(p.Y.Min, p.Y.Max)
	if len(ticks) != len(bars) {
		t.Fatalf("%d row labels, want %d", len(ticks), len(bars))
	}
	byY := map[float64]string{}
	for _, tk := range ticks {
		byY[tk.Value] = tk.Label
	}
	top, mid, bottom := byY[2], byY[1], byY[0]
	if !strings.HasSuffix(top, "Bỉnh Khiêm") || !strings.HasSuffix(mid, "Minh Khai") || bottom != "Xã Đông Anh" {
		t.Errorf("rows top to bottom = %q, %q, %q", top, mid, bottom)
	}
}

func TestClean(t *testing.T) {
	if got, want := clean(" Tru\u031bo\u031b\u0300ng\n\tTHCS  Nguye\u0302\u0303n Tra\u0303i "), "Trường THCS Nguyễn Trãi"; got != want {
		t.Errorf("clean = %q, want %q", got, want)
	}
}

// vietnameseLetters are the 134 precomposed letters of Vietnamese beyond
// ASCII: a ă â e ê i o ô ơ u ư y with each of the five tone marks, and the
// unmarked ă â ê ô ơ ư đ, in both cases.
func vietnameseLetters() string {
	var b strings.Builder
	for r := rune(0x1EA0); r <= 0x1EF9; r++ { // Ạ…ỹ: the Vietnamese part of Latin Extended Additional
		b.WriteRune(r)
	}
	b.WriteString("ĂăÂâĐđÊêÔôƠơƯư")             // Latin Extended-A
	b.WriteString("ĨĩŨũ")                       // Latin Extended-A
	b.WriteString("ÀÁÃÈÉÌÍÒÓÕÙÚÝàáãèéìíòóõùúý") // Latin-1
	return b.String()
}

func TestFontCoversVietnamese(t *testing.T) {
	letters := []rune(vietnameseLetters())
	seen := map[rune]bool{}
	for _, r := range letters {
		if seen[r] || !unicode.IsLetter(r) {
			t.Fatalf("letter list: %q twice or not a letter", r)
		}
		seen[r] = true
	}
	if len(letters) != 134 {
		t.Fatalf("letter list has %d letters, want 134", len(letters))
	}
	// Every base vowel with every tone, built by composition, is in the list.
	for _, v := range "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY" {
		for _, tone := range "\u0300\u0301\u0303\u0309\u0323" {
			c := []rune(norm.NFC.String(string([]rune{v, tone})))
			if len(c) != 1 || !seen[c[0]] {
				t.Errorf("%q + %U = %q: not in the letter list", v, tone, string(c))
			}
		}
	}

	cache, err := fonts()
	if err != nil {
		t.Fatal(err)
	}
	var words []string
	for _, l := range []Labels{viLabels(), VI, EN} {
		words = append(words, l.Title, l.Axis, l.Others)
		words = append(words, l.Status[:]...)
	}
	// The letters, the default words, and what the chart writes itself.
	all := string(letters) + strings.Join(words, "") + "—…%()/0123456789"
	for _, d := range []struct {
		name string
		face *sfnt.Font
	}{
		{"regular", cache.Lookup(sansRegular, vg.Points(labelSize)).Face},
		{"bold", cache.Lookup(sansBold, vg.Points(labelSize)).Face},
	} {
		if d.face == nil {
			t.Fatalf("%s: not in the font cache", d.name)
		}
		var buf sfnt.Buffer
		for _, r := range all {
			if r == ' ' {
				continue
			}
			i, err := d.face.GlyphIndex(&buf, r)
			if err != nil || i == 0 {
				t.Errorf("%s: no glyph for %q (%U)", d.name, r, r)
			}
		}
	}
}

// The chart is rendered from the scheduler while the bot runs: it must be
// safe to call concurrently (run with -race).
func TestPNGConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Go(func() {
			if _, err := PNG(threeBars(1), viLabels()); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestWriteExample(t *testing.T) {
	if *examplePath == "" {
		t.Skip("no -example path")
	}
	bars := []Bar{
		{Label: "Phường Hoàn Kiếm", Counts: [4]int{20, 3, 5, 2}},
		{Label: "Trường THCS Nguyễn Trãi", Counts: [4]int{12, 6, 4, 3}},
		{Label: "Xã Đông Anh", Counts: [4]int{30, 0, 0, 0}},
		{Label: "Trường Tiểu học và Trung học cơ sở Nguyễn Bỉnh Khiêm", Counts: [4]int{3, 2, 10, 9}},
		{Label: "Trường Mầm non Hoa Sữa", Counts: [4]int{}},
		{Label: "Phường Ô Chợ Dừa", Counts: [4]int{0, 0, 0, 7}},
		{Label: "Trường THPT Chu Văn An", Counts: [4]int{7, 1, 8, 0}},
		{Label: "Xã Ứng Hòa — Ấp Ưu Đãi Ỷ Ễ Ợ Ữ Ằ Ẫ Ệ Ổ Ậ", Counts: [4]int{5, 5, 5, 5}},
	}
	out, err := PNG(bars, viLabels())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(*examplePath, out, 0o644); err != nil {
		t.Fatal(err)
	}
}

func BenchmarkPNG25(b *testing.B) {
	bars := make([]Bar, MaxBars)
	for i := range bars {
		bars[i] = Bar{Label: fmt.Sprintf("Trường THCS Nguyễn Trãi số %d", i), Counts: [4]int{i, 3, 5, 25 - i}}
	}
	l := viLabels()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := PNG(bars, l); err != nil {
			b.Fatal(err)
		}
	}
}
