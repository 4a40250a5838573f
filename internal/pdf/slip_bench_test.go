package pdf

import (
	"bufio"
	"bytes"
	"fmt"
	"html/template"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/soko"
)

// wave is n orders of one to five lines, like a wave released to the floor.
func wave(tb testing.TB, n int) []SlipData {
	tb.Helper()
	base := MustSlipData(tb)
	slips := make([]SlipData, n)
	for i := range slips {
		s := base
		s.Order.Number = fmt.Sprintf("SO-20261120-%05d", i+1)
		s.Order.Lines = base.Order.Lines[:1+i%len(base.Order.Lines)]
		slips[i] = s
	}
	return slips
}

// BenchmarkNewDocument is the fixed cost of every document: gofpdf parsing
// the embedded 6 MB font. It is why a wave is printed as one document.
func BenchmarkNewDocument(b *testing.B) {
	lay, _ := slipLayoutFor(A4)
	b.ReportAllocs()
	for b.Loop() {
		_, release, err := newDocument(lay.page, fixedNow())
		if err != nil {
			b.Fatal(err)
		}
		release()
	}
}

// BenchmarkSlip is one order's packing slip, as a station prints it.
func BenchmarkSlip(b *testing.B) {
	s := MustSlipData(b)
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := Slip(&buf, s, SlipOptions{Now: fixedNow}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len())/1024, "KB/pdf")
}

// BenchmarkSlips1000 is a 1,000-order wave in one PDF; DESIGN.md §9 asks for
// at most 3 s and 200 MB peak memory.
func BenchmarkSlips1000(b *testing.B) {
	// Slips is Document with slips only.
	benchWave(b, DocumentData{Slips: wave(b, 1000)})
}

// watchPeakMemory samples the Go heap (live and not yet swept objects) every
// millisecond until the returned function is called, which reports the highest
// heap seen and the process's peak resident set (VmHWM) since the call — or 0
// when the kernel will not reset VmHWM, as that figure would include earlier
// benchmarks.
func watchPeakMemory() func() (heap, rss float64) {
	runtime.GC()
	rssReset := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var (
		mu   sync.Mutex
		max  uint64
		done = make(chan struct{})
		quit = make(chan struct{})
	)
	go func() {
		defer close(done)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			mu.Lock()
			max = maxU(max, sample[0].Value.Uint64())
			mu.Unlock()
			select {
			case <-quit:
				return
			case <-t.C:
			}
		}
	}()
	return func() (float64, float64) {
		close(quit)
		<-done
		var rss float64
		if rssReset {
			rss = vmHWM()
		}
		mu.Lock()
		defer mu.Unlock()
		return float64(max), rss
	}
}

func maxU(a, b uint64) uint64 {
	if a > b {
		return a
	}
	return b
}

// vmHWM is the process's peak resident set in bytes, from /proc/self/status.
func vmHWM() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb * 1024
		}
	}
	return 0
}

// BenchmarkWkhtmltopdfSlip renders the same slip as HTML with wkhtmltopdf, the
// engine Odoo prints delivery slips with, for comparison with BenchmarkSlip.
func BenchmarkWkhtmltopdfSlip(b *testing.B) {
	benchWkhtmltopdf(b, []SlipData{MustSlipData(b)})
}

// BenchmarkWkhtmltopdfSlips1000 is the 1,000-order wave through wkhtmltopdf,
// for comparison with BenchmarkSlips1000.
// It takes most of a minute, so -short leaves it out.
func BenchmarkWkhtmltopdfSlips1000(b *testing.B) {
	if testing.Short() {
		b.Skip("takes most of a minute")
	}
	benchWkhtmltopdf(b, wave(b, 1000))
}

func benchWkhtmltopdf(b *testing.B, slips []SlipData) {
	bin := requireTool(b, "wkhtmltopdf")
	dir := b.TempDir()
	fontDir, err := filepath.Abs("font")
	if err != nil {
		b.Fatal(err)
	}
	// wkhtmltopdf finds the same IPAex Gothic file through fontconfig, so it
	// embeds it as text, as the PDF does; through @font-face it would draw
	// every glyph as outlines instead.
	conf := filepath.Join(dir, "fonts.conf")
	if err := os.WriteFile(conf, []byte(`<?xml version="1.0"?><fontconfig><dir>`+fontDir+
		`</dir><cachedir>`+filepath.Join(dir, "fc-cache")+`</cachedir></fontconfig>`), 0o644); err != nil {
		b.Fatal(err)
	}
	html := filepath.Join(dir, "slip.html")
	out := filepath.Join(dir, "slip.pdf")
	f, err := os.Create(html)
	if err != nil {
		b.Fatal(err)
	}
	if err := writeHTMLSlips(f, slips); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	run := func() {
		cmd := exec.Command(bin, "--quiet", "-s", "A4", "-T", "12", "-B", "10", "-L", "15", "-R", "15", html, out)
		cmd.Env = append(os.Environ(), "FONTCONFIG_FILE="+conf, "XDG_RUNTIME_DIR="+dir)
		if msg, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("wkhtmltopdf: %v\n%s", err, msg)
		}
	}
	run() // builds the font cache, which a print server would already have
	for b.Loop() {
		run()
	}
	if fi, err := os.Stat(out); err == nil {
		b.ReportMetric(float64(fi.Size())/1024, "KB/pdf")
	}
}

// htmlSlip is one slip's content for the HTML rendering.
type htmlSlip struct {
	SlipData
	Sum     htmlTotals
	Bars    []htmlBar
	BarsW   float64
	Ordered string
	Lines   []htmlLine
}

type htmlBar struct{ X, W float64 }

