package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/soko-wms/soko/internal/demo"
	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// tickingClock moves a minute on each reading, so the demo's history has
// times of its own, as a real shift would.
type tickingClock struct {
	mu sync.Mutex
	at time.Time
}

func (c *tickingClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = c.at.Add(time.Minute)
	return c.at
}

// mustShortDemo loads the demo warehouse, SAKURA allowing partial
// shipments, allocates it and sends two orders out in a wave of single
// pick lists: SKR-100004 (急須 ×2) and SKR-100009 (急須 ×1, 湯呑み ×2).
// 田中 翔太 finds no 急須 at A-02-04-2, so both end short; then two 急須
// arrive and are put away on the reserve shelf R-01-01-1.
func mustShortDemo(t *testing.T, db *storage.DB) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	seed := demo.Warehouse(storagetest.Fixed)
	for i := range seed.Merchants {
		seed.Merchants[i].AllowPartial = seed.Merchants[i].Code == "SAKURA"
	}
	ids := map[string]int64{}
	for i, o := range seed.Orders {
		if o.Number == "SKR-100004" || o.Number == "SKR-100009" {
			seed.Orders[i].Priority = 5
		}
	}
	if err := db.Load(ctx, seed); err != nil {
		t.Fatal(err)
	}
	for _, o := range seed.Orders {
		ids[o.Number] = o.ID
	}
	jan, product := map[string]string{}, map[string]int64{}
	for _, p := range seed.Products {
		jan[p.SKU], product[p.SKU] = p.Barcodes[0].Code, p.ID
	}
	staff := map[string]int64{}
	for _, s := range seed.Staff {
		staff[s.BadgeCode] = s.ID
	}
	if _, err := db.AllocateWaiting(ctx, soko.AllocationRules{}); err != nil {
		t.Fatal(err)
	}
	if w, err := db.ReleaseWave(ctx, soko.WaveRequest{MaxOrders: 2, Mode: soko.WaveSingle, StaffID: staff["V001"]}); err != nil || w.Orders != 2 {
		t.Fatalf("wave: %+v %v", w, err)
	}
	picker, n := staff["P001"], 0
	scan := func() string { n++; return fmt.Sprintf("demo-%04d", n) }
	for {
		task, err := db.NextPickTask(ctx, picker)
		if soko.ErrorCode(err) == soko.ENOTFOUND {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Pick(ctx, &soko.PickScan{ScanID: scan(), TaskID: task.ID, StaffID: picker, Device: "HT-03", Code: task.LocationCode, Location: true}); err != nil {
			t.Fatal(err)
		}
		if task.SKU == "SKR-0016" {
			if _, err := db.ReportShort(ctx, &soko.ShortPick{ScanID: scan(), TaskID: task.ID, StaffID: picker, Device: "HT-03"}, soko.AllocationRules{}); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if _, err := db.Pick(ctx, &soko.PickScan{ScanID: scan(), TaskID: task.ID, StaffID: picker, Device: "HT-03", Code: jan[task.SKU],
			ProductID: task.ProductID, Units: task.Remaining()}); err != nil {
			t.Fatal(err)
		}
	}
	sakura := seed.Merchants[0].ID
	if _, err := db.Receive(ctx, &soko.Receipt{ScanID: scan(), StaffID: picker, Device: "HT-03", MerchantID: sakura, ProductID: product["SKR-0016"], Units: 2, Code: jan["SKR-0016"]}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PutAway(ctx, &soko.Move{ScanID: scan(), StaffID: picker, Device: "HT-03", ProductID: product["SKR-0016"], Units: 2, To: "R-01-01-1"}); err != nil {
		t.Fatal(err)
	}
	for _, number := range []string{"SKR-100004", "SKR-100009"} {
		if o, _ := db.OrderByID(ctx, ids[number]); o.Status != soko.OrderShort {
			t.Fatalf("fixture: %s is %s, want short", number, o.Status)
		}
	}
	return ids
}

// TestConsole_OrdersInBrowser drives the console's orders at a desktop's
// 1366×768 on the demo warehouse: the supervisor 伊藤 誠 opens the short
// orders the dashboard links to, re-allocates SKR-100004 from the reserve
// shelf, searches the short orders again, splits SKR-100009 (SAKURA
// allows partial shipments) and follows the link to the new order; each
// time the history grows with his name, with times in Japan's time.
func TestConsole_OrdersInBrowser(t *testing.T) {
	db := storagetest.MustOpenSQLite(t)
	clock := &tickingClock{at: storagetest.Fixed.Add(-4 * time.Hour)}
	db.Now = clock.now
	ids := mustShortDemo(t, db)
	srv := httptest.NewServer(New(Config{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: clock.now}))
	t.Cleanup(srv.Close)
	c := console{mustBrowser(t, srv.URL+"/console#orders?status=short", screen{1366, 768, false})}
	rows := `document.querySelectorAll('#ord-table tbody tr')`
	timelineRows := `document.querySelectorAll('#order-timeline tbody tr').length`

	c.signIn("V001", "731946")
	c.waitFor("the short orders", `!document.getElementById('orders').hidden && `+rows+`.length === 2`)
	if got := c.eval(`Array.from(` + rows + `).map(function(r){return r.dataset.order}).join(' ')`); got != "SKR-100009 SKR-100004" {
		t.Errorf("short orders listed: %q, want the newest first", got)
	}
	if got := c.eval(`document.getElementById('ord-status').value`); got != "short" {
		t.Errorf("the status field shows %q, want the URL's short", got)
	}
	if row := c.text(`#ord-table tr[data-order="SKR-100004"]`); !strings.Contains(row, "欠品") || !strings.Contains(row, "さくら雑貨店") || !strings.Contains(row, "北海道") {
		t.Errorf("SKR-100004's row reads %q", row)
	}
	c.shot("orders-short")

	c.click(`#ord-table tr[data-order="SKR-100004"] a`)
	c.waitFor("SKR-100004's page", `!document.getElementById('order').hidden && document.getElementById('order-title').textContent === '注文 SKR-100004'`)
	if got := c.text("#order-status"); got != "欠品" {
		t.Errorf("the status shows %q", got)
	}
	short := c.text(`#order-timeline tr[data-action="short_pick"].scan`)
	if !strings.Contains(short, "欠品報告") || !strings.Contains(short, "田中 翔太") || !strings.Contains(short, "HT-03") {
		t.Errorf("the picker's short report in the history reads %q", short)
	}
	created, _ := db.OrderByID(context.Background(), ids["SKR-100004"])
	firstTime := created.CreatedAt.In(soko.JST).Format("2006/01/02 15:04:05")
	if got := c.text(`#order-timeline tbody tr:first-child .time`); got != firstTime {
		t.Errorf("the first line of the history is at %q, want %q in Japan's time", got, firstTime)
	}
	if got := c.eval(`Array.from(document.querySelectorAll('#order-buttons button')).map(function(b){return b.dataset.action}).join(' ')`); got != "hold reallocate resolve_short split cancel" {
		t.Errorf("SKR-100004 offers %q", got)
	}
	if got := c.eval(`document.getElementById('order-documents').getAttribute('href')`); got != fmt.Sprintf("/ops/station/orders/%d/documents.pdf", ids["SKR-100004"]) {
		t.Errorf("the reprint link goes to %q", got)
	}
	before := c.eval(`String(` + timelineRows + `)`)

	c.fill("#order-note", "予備棚の2個で出荷")
	c.click(`#order-buttons button[data-action="reallocate"]`)
	c.wantMsg("order-msg", "ok", "再引当しました（引当済）")
	if got := c.text("#order-status"); got != "引当済" {
		t.Errorf("after re-allocating the status shows %q", got)
	}
	last := c.text(`#order-timeline tbody tr:last-child`)
	if !strings.Contains(last, "再引当（欠品 → 引当済）") || !strings.Contains(last, "伊藤 誠") || !strings.Contains(last, "予備棚の2個で出荷") {
		t.Errorf("the history's last line reads %q", last)
	}
	if after := c.eval(`String(` + timelineRows + `)`); after == before {
		t.Errorf("the history did not grow: %s lines", after)
	}
	if got := c.text(`#order-allocations tbody`); !strings.Contains(got, "R-01-01-1") {
		t.Errorf("the allocations read %q, want the reserve shelf", got)
	}

	// Back in the list the search by status finds only the other one.
	c.click(`nav a[href="#orders"]`)
	c.waitFor("every order", `!document.getElementById('orders').hidden && `+rows+`.length > 2`)
	c.fill("#ord-status", "short")
	c.click(`#ord-form button[type=submit]`)
	c.waitFor("one short order", `location.hash === '#orders?status=short' && `+rows+`.length === 1`)
	c.click(`#ord-table tr[data-order="SKR-100009"] a`)
	c.waitFor("SKR-100009's page", `document.getElementById('order-title').textContent === '注文 SKR-100009' && !document.getElementById('order-body').hidden`)

	c.click(`#order-buttons button[data-action="split"]`)
	c.wantMsg("order-msg", "warn", "もう一度押すと「分割出荷」を実行します")
	c.click(`#order-buttons button[data-action="split"]`)
	c.wantMsg("order-msg", "ok", "分割しました。欠品分は注文 SKR-100009-2（入荷待ち）で出荷します")
	if got := c.text("#order-status"); got != "ピッキング済" {
		t.Errorf("after the split the status shows %q", got)
	}
	if got := c.text("#order-lines tbody"); strings.Contains(got, "急須") || !strings.Contains(got, "湯呑み") {
		t.Errorf("SKR-100009 ships %q, want the 湯呑み only", got)
	}
	last = c.text(`#order-timeline tbody tr:last-child`)
	for _, want := range []string{"分割出荷（欠品 → ピッキング済）", "伊藤 誠", "console", "欠品分は SKR-100009-2 へ"} {
		if !strings.Contains(last, want) {
			t.Errorf("the history's last line reads %q, want %q in it", last, want)
		}
	}
	c.shot("order-page")
	c.do(chromedp.ScrollIntoView(chromedp.CSS("#order-timeline")))
	c.shot("order-history")

	c.click("#order-new a")
	c.waitFor("the new order's page", `document.getElementById('order-title').textContent === '注文 SKR-100009-2' && !document.getElementById('order-body').hidden`)
	if got := c.text("#order-status"); got != "入荷待ち" {
		t.Errorf("SKR-100009-2 is %q", got)
	}
	if got := c.text(`#order-timeline tbody tr:last-child`); !strings.Contains(got, "伊藤 誠") || !strings.Contains(got, "SKR-100009 から分割") {
		t.Errorf("SKR-100009-2's history reads %q", got)
	}
	c.shot("new-order")
	c.checkClean()

	ctx := context.Background()
	for number, want := range map[string]soko.OrderStatus{"SKR-100004": soko.OrderAllocated, "SKR-100009": soko.OrderPicked} {
		if o, _ := db.OrderByID(ctx, ids[number]); o.Status != want {
			t.Errorf("%s is %s in the database, want %s", number, o.Status, want)
		}
	}
	if bad, err := db.CheckLedger(ctx); err != nil || len(bad) > 0 {
		t.Fatalf("ledger: %v %+v", err, bad)
	}
}
