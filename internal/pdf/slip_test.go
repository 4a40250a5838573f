package pdf

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"

	"github.com/soko-wms/soko/internal/soko"
)

var update = flag.Bool("update", false, "rewrite testdata/slip_golden.txt from the current output")

// fixedNow is the clock golden tests print with.
func fixedNow() time.Time { return time.Date(2026, 11, 23, 10, 30, 0, 0, soko.JST) }

const longName = "【季節限定】京都宇治抹茶と北海道産小豆を使用した贅沢な和菓子詰め合わせギフトセット（12個入り・化粧箱付き・のし対応）"

// MustSlipData is a realistic order of two tax rates, a long product name,
// shipping and cash on delivery.
func MustSlipData(tb testing.TB) SlipData {
	tb.Helper()
	return SlipData{
		Merchant: soko.Merchant{
			Code: "SAKURA",
			Name: "さくら雑貨店",
			Sender: soko.Address{
				PostalCode: "6048005", Prefecture: "京都府", City: "京都市中京区",
				Street: "河原町通三条上る恵比須町427", Building: "さくらビル3階", Phone: "075-123-4567",
			},
			SlipMessage: "この度はさくら雑貨店をご利用いただき、誠にありがとうございます。\n商品に不備がございましたら、お手数ですが到着後7日以内にご連絡ください。またのご利用を心よりお待ちしております。",
		},
		Order: soko.Order{
			Number: "SO-20261120-0042",
			Recipient: soko.Address{
				PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "丸の内1-9-1",
				Building: "丸の内グランドビル 12階", Company: "株式会社サンプル商事", Name: "山田 太郎",
			},
			DeliveryDate: time.Date(2026, 11, 25, 0, 0, 0, 0, soko.JST),
			TimeSlot:     soko.Slot14To16,
			CODAmount:    16590,
			OrderedAt:    time.Date(2026, 11, 20, 21, 15, 0, 0, soko.JST),
			Lines: []soko.OrderLine{
				{SKU: "TEA-001", Name: "静岡県産 深蒸し煎茶 100g", Quantity: 2, UnitPrice: 1070, TaxRate: 8},
				{SKU: "MUG-002", Name: "有田焼 マグカップ 藍", Quantity: 1, UnitPrice: 3300, TaxRate: 10},
				{SKU: "SET-003", Name: longName, Quantity: 1, UnitPrice: 5400, TaxRate: 8},
				{SKU: "TWL-004", Name: "今治タオル フェイスタオル 2枚組", Quantity: 3, UnitPrice: 1650, TaxRate: 10},
			},
			ShippingFee: 800,
		},
	}
}

// requireTool finds a command the test needs. Missing, it skips the test —
// unless SOKO_REQUIRE_TOOLS is set, as CI sets it, where a missing tool must
// fail loudly instead of passing by skipping.
func requireTool(tb testing.TB, name string) string {
	tb.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if _, required := os.LookupEnv("SOKO_REQUIRE_TOOLS"); required {
		tb.Fatalf("%s is required (SOKO_REQUIRE_TOOLS is set) but missing: %v", name, err)
	}
	tb.Skipf("%s not installed (Debian: poppler-utils / wkhtmltopdf)", name)
	return ""
}