type htmlTotals struct {
	Goods, Shipping, Total int64
	Rates                  []htmlRate
}

type htmlRate struct {
	Rate        int
	Amount, Tax int64
}

type htmlLine struct {
	soko.OrderLine
	Price, Amount string
}

// writeHTMLSlips writes the slips as one HTML document equivalent to the PDF:
// the same blocks, font and barcode (as SVG rectangles at 0.33 mm modules).
func writeHTMLSlips(w io.Writer, slips []SlipData) error {
	var data []htmlSlip
	for i := range slips {
		sum, err := totalsOf(&slips[i])
		if err != nil {
			return err
		}
		code, err := code128Bars(slips[i].Order.Number)
		if err != nil {
			return err
		}
		h := htmlSlip{SlipData: slips[i], Sum: htmlTotals{Goods: sum.goods, Shipping: sum.shipping, Total: sum.total}, Ordered: date(slips[i].Order.OrderedAt), BarsW: code.width(0.33)}
		for _, r := range sum.byRate {
			h.Sum.Rates = append(h.Sum.Rates, htmlRate{Rate: r.rate, Amount: r.amount, Tax: r.tax})
		}
		x := quietModules * 0.33
		for j, run := range code.runs {
			if j%2 == 0 {
				h.Bars = append(h.Bars, htmlBar{X: x, W: float64(run) * 0.33})
			}
			x += float64(run) * 0.33
		}
		for _, l := range slips[i].Order.Lines {
			h.Lines = append(h.Lines, htmlLine{OrderLine: l, Price: yen(l.UnitPrice), Amount: yen(l.UnitPrice * int64(l.Quantity))})
		}
		data = append(data, h)
	}
	return htmlSlipTemplate.Execute(w, data)
}

var htmlSlipTemplate = template.Must(template.New("slip").Funcs(template.FuncMap{
	"yen": yen, "postal": postalCode,
}).Parse(`<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8"><style>
html { zoom: 1.33; } /* unpatched-Qt wkhtmltopdf renders CSS sizes at 72/96 */
body { font-family: "IPAexGothic"; font-size: 9pt; margin: 0; }
.slip { page-break-after: always; }
h1 { text-align: center; font-size: 18pt; font-weight: normal; margin: 0 0 3mm; }
.head { display: table; width: 100%; }
.to, .from { display: table-cell; vertical-align: top; }
.from { width: 84mm; }
.name { font-size: 12pt; border-bottom: 0.3mm solid #000; }
.small { font-size: 7.5pt; }
table.lines { width: 100%; border-collapse: collapse; margin-top: 3mm; }
table.lines th { background: #e6e6e6; font-weight: normal; text-align: left; }
table.lines td { border-bottom: 0.1mm solid #a0a0a0; vertical-align: top; }
.num { text-align: right; }
table.totals { margin-left: auto; width: 100mm; border-collapse: collapse; margin-top: 3mm; }
table.totals td { border-bottom: 0.1mm solid #000; }
.message { border-top: 0.2mm solid #000; margin-top: 8mm; padding: 2mm; }
</style></head><body>
{{range .}}<div class="slip">
<h1>納品書</h1>
<div class="head">
 <div class="to">
  {{postal .Order.Recipient.PostalCode}}<br>
  {{.Order.Recipient.Prefecture}}{{.Order.Recipient.City}}{{.Order.Recipient.Street}}<br>
  {{.Order.Recipient.Building}}<br>{{.Order.Recipient.Company}}<br>
  <div class="name">{{.Order.Recipient.Name}} 様</div>
 </div>
 <div class="from">
  <svg width="{{.BarsW}}mm" height="12mm" viewBox="0 0 {{.BarsW}} 12">{{range .Bars}}<rect x="{{.X}}" y="0" width="{{.W}}" height="12"/>{{end}}</svg><br>
  ご注文番号　{{.Order.Number}}<br>ご注文日　{{.Ordered}}<br><br>
  {{.Merchant.Name}}<br>
  <span class="small">{{postal .Merchant.Sender.PostalCode}}<br>
  {{.Merchant.Sender.Prefecture}}{{.Merchant.Sender.City}}{{.Merchant.Sender.Street}}<br>
  {{.Merchant.Sender.Building}}<br>TEL {{.Merchant.Sender.Phone}}</span>
 </div>
</div>
<p>この度はご注文いただき誠にありがとうございます。下記の通り納品いたします。</p>
<table class="lines"><thead><tr><th style="width:17%">商品コード</th><th>商品名</th><th class="num" style="width:8%">数量</th><th class="num" style="width:13.5%">単価</th><th class="num" style="width:13.5%">金額</th></tr></thead>
<tbody>{{range .Lines}}<tr><td>{{.SKU}}</td><td>{{if eq .TaxRate 8}}※{{end}}{{.Name}}</td><td class="num">{{.Quantity}}</td><td class="num">{{.Price}}</td><td class="num">{{.Amount}}</td></tr>{{end}}</tbody></table>
<table class="totals">
<tr><td>小計</td><td class="num">{{yen .Sum.Goods}}</td></tr>
<tr><td>送料</td><td class="num">{{yen .Sum.Shipping}}</td></tr>
<tr><td>合計</td><td class="num">{{yen .Sum.Total}}</td></tr>
{{range .Sum.Rates}}<tr><td>{{.Rate}}%対象</td><td class="num">{{yen .Amount}}（内消費税 {{yen .Tax}}）</td></tr>{{end}}
{{if .Order.CODAmount}}<tr><td>代引金額</td><td class="num">{{yen .Order.CODAmount}}</td></tr>{{end}}
</table>
<div class="message">{{.Merchant.SlipMessage}}</div>
</div>{{end}}
</body></html>`))
