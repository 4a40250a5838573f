package server

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// TestConsole_ShipDatesInBrowser drives the supervisor's side of ship
// dates at a desktop's 1366×768, two days after storagetest.Fixed: the
// dashboard lists the orders by ship date, the one late for its delivery
// date and the bank transfer held past its merchant's day; the calendar
// takes a company holiday, Saturdays and a later cut-off, and Yamato's
// days to Hokkaido; the order page pulls an order forward to today.
func TestConsole_ShipDatesInBrowser(t *testing.T) {
	db := storagetest.MustOpenSQLite(t)
	ctx := context.Background()
	seed := opsSeed()
	seed.Merchants[0].HoldAlertDays = 1
	to := soko.Address{PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "丸の内1-1", Name: "山田"}
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	for _, o := range []soko.Order{
		{Number: "SO-LATE", ShipDate: day("2026-11-24"), DeliveryDate: day("2026-11-25"), Carrier: "yamato"},
		{Number: "SO-LATER", ShipDate: day("2026-12-10"), Carrier: "yamato"},
		{Number: "SO-PAY", Status: soko.OrderOnHold, HeldFrom: soko.OrderReceived, HoldReason: soko.HoldPayment, HoldNote: "銀行振込"},
	} {
		o.Recipient = to
		o.Lines = []soko.OrderLine{{SKU: "TOWEL", Quantity: 1, UnitPrice: 1000, TaxRate: 10}}
		seed.Orders = append(seed.Orders, soko.SeedOrder{MerchantCode: "SAKURA", Order: o})
	}
	if err := db.Load(ctx, seed); err != nil {
		t.Fatal(err)
	}
	later := seed.Orders[1].ID
	now := storagetest.Fixed.Add(48 * time.Hour) // 18:00 on Wednesday the 25th in Japan
	db.Now = func() time.Time { return now }
	srv := httptest.NewServer(New(Config{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: db.Now}))
	t.Cleanup(srv.Close)
	c := console{mustBrowser(t, srv.URL+"/console#dashboard", screen{1366, 768, false})}
	c.signIn("V001", "5555")

	c.waitFor("the ship dates", `!document.getElementById('dashboard').hidden && document.querySelectorAll('#dash-ship-date-rows tr').length === 2`)
	if got := c.text("#dash-ship-date-rows"); !strings.Contains(got, "遅延") || !strings.Contains(got, "2026-12-10") {
		t.Errorf("ship dates read %q", got)
	}
	if got := c.text("#dash-at-risk"); !strings.Contains(got, "SO-LATE") || !strings.Contains(got, "お届け 2026-11-25") || strings.Contains(got, "SO-LATER") {
		t.Errorf("at risk reads %q", got)
	}
	if got := c.text("#dash-old-holds"); !strings.Contains(got, "SO-PAY") || !strings.Contains(got, "入金待ち") || !strings.Contains(got, "2日経過") || !strings.Contains(got, "銀行振込") {
		t.Errorf("old holds read %q", got)
	}
	c.shot("dashboard-ship-dates")

	c.click(`nav a[data-section="calendar"]`)
	c.waitFor("the transit table", `document.querySelectorAll('#transit-rows tr').length === 47 && document.getElementById('cal-prefecture').value === '東京都'`)
	if got := c.eval(`document.getElementById('cal-cutoff').value`); got != "15:00" {
		t.Errorf("cut-off shows %q", got)
	}
	if got := c.text("#cal-public"); !strings.Contains(got, "2026-09-22 国民の休日") || !strings.Contains(got, "2027-03-22 振替休日") {
		t.Errorf("public holidays read %q", got)
	}
	c.fill("#cal-new-date", "2026-12-30", "#cal-new-name", "年末休業", "#cal-cutoff", "16:00")
	c.click("#cal-add")
	c.click(`#cal-weekdays input[data-day="6"]`)
	c.click(`#cal-form button[type="submit"]`)
	c.wantMsg("cal-msg", "ok", "カレンダーを保存しました")
	c.fill(`#transit-rows input[data-prefecture="北海道"]`, "1")
	c.click(`#transit-form button[type="submit"]`)
	c.wantMsg("transit-msg", "ok", "ヤマト運輸 の輸送日数を保存しました")
	c.shot("calendar")
	cal, err := db.ShipCalendar(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if cal.Holidays[day("2026-12-30")] != "年末休業" || !cal.WorkingDays[6] || cal.CutOff != 16*60 || cal.TransitDaysTo("yamato", "北海道") != 1 || len(cal.Transit["yamato"]) != 1 {
		t.Errorf("saved calendar %+v", cal)
	}

	c.eval(`location.hash = "#order/` + itoa64(later) + `"; "ok"`)
	c.waitFor("the pull forward button", `document.querySelector('#order-actions button[data-action="pull_forward"]') !== null`)
	if got := c.text("#order-head"); !strings.Contains(got, "2026-12-10") {
		t.Errorf("order head reads %q", got)
	}
	c.click(`#order-actions button[data-action="pull_forward"]`)
	c.wantMsg("order-msg", "ok", "出荷予定日を今日にしました")
	if o, err := db.OrderByID(ctx, later); err != nil || o.ShipDate.Format(time.DateOnly) != "2026-11-25" {
		t.Errorf("pulled forward: %v %v", o.ShipDate, err)
	}
	c.checkClean()
}
