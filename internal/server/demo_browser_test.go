package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/soko-wms/soko/internal/demo"
	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// TestConsole_DemoDashboardInBrowser serves the demo warehouse after its
// working day, played to 17:30 in Japan, and opens /console on a
// 1366×768 desktop as its supervisor: the dashboard shows the store's own
// figures for every stage, exception, carrier, wave and person, with both
// hourly charts drawn, and is kept as the screenshot `dashboard`; the
// short-pick exception leads to the one short order, and to its page.
func TestConsole_DemoDashboardInBrowser(t *testing.T) {
	ctx := context.Background()
	db := storagetest.MustOpenSQLite(t)
	end := time.Date(2026, 11, 23, 8, 30, 0, 0, time.UTC)
	day := demo.NewDay(demo.Warehouse(end), end)
	db.Now = day.Now
	if err := db.Load(ctx, day.Opening); err != nil {
		t.Fatal(err)
	}
	if err := day.Play(ctx, db); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(New(Config{
		Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Version: "test",
		Now: func() time.Time { return end },
	}))
	t.Cleanup(srv.Close)
	d, err := db.Dashboard(ctx, end)
	if err != nil {
		t.Fatal(err)
	}

	c := console{mustBrowser(t, srv.URL+"/console", screen{1366, 768, false})}
	c.clockAt(end)
	c.signIn("V001", "731946")
	c.expect("ok", "伊藤")
	c.waitFor("the dashboard with its figures", `!document.getElementById('dashboard').hidden
		&& document.querySelectorAll('#dash-pipeline .stage').length === 10
		&& document.querySelectorAll('#dash-exceptions a.exception').length > 0
		&& document.querySelectorAll('#dash-people-rows tr').length > 0`)
	c.waitFor("both charts drawn", `['dash-chart-shipped', 'dash-chart-scans'].every(function (id) {
		var img = document.getElementById(id); return img.complete && img.naturalWidth > 0; })`)

	for _, st := range pipeline {
		if got, want := c.text("#dash-pipeline .stage."+string(st)+" b"), strconv.Itoa(d.Stages[st]); got != want {
			t.Errorf("the pipeline shows %s %s, the store %s", got, st, want)
		}
	}
	for _, k := range exceptionKinds {
		want := k.count(d.Exceptions)
		got := c.text("#dash-exceptions a.exception." + k.kind + " b")
		if (want == 0 && got != "(missing)") || (want > 0 && got != strconv.Itoa(want)) {
			t.Errorf("the exception %s shows %s, the store counts %d", k.kind, got, want)
		}
	}
	for _, kind := range []string{"short", "backordered", "inspection", "weight", "low_stock", "counts", "missing"} {
		if !c.visible("#dash-exceptions a.exception." + kind) {
			t.Errorf("the played day shows no %s exception", kind)
		}
	}
	if got := c.eval(`String(document.querySelectorAll('#dash-carriers li.carrier').length)`); got != strconv.Itoa(len(d.Carriers)) {
		t.Errorf("%s carriers shown, the store has %d", got, len(d.Carriers))
	}
	carriers := c.text("#dash-carriers")
	for _, want := range []string{"佐川急便", "締め 19:00", "ヤマト運輸", "締め 19:30", "日本郵便"} {
		if !strings.Contains(carriers, want) {
			t.Errorf("the carriers show %q, without %q", carriers, want)
		}
	}
	rows := 0
	for _, w := range d.Waves {
		rows += len(w.Pickers)
	}
	if got := c.eval(`String(document.querySelectorAll('#dash-wave-rows tr').length)`); got != strconv.Itoa(rows) {
		t.Errorf("%s wave rows shown, the store has %d pick lists", got, rows)
	}
	// Each chart says what it shows and what its colours mean.
	if got := c.eval(`Array.from(document.querySelectorAll('#dashboard figure.chart')).map(function (f) {
		return f.querySelector('figcaption b').textContent + ': ' + Array.from(f.querySelectorAll('.key')).map(function (k) { return k.textContent; }).join(', ');
	}).join(' / ')`); got != "時間別の出荷個数: 出荷した個口（時刻ごと、横軸は時） / 時間別のスキャン数: 受け付けたスキャン, エラーで拒否したスキャン" {
		t.Errorf("the charts' titles and legends read %q", got)
	}
	// Waves read in the floor's words: バッチ or シングル, never the internal "(batch)".
	if waves := c.text("#dash-wave-rows"); strings.Contains(waves, "(batch)") || strings.Contains(waves, "(single)") ||
		rows > 0 && !strings.Contains(waves, "バッチ") && !strings.Contains(waves, "シングル") {
		t.Errorf("the waves show internal codes: %q", waves)
	}

	people := c.text("#dash-people-rows")
	for _, p := range d.People {
		if !strings.Contains(people, p.Name) {
			t.Errorf("the people table %q lacks %s", people, p.Name)
		}
	}
	if got := c.eval(`String(document.querySelectorAll('#dash-people-rows tr').length)`); got != strconv.Itoa(len(d.People)) {
		t.Errorf("%s people shown, the store has %d", got, len(d.People))
	}
	if got := c.text("#dash-updated"); got != "17:30 更新" {
		t.Errorf("the dashboard says %q, want it updated at the desktop's 17:30", got)
	}
	c.shot("dashboard")
	c.do(chromedp.Evaluate[chromedp.Void](`document.getElementById('dash-chart-shipped').scrollIntoView()`))
	c.shot("dashboard-charts")

	c.click("#dash-exceptions a.exception.short")
	c.waitFor("the short orders' address", fmt.Sprintf(`location.hash === %q`, "#orders?status="+string(soko.OrderShort)))
	c.waitFor("the short orders listed", `!document.getElementById('orders').hidden && document.querySelectorAll('#ord-table tbody tr').length > 0`)
	if got := c.eval(`Array.from(document.querySelectorAll('#ord-table tbody tr')).map(function (tr) { return tr.cells[0].textContent; }).join(' ')`); got != "SKR-100002" {
		t.Errorf("the short orders listed are %q, want the demo's SKR-100002", got)
	}
	c.click("#ord-table tbody tr a")
	c.waitFor("the short order's page", `!document.getElementById('order-body').hidden && document.getElementById('order-title').textContent.indexOf('SKR-100002') >= 0`)
	c.shot("short-order")

	// 在庫: the day's low stock and the shelf left to count after the short
	// pick, as the store has them, and the inbounds still to receive.
	c.click(`nav a[href="#stock"]`)
	c.waitFor("the stock alerts", `!document.getElementById('stock').hidden && document.querySelectorAll('#stock-low-rows tr').length > 0 && document.querySelectorAll('#stock-counts li').length > 0`)
	if got := c.text("#stock-counts"); !strings.Contains(got, "A-02-04-1") {
		t.Errorf("the shelves to count are %q, want the short pick's A-02-04-1", got)
	}
	if low, _ := db.ListLowStock(ctx); c.eval(`String(document.querySelectorAll('#stock-low-rows tr').length)`) != fmt.Sprint(len(low)) {
		t.Errorf("the page lists %s low products, the store %d", c.eval(`String(document.querySelectorAll('#stock-low-rows tr').length)`), len(low))
	}
	c.waitFor("the inbounds, or that there are none", `document.querySelectorAll('#stock-inbound-rows tr').length > 0 || !document.getElementById('stock-no-inbounds').hidden`)
	c.shot("stock")

	// The short-picked cup: its shelf holds back what the books say lies
	// there, and the channels are told the figures the API and feed tell.
	var merchant int64
	ms, _ := db.ListMerchants(ctx)
	for _, m := range ms {
		if _, err := db.FindProduct(ctx, m.ID, "SKR-0015"); err == nil {
			merchant = m.ID
		}
	}
	want, err := db.StockOf(ctx, merchant, "SKR-0015")
	if err != nil || want.Held == 0 {
		t.Fatalf("the short-picked cup's stock %+v %v: nothing held", want, err)
	}
	c.waitFor("the merchants to choose from", fmt.Sprintf(`!!document.querySelector('#stock-merchant option[value="%d"]')`, merchant))
	c.eval(fmt.Sprintf(`document.getElementById('stock-merchant').value = '%d'; document.getElementById('stock-location').value = ''; 'ok'`, merchant))
	c.fill("#stock-sku", "SKR-0015")
	c.click(`#stock-form button[type="submit"]`)
	c.waitFor("the cup's figures", `!document.getElementById('stock-figures').hidden && document.querySelectorAll('#stock-figure-rows tr').length === 1`)
	// The shelves come in an answer of their own, maybe after the figures.
	c.waitFor("the cup's shelves", `Array.from(document.querySelectorAll('#stock-place-rows tr')).some(function (tr) {
		return tr.cells[0].textContent === 'A-02-04-1' && tr.cells[2].textContent === 'SKR-0015'; })`)
	if got, wantRow := c.eval(`Array.from(document.querySelectorAll('#stock-figure-rows td')).map(function (td) { return td.textContent; }).join(' ')`),
		fmt.Sprintf("SKR-0015 %d %d %d %d %d", want.OnHand, want.Allocated, want.Held, want.Buffer, want.Sellable()); got != wantRow {
		t.Errorf("the console tells the channels %q, the API %q", got, wantRow)
	}
	if got := c.eval(`Array.from(document.querySelectorAll('#stock-place-rows tr')).filter(function (tr) { return tr.cells[0].textContent === 'A-02-04-1'; }).map(function (tr) { return tr.cells[9].textContent; }).join()`); got != "引当停止（棚卸待ち・棚入れ前）" {
		t.Errorf("the short shelf's row says %q, want it held", got)
	}
	c.shot("stock-figures")
	c.checkClean()
}

// clockAt sets the desktop's clock to at, running on from there, and
// reloads the page, so what the page dates by its own clock agrees with
// the server's fixed one.
func (c console) clockAt(at time.Time) {
	c.t.Helper()
	c.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
			Source: fmt.Sprintf(`(function () { var shift = %d - Date.now(), now = Date.now; Date.now = function () { return now() + shift; }; })();`, at.UnixMilli()),
		})
		return err
	}), chromedp.Reload())
}