// MustRender writes the slips to a temporary PDF and returns its path.
func MustRender(tb testing.TB, slips []SlipData, opt SlipOptions) string {
	tb.Helper()
	var buf bytes.Buffer
	if err := Slips(&buf, slips, opt); err != nil {
		tb.Fatalf("Slips: %v", err)
	}
	path := filepath.Join(tb.TempDir(), "slip.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

// MustRun runs a command and returns its standard output.
func MustRun(tb testing.TB, name string, args ...string) string {
	tb.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(requireTool(tb, name), args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		tb.Fatalf("%s %v: %v\n%s", name, args, err, stderr.String())
	}
	return stdout.String()
}

// MustText is the PDF's text as pdftotext -layout lays it out; pages are
// separated by form feeds.
func MustText(tb testing.TB, pdfPath string) string {
	tb.Helper()
	return MustRun(tb, "pdftotext", "-layout", "-enc", "UTF-8", pdfPath, "-")
}

func pages(text string) []string {
	return strings.Split(strings.TrimSuffix(text, "\f"), "\f")
}

// withoutSpace drops all white space, so text can be compared across the
// line breaks and column gaps pdftotext puts in.
func withoutSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// expectYen formats like a Japanese invoice, written apart from yen().
func expectYen(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return "¥" + s
}

func TestSlip_Text(t *testing.T) {
	s := MustSlipData(t)
	text := MustText(t, MustRender(t, []SlipData{s}, SlipOptions{Now: fixedNow}))

	for _, want := range []string{
		"納品書", "さくら雑貨店", "〒604-8005", "京都府京都市中京区河原町通三条上る恵比須町427", "TEL 075-123-4567",
		"山田 太郎 様", "〒100-0005", "東京都千代田区丸の内1-9-1", "丸の内グランドビル 12階", "株式会社サンプル商事",
		"SO-20261120-0042", "2026年11月20日", "2026年11月25日", "14時〜16時",
		"静岡県産 深蒸し煎茶 100g", "有田焼 マグカップ 藍", "今治タオル フェイスタオル 2枚組",
		"商品コード", "商品名", "数量", "単価", "金額", "ページ 1/1",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("slip text lacks %q", want)
		}
	}

	// The long name wraps: it is not on one line, yet every character of it
	// is printed, in order, in the name column.
	if strings.Contains(text, longName) {
		t.Errorf("long name %q did not wrap", longName)
	}
	if col := nameColumn(t, MustRender(t, []SlipData{s}, SlipOptions{Now: fixedNow}), A4); !strings.Contains(withoutSpace(col), withoutSpace(longName)) {
		t.Errorf("name column does not hold the whole long name; it reads:\n%s", col)
	}

	// Totals, computed here the plain way.
	byRate := map[int]int64{}
	var goods int64
	for _, l := range s.Order.Lines {
		goods += l.UnitPrice * int64(l.Quantity)
		byRate[l.TaxRate] += l.UnitPrice * int64(l.Quantity)
	}
	byRate[10] += s.Order.ShippingFee
	total := goods + s.Order.ShippingFee
	if goods != 15790 || total != 16590 || byRate[10] != 9050 || byRate[8] != 7540 {
		t.Fatalf("fixture changed: goods %d total %d 10%% %d 8%% %d", goods, total, byRate[10], byRate[8])
	}
	tax10 := byRate[10] * 10 / 110 // 822.7 → 822
	tax8 := byRate[8] * 8 / 108    // 558.5 → 558
	lines := strings.Split(text, "\n")
	wantLine := func(label string, values ...string) {
		t.Helper()
		for _, l := range lines {
			if strings.Contains(l, label) {
				ok := true
				for _, v := range values {
					ok = ok && strings.Contains(l, v)
				}
				if ok {
					return
				}
			}
		}
		t.Errorf("no line with %q and %q in:\n%s", label, values, text)
	}
	wantLine("小計", expectYen(goods))
	wantLine("送料", expectYen(s.Order.ShippingFee))
	wantLine("合計", expectYen(total))
	wantLine("10%対象", expectYen(byRate[10]), "内消費税 "+expectYen(tax10))
	wantLine("8%対象", expectYen(byRate[8]), "内消費税 "+expectYen(tax8))
	wantLine("代引金額", expectYen(s.Order.CODAmount))
	wantLine("有田焼", expectYen(3300))
	wantLine("今治タオル", "3", expectYen(1650), expectYen(4950))
	if tax10 != 822 || tax8 != 558 {
		t.Errorf("taxes %d %d, want 822 558", tax10, tax8)
	}

	// The merchant's message closes the slip, after everything else.
	msg := strings.Index(withoutSpace(text), "またのご利用を心よりお待ちしております。")
	if msg < 0 || msg < strings.Index(withoutSpace(text), "代引金額") {
		t.Errorf("slip message missing or not at the bottom")
	}
}

// nameColumn is the text pdftotext finds in the product-name column of the
// table, top to bottom, which a wrapped name is read back from.
func nameColumn(tb testing.TB, pdfPath string, size PageSize) string {
	tb.Helper()
	lay, err := slipLayoutFor(size)
	if err != nil {
		tb.Fatal(err)
	}
	sw := slipWriter{lay: lay, s: &SlipData{}}
	name := sw.columns()[1]
	const pt = 72 / 25.4 // pdftotext crops in points at its default 72 dpi
	return MustRun(tb, "pdftotext", "-enc", "UTF-8", "-f", "1", "-l", "1",
		"-x", strconv.Itoa(int(name.x*pt)), "-y", "0",
		"-W", strconv.Itoa(int(name.w*pt)), "-H", strconv.Itoa(int(lay.page.Ht*pt)), pdfPath, "-")
}

func TestSlip_Barcode(t *testing.T) {
	for _, size := range []PageSize{A4, A5} {
		t.Run(string(size), func(t *testing.T) {
			s := MustSlipData(t)
			path := MustRender(t, []SlipData{s}, SlipOptions{Size: size, Now: fixedNow})
			if got := decodeCode128(t, path); got != s.Order.Number {
				t.Errorf("barcode reads %q, want %q", got, s.Order.Number)
			}
		})
	}
}

// decodeCode128 renders the first page at 300 dpi, as a label printer or
// scanner would see it, and reads the Code 128 barcode on it.
func decodeCode128(tb testing.TB, pdfPath string) string {
	tb.Helper()
	prefix := filepath.Join(tb.TempDir(), "page")
	MustRun(tb, "pdftoppm", "-r", "300", "-png", "-f", "1", "-l", "1", "-singlefile", pdfPath, prefix)
	file, err := os.Open(prefix + ".png")
	if err != nil {
		tb.Fatal(err)
	}
	defer file.Close()
	img, err := png.Decode(file)
	if err != nil {
		tb.Fatal(err)
	}
	// The barcode sits in the top right quarter; scanning just that keeps
	// text elsewhere on the page out of the reader's way.
	b := img.Bounds()
	top := img.(interface {
		SubImage(image.Rectangle) image.Image
	}).SubImage(image.Rect(b.Dx()/2-b.Dx()/10, 0, b.Dx(), b.Dy()/4))
	bmp, err := gozxing.NewBinaryBitmapFromImage(top)
	if err != nil {
		tb.Fatal(err)
	}
	hints := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}
	res, err := oned.NewCode128Reader().Decode(bmp, hints)
	if err != nil {
		tb.Fatalf("no Code 128 barcode found: %v", err)
	}
	return res.GetText()
}

func TestSlip_GiftHidesPrices(t *testing.T) {
	s := MustSlipData(t)
	s.Order.Gift = soko.GiftOptions{Wrap: true, HidePrices: true, Message: "お誕生日おめでとう！\nいつもありがとう。"}
	text := MustText(t, MustRender(t, []SlipData{s}, SlipOptions{Now: fixedNow}))
	for _, banned := range []string{"¥", "金額", "単価", "小計", "合計", "消費税", "代引", "対象"} {
		if strings.Contains(text, banned) {
			t.Errorf("gift slip shows %q:\n%s", banned, text)
		}
	}
	for _, want := range []string{"数量", "有田焼 マグカップ 藍", "ギフト包装", "お誕生日おめでとう！", "いつもありがとう。", "山田 太郎 様"} {
		if !strings.Contains(text, want) {
			t.Errorf("gift slip lacks %q", want)
		}
	}
	if !regexp.MustCompile(`今治タオル フェイスタオル 2枚組\s+3\n`).MatchString(text) {
		t.Errorf("gift slip does not show the quantity alone:\n%s", text)
	}
}

func TestSlip_Noshi(t *testing.T) {
	s := MustSlipData(t)
	s.Order.Gift = soko.GiftOptions{Wrapping: soko.WrapBox, Noshi: soko.Noshi{Title: "御歳暮", Name: "山田", Placement: soko.NoshiOuter}, HidePrices: true}
	text := MustText(t, MustRender(t, []SlipData{s}, SlipOptions{Now: fixedNow}))
	// The intro wraps where the page ends: read it without spaces and breaks.
	flat := regexp.MustCompile(`[\s　]+`).ReplaceAllString(text, "")
	for _, want := range []string{"ギフト包装化粧箱", "のし御歳暮（外のし・名入れ山田）"} {
		if !strings.Contains(flat, want) {
			t.Errorf("slip lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "¥") {
		t.Errorf("prices on a gift slip:\n%s", text)
	}
}

func TestSlip_SetWithComponents(t *testing.T) {
	s := MustSlipData(t)
	s.Order.CODAmount = 0
	s.Order.Lines = []soko.OrderLine{
		{ID: 1, SKU: "GIFT-SET", Name: "煎茶と湯呑みのギフトセット", Quantity: 2, UnitPrice: 4400, TaxRate: 10, IsSet: true},
		{ID: 2, SKU: "TEA-001", Name: "深蒸し煎茶 100g", Quantity: 2, TaxRate: 10, SetLineID: 1},
		{ID: 3, SKU: "CUP-002", Name: "有田焼 湯呑み", Quantity: 4, TaxRate: 10, SetLineID: 1},
	}
	text := MustText(t, MustRender(t, []SlipData{s}, SlipOptions{Now: fixedNow}))
	for _, re := range []string{`GIFT-SET\s+煎茶と湯呑みのギフトセット\s+2\s+¥4,400\s+¥8,800`, `TEA-001\s+└ 深蒸し煎茶 100g\s+2\n`, `CUP-002\s+└ 有田焼 湯呑み\s+4\n`, `小計\s+¥8,800`} {
		if !regexp.MustCompile(re).MatchString(text) {
			t.Errorf("slip lacks %s:\n%s", re, text)
		}
	}
}

// A set whose kits were assembled ahead lists the kits under it, marked.
func TestSlip_SetWithKits(t *testing.T) {
	s := MustSlipData(t)
	s.Order.CODAmount = 0
	s.Order.Lines = []soko.OrderLine{
		{ID: 1, ProductID: 7, SKU: "GIFT-SET", Name: "煎茶と湯呑みのギフトセット", Quantity: 3, UnitPrice: 4400, TaxRate: 10, IsSet: true},
		{ID: 2, ProductID: 8, SKU: "TEA-001", Name: "深蒸し煎茶 100g", Quantity: 1, TaxRate: 10, SetLineID: 1},
		{ID: 3, ProductID: 7, SKU: "GIFT-SET", Name: "煎茶と湯呑みのギフトセット", Quantity: 2, TaxRate: 10, SetLineID: 1},
	}
	text := MustText(t, MustRender(t, []SlipData{s}, SlipOptions{Now: fixedNow}))
	for _, re := range []string{`GIFT-SET\s+└ 煎茶と湯呑みのギフトセット（組立済）\s+2\n`, `TEA-001\s+└ 深蒸し煎茶 100g\s+1\n`, `小計\s+¥13,200`} {
		if !regexp.MustCompile(re).MatchString(text) {
			t.Errorf("slip lacks %s:\n%s", re, text)
		}
	}
}

// manyLines is an order of n lines, each with its own name.
func manyLines(tb testing.TB, n int) SlipData {
	tb.Helper()
	s := MustSlipData(tb)
	s.Order.Lines = nil
	for i := 1; i <= n; i++ {
		s.Order.Lines = append(s.Order.Lines, soko.OrderLine{
			SKU: fmt.Sprintf("SKU-%03d", i), Name: fmt.Sprintf("テスト商品 第%d号", i),
			Quantity: 1, UnitPrice: 100 * int64(i), TaxRate: 10,
		})
	}
	var total int64
	for _, l := range s.Order.Lines {
		total += l.UnitPrice
	}
	s.Order.CODAmount = total + s.Order.ShippingFee
	return s
}

func TestSlip_Paginates(t *testing.T) {
	s := manyLines(t, 40)
	path := MustRender(t, []SlipData{s}, SlipOptions{Now: fixedNow})
	ps := pages(MustText(t, path))
	if len(ps) < 2 {
		t.Fatalf("40 lines on %d page(s), want at least 2", len(ps))
	}
	if n := pdfPages(t, path); n != len(ps) {
		t.Errorf("pdfinfo says %d pages, pdftotext %d", n, len(ps))
	}
	for i, p := range ps {
		if want := fmt.Sprintf("ページ %d/%d", i+1, len(ps)); !strings.Contains(p, want) {
			t.Errorf("page %d lacks %q", i+1, want)
		}
		for _, col := range []string{"商品コード", "商品名", "数量", "単価", "金額"} {
			if !strings.Contains(p, col) {
				t.Errorf("page %d lacks the table header %q", i+1, col)
			}
		}
	}
	if !strings.Contains(ps[1], "納品書（続き）") || !strings.Contains(ps[1], s.Order.Number) {
		t.Errorf("page 2 does not say whose slip it continues:\n%s", ps[1])
	}
	all := strings.Join(ps, "")
	for _, l := range s.Order.Lines {
		if strings.Count(all, l.Name+" ") != 1 {
			t.Errorf("%q printed %d times, want once", l.Name, strings.Count(all, l.Name+" "))
		}
	}
	if !strings.Contains(ps[len(ps)-1], "合計") || strings.Contains(ps[0], "合計") {
		t.Errorf("the totals belong on the last page only")
	}
}

func TestSlip_OverlongName(t *testing.T) {
	s := MustSlipData(t)
	s.Order.Lines[1].Name = strings.Repeat("長い商品名", 400)
	ps := pages(MustText(t, MustRender(t, []SlipData{s}, SlipOptions{Now: fixedNow})))
	if len(ps) < 2 {
		t.Fatalf("a 2,000-character name fits on %d page", len(ps))
	}
	all := strings.Join(ps, "")
	if n := strings.Count(all, "長"); n != 400 {
		t.Errorf("printed %d of the name's 400 長", n)
	}
	for i, p := range ps {
		if !strings.Contains(p, fmt.Sprintf("ページ %d/%d", i+1, len(ps))) {
			t.Errorf("page %d has no page counter", i+1)
		}
	}
}

func pdfPages(tb testing.TB, path string) int {
	tb.Helper()
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindStringSubmatch(MustRun(tb, "pdfinfo", path))
	if m == nil {
		tb.Fatal("pdfinfo printed no page count")
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func TestSlips_CountPagesPerSlip(t *testing.T) {
	first, second := manyLines(t, 40), MustSlipData(t)
	second.Order.Number = "SO-20261120-0043"
	second.Order.Recipient.Name = "佐藤 花子"
	ps := pages(MustText(t, MustRender(t, []SlipData{first, second}, SlipOptions{Now: fixedNow})))
	if len(ps) != 3 {
		t.Fatalf("got %d pages, want 2 + 1", len(ps))
	}
	for i, want := range []string{"ページ 1/2", "ページ 2/2", "ページ 1/1"} {
		if !strings.Contains(ps[i], want) {
			t.Errorf("page %d lacks %q", i+1, want)
		}
	}
	if !strings.Contains(ps[2], "佐藤 花子 様") || strings.Contains(ps[1], "佐藤") {
		t.Errorf("the second slip does not start on its own page")
	}
}

func TestSlip_PaperSize(t *testing.T) {
	// 210 × 297 mm and 148 × 210 mm in points
	for _, tc := range []struct {
		size PageSize
		want string
	}{{"", "595.28 x 841.89 pts"}, {A4, "595.28 x 841.89 pts"}, {A5, "419.53 x 595.28 pts"}} {
		t.Run(string(tc.size), func(t *testing.T) {
			info := MustRun(t, "pdfinfo", MustRender(t, []SlipData{MustSlipData(t)}, SlipOptions{Size: tc.size, Now: fixedNow}))
			if !regexp.MustCompile(`Page size:\s+` + regexp.QuoteMeta(tc.want)).MatchString(info) {
				t.Errorf("pdfinfo:\n%s\nwant page size %s", info, tc.want)
			}
		})
	}
	t.Run("A5 keeps everything", func(t *testing.T) {
		path := MustRender(t, []SlipData{MustSlipData(t)}, SlipOptions{Size: A5, Now: fixedNow})
		text := MustText(t, path)
		for _, want := range []string{"さくら雑貨店", "山田 太郎 様", "今治タオル", "8%対象", "代引金額"} {
			if !strings.Contains(text, want) {
				t.Errorf("A5 slip lacks %q", want)
			}
		}
		if !strings.Contains(withoutSpace(nameColumn(t, path, A5)), withoutSpace(longName)) {
			t.Errorf("A5 name column lost part of the long name")
		}
	})
}

func TestSlip_Dates(t *testing.T) {
	info := MustRun(t, "pdfinfo", "-isodates", MustRender(t, []SlipData{MustSlipData(t)}, SlipOptions{Now: fixedNow}))
	// gofpdf writes dates without a zone, so they are written in UTC.
	for _, want := range []string{`CreationDate:\s+2026-11-23T01:30:00Z`, `ModDate:\s+2026-11-23T01:30:00Z`, `Title:\s+納品書 SO-20261120-0042`} {
		if !regexp.MustCompile(want).MatchString(info) {
			t.Errorf("pdfinfo lacks %q:\n%s", want, info)
		}
	}
}

func TestSlip_Golden(t *testing.T) {
	s := MustSlipData(t)
	s.Order.Gift.Message = "いつもお世話になっております。ささやかですがお礼の品をお送りします。"
	text := MustText(t, MustRender(t, []SlipData{s}, SlipOptions{Now: fixedNow}))
	golden := filepath.Join("testdata", "slip_golden.txt")
	if *update {
		if err := os.WriteFile(golden, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -run TestSlip_Golden -update to create it)", err)
	}
	if text != string(want) {
		t.Errorf("slip text differs from %s (if the change is meant, rerun with -update and review the diff):\n%s", golden, lineDiff(string(want), text))
	}
}

// lineDiff lists the lines that differ, enough to see what moved.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d\n- %q\n+ %q\n", i+1, wl, gl)
		}
	}
	return b.String()
}

func TestSlip_UnprintableCharacters(t *testing.T) {
	s := MustSlipData(t)
	s.Order.Recipient.Name = "𠮷田 김철수"            // beyond the BMP, and Hangul, which IPAex lacks
	s.Order.Lines[1].Name = "マグカップ 🎁ギフト\u2028対応" // an emoji and a stray separator
	s.Order.Gift.Message = "👍\r\nありがとう\t!"
	text := MustText(t, MustRender(t, []SlipData{s}, SlipOptions{Now: fixedNow}))
	for _, want := range []string{"〓田 〓〓〓 様", "マグカップ 〓ギフト"} {
		if !strings.Contains(text, want) {
			t.Errorf("slip lacks %q:\n%s", want, text)
		}
	}
}

func TestSlips_Invalid(t *testing.T) {
	for name, change := range map[string]func(*SlipData){
		"no lines":             func(s *SlipData) { s.Order.Lines = nil },
		"tax rate 5":           func(s *SlipData) { s.Order.Lines[0].TaxRate = 5 },
		"zero quantity":        func(s *SlipData) { s.Order.Lines[0].Quantity = 0 },
		"huge price":           func(s *SlipData) { s.Order.Lines[0].UnitPrice = 1 << 60 },
		"negative shipping":    func(s *SlipData) { s.Order.ShippingFee = -1 },
		"negative COD":         func(s *SlipData) { s.Order.CODAmount = -1 },
		"empty order number":   func(s *SlipData) { s.Order.Number = "" },
		"kanji order number":   func(s *SlipData) { s.Order.Number = "注文123" },
		"too long for barcode": func(s *SlipData) { s.Order.Number = strings.Repeat("AbCdEfGh", 9) },
	} {
		t.Run(name, func(t *testing.T) {
			s := MustSlipData(t)
			change(&s)
			var buf bytes.Buffer
			err := Slip(&buf, s, SlipOptions{})
			if soko.ErrorCode(err) != soko.EINVALID {
				t.Errorf("err = %v, want %s", err, soko.EINVALID)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes for an invalid slip", buf.Len())
			}
		})
	}
	if err := Slips(new(bytes.Buffer), nil, SlipOptions{}); soko.ErrorCode(err) != soko.EINVALID {
		t.Errorf("no slips: err = %v", err)
	}
	if err := Slip(new(bytes.Buffer), MustSlipData(t), SlipOptions{Size: "B5"}); soko.ErrorCode(err) != soko.EINVALID {
		t.Errorf("B5: err = %v", err)
	}
}

// Stations print at the same time; documents must not share mutable state.
func TestSlips_Concurrent(t *testing.T) {
	var wg sync.WaitGroup
	outs := make([][]byte, 8)
	for i := range outs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf bytes.Buffer
			if err := Slip(&buf, MustSlipData(t), SlipOptions{Now: fixedNow}); err != nil {
				t.Error(err)
			}
			outs[i] = buf.Bytes()
		}()
	}
	wg.Wait()
	for i := range outs {
		if !bytes.Equal(outs[i], outs[0]) {
			t.Fatalf("document %d differs from document 0 with the same input and clock", i)
		}
	}
}

func TestIncludedTax(t *testing.T) {
	for _, tc := range []struct {
		amount int64
		rate   int
		want   int64
	}{
		{1100, 10, 100}, {1099, 10, 99}, {1080, 8, 80}, {1079, 8, 79}, {9050, 10, 822}, {7540, 8, 558},
		{0, 10, 0}, {-1100, 10, -100}, {9_000_000_000_000_000_000, 10, 818_181_818_181_818_181},
	} {
		if got := includedTax(tc.amount, tc.rate); got != tc.want {
			t.Errorf("includedTax(%d, %d) = %d, want %d", tc.amount, tc.rate, got, tc.want)
		}
	}
}

func TestOneLine(t *testing.T) {
	for in, want := range map[string]string{
		"山田　太郎":            "山田　太郎", // the full-width space is part of the name
		" 丸の内\r\nビル\t12階 ": "丸の内 ビル 12階",
		"𠮷田":               "〓田",
		"☆ティー ☕":           "☆ティー 〓", // ☕ is in the BMP but not in IPAex
	} {
		if got := oneLine(in); got != want {
			t.Errorf("oneLine(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestYen(t *testing.T) {
	for n, want := range map[int64]string{0: "¥0", 999: "¥999", 1000: "¥1,000", 1234567: "¥1,234,567", -1500: "-¥1,500", -9223372036854775808: "-¥9,223,372,036,854,775,808"} {
		if got := yen(n); got != want {
			t.Errorf("yen(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestPostalCode(t *testing.T) {
	for in, want := range map[string]string{"1000005": "〒100-0005", "100-0005": "〒100-0005", "１００－０００５": "〒100-0005", "12345": "〒12345", "": ""} {
		if got := postalCode(in); got != want {
			t.Errorf("postalCode(%q) = %q, want %q", in, got, want)
		}
	}
}

// fixedWidth measures every character as one unit, or two for Japanese.
type fixedWidth struct{}

func (fixedWidth) GetStringWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		w++
		if wide(r) {
			w++
		}
	}
	return w
}

func TestWrap(t *testing.T) {
	for _, tc := range []struct {
		text  string
		width float64
		want  []string
	}{
		{"有田焼 マグカップ", 100, []string{"有田焼 マグカップ"}},
		{"あいうえおかきくけこ", 8, []string{"あいうえ", "おかきく", "けこ"}},
		{"ぶどう、りんご。", 6, []string{"ぶど", "う、り", "んご。"}},               // no line starts with 、 or 。
		{"あいう「えお」", 8, []string{"あいう", "「えお」"}},                     // no line ends with 「
		{"Organic green tea", 10, []string{"Organic", "green tea"}}, // Latin breaks at spaces
		{"ABCDEFGHIJKL", 5, []string{"ABCDE", "FGHIJ", "KL"}},       // an overlong word is broken, not cut
		{"一行目\n二行目", 100, []string{"一行目", "二行目"}},
		{"", 10, []string{""}},
	} {
		if got := wrap(fixedWidth{}, tc.text, tc.width); strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("wrap(%q, %v) = %q, want %q", tc.text, tc.width, got, tc.want)
		}
	}
}

// FuzzWrap checks that wrapping never loses a character and never exceeds
// the width except for a single character wider than the line.
func FuzzWrap(f *testing.F) {
	for _, s := range []string{longName, "Organic green tea", "「」、。ーっ", "a b  c   ", "\n\n"} {
		f.Add(s, 7.0)
	}
	f.Fuzz(func(t *testing.T, s string, width float64) {
		if width < 0.5 || width > 1000 {
			return
		}
		s = printableForTest(s)
		lines := wrap(fixedWidth{}, s, width)
		if withoutSpace(strings.Join(lines, "")) != withoutSpace(s) {
			t.Fatalf("wrap(%q, %v) = %q lost characters", s, width, lines)
		}
		for _, l := range lines {
			if w := (fixedWidth{}).GetStringWidth(l); w > width && len([]rune(l)) > 1 {
				t.Fatalf("line %q is %v wide, over %v", l, w, width)
			}
		}
	})
}

func printableForTest(s string) string {
	return strings.Map(func(r rune) rune {
		if r == unicode.ReplacementChar || (unicode.IsControl(r) && r != '\n') {
			return -1
		}
		return r
	}, s)
}

// FuzzSlip renders slips from arbitrary names and addresses: whatever shops
// send, printing must not panic and must not fail.
func FuzzSlip(f *testing.F) {
	f.Add("山田 太郎", "丸の内1-9-1", longName, "SO-1")
	f.Add("𠮷野家\x00", "\r\n\t", "🎁"+strings.Repeat("長", 2000), "A")
	f.Fuzz(func(t *testing.T, name, street, product, number string) {
		s := MustSlipData(t)
		s.Order.Recipient.Name, s.Order.Recipient.Street, s.Order.Lines[0].Name = name, street, product
		s.Order.Number = number
		err := Slip(new(bytes.Buffer), s, SlipOptions{Now: fixedNow})
		if err != nil && soko.ErrorCode(err) != soko.EINVALID {
			t.Fatalf("Slip: %v", err)
		}
	})
}

// TestSlip_CODAddsUp is issue 22 finding 5: a cash-on-delivery slip shows
// 送料, 代引手数料 and 値引き as lines and its 合計 is the COD amount the
// label prints; an order whose COD amount is not that total is refused.
func TestSlip_CODAddsUp(t *testing.T) {
	s := MustSlipData(t)
	s.Order.ShippingFee, s.Order.CODFee, s.Order.Discount = 800, 330, 500
	s.Order.CODAmount = 15790 + 800 + 330 - 500
	text := MustText(t, MustRender(t, []SlipData{s}, SlipOptions{Now: fixedNow}))
	lines := strings.Split(text, "\n")
	has := func(label, value string) {
		t.Helper()
		for _, l := range lines {
			if strings.Contains(l, label) && strings.Contains(l, value) {
				return
			}
		}
		t.Errorf("no line with %q and %q in:\n%s", label, value, text)
	}
	has("送料", expectYen(800))
	has("代引手数料", expectYen(330))
	has("値引き", expectYen(500))
	has("合計", expectYen(16420))
	has("代引金額", expectYen(16420))
	// The rates' subtotals still add up to the total: the discount comes
	// off both in proportion (7,540 of 16,920 is at 8 %: ¥222 of the ¥500).
	has("10%対象", expectYen(9050+330-278))
	has("8%対象", expectYen(7540-222))

	s.Order.CODAmount = 16590 // the goods and shipping, without fee and discount
	var buf bytes.Buffer
	if err := Slip(&buf, s, SlipOptions{}); soko.ErrorCode(err) != soko.EINVALID || !strings.Contains(err.Error(), "COD amount") {
		t.Errorf("a COD amount that is not the total printed: err = %v", err)
	}
}

// TestSlip_QualifiedInvoice: a merchant registered as a qualified invoice
// issuer (適格請求書発行事業者) has its registration number printed beside
// its name, with what makes the slip an invoice: the tax per rate and the
// reduced-rate mark. Without one the slip names no number.
func TestSlip_QualifiedInvoice(t *testing.T) {
	s := MustSlipData(t)
	s.Merchant.InvoiceNumber = "T7010705000725"
	text := withoutSpace(MustText(t, MustRender(t, []SlipData{s}, SlipOptions{Now: fixedNow})))
	for _, want := range []string{"登録番号T7010705000725", "10%対象", "8%対象", "※印は軽減税率（8%）対象商品です。"} {
		if !strings.Contains(text, withoutSpace(want)) {
			t.Errorf("slip text lacks %q", want)
		}
	}
	if name, number := strings.Index(text, "さくら雑貨店"), strings.Index(text, "登録番号"); number < name {
		t.Errorf("the registration number is not under the merchant's name")
	}

	s.Merchant.InvoiceNumber = ""
	if text := MustText(t, MustRender(t, []SlipData{s}, SlipOptions{Now: fixedNow})); strings.Contains(text, "登録番号") {
		t.Error("a slip of a merchant without a registration number names one")
	}
}

// The slip says when the parcel leaves: 出荷日 when printed on the ship
// date (at the packing station), 出荷予定日 when a wave is printed ahead.
func TestSlip_ShipDate(t *testing.T) {
	for _, tc := range []struct {
		ship time.Time
		want string
	}{
		{time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC), `発行日\s+2026年11月23日\s*\n\s*出荷日\s+2026年11月23日`},
		{time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC), `発行日\s+2026年11月23日\s*\n\s*出荷予定日\s+2026年11月24日`},
		{time.Time{}, ``},
	} {
		s := MustSlipData(t)
		s.Order.ShipDate = tc.ship
		text := MustText(t, MustRender(t, []SlipData{s}, SlipOptions{Now: fixedNow}))
		if tc.want == "" {
			if strings.Contains(text, "出荷") {
				t.Errorf("a slip without a ship date names one:\n%s", text)
			}
			continue
		}
		if !regexp.MustCompile(tc.want).MatchString(text) {
			t.Errorf("slip of an order shipping %s lacks %s:\n%s", tc.ship.Format(time.DateOnly), tc.want, text)
		}
	}
}
