package server

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// TestAPI_ShipDates: orders get a planned ship date from their delivery
// date and the warehouse calendar (storagetest.Fixed is 18:00 on 勤労感謝の日,
// so the next ship day is Tuesday the 24th); a delivery date no carrier
// meets and a ship date the warehouse cannot keep are refused naming the
// field and the earliest date; a supervisor edits the calendar and the
// transit days, pulls an order forward, and the dashboard lists ship
// dates, late orders and old holds.
func TestAPI_ShipDates(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		now := storagetest.Fixed
		h := mustAPIServer(t, db, Config{Now: func() time.Time { return now }})
		if err := db.Load(context.Background(), &soko.Seed{Staff: []soko.SeedStaff{
			{Staff: soko.Staff{BadgeCode: "V001", Name: "伊藤", Role: soko.RoleSupervisor, Active: true}, PIN: "5555"},
		}}); err != nil {
			t.Fatal(err)
		}
		shop := client{t, h, keySakura}
		boss := signIn(t, h, "V001", "5555")
		shop.must(201, "PUT", "/api/v1/products/TOWEL-1", product("今治タオル", 1650, "4901234567894"))
		shipDate := func(r reply) string {
			t.Helper()
			if d := decode[api.Order](t, r).ShipDate; d != nil {
				return d.String()
			}
			return ""
		}

		if d := shipDate(shop.must(201, "POST", "/api/v1/orders", order("SO-NOW", line("TOWEL-1", 1)))); d != "2026-11-24" {
			t.Errorf("no delivery date: ship date %q, want the next working day", d)
		}
		o := order("SO-DEC1", line("TOWEL-1", 1))
		o["delivery_date"] = "2026-12-01"
		created := shop.must(201, "POST", "/api/v1/orders", o)
		if d := shipDate(created); d != "2026-11-30" {
			t.Errorf("delivery on Tuesday the 1st in Tokyo: ship date %q, want Monday the 30th", d)
		}

		o = order("SO-SOON", line("TOWEL-1", 1))
		o["delivery_date"] = "2026-11-24"
		r := shop.must(422, "POST", "/api/v1/orders", o)
		if f := r.fields(); len(f) != 1 || f[0] != "delivery_date" || !strings.Contains(string(r.Raw), "最短のお届け日は 2026-11-25") {
			t.Errorf("a delivery date too soon: %s", r.Raw)
		}
		r = shop.must(422, "POST", "/api/v1/orders", o, "Accept-Language", "en")
		if !strings.Contains(string(r.Raw), "earliest possible delivery date is 2026-11-25") {
			t.Errorf("in English: %s", r.Raw)
		}
		o = order("SO-SAT", line("TOWEL-1", 1))
		o["ship_date"] = "2026-11-28"
		if r := shop.must(422, "POST", "/api/v1/orders", o); !contains(r.fields(), "ship_date") || !strings.Contains(string(r.Raw), "2026-11-30") {
			t.Errorf("a ship date on a Saturday: %s", r.Raw)
		}
		o["ship_date"] = "2026-11-27"
		if d := shipDate(shop.must(201, "POST", "/api/v1/orders", o)); d != "2026-11-27" {
			t.Errorf("the merchant's ship date: %q", d)
		}
		changed := shop.must(200, "PATCH", "/api/v1/orders/SO-DEC1", map[string]any{"delivery_date": "2026-12-04"})
		if d := shipDate(changed); d != "2026-12-03" {
			t.Errorf("a new delivery date: ship date %q, want 2026-12-03", d)
		}

		// The supervisor closes the 3rd and makes Yamato slower to Tokyo.
		cal := boss.op("GET", "/ops/ship-calendar", nil, "")
		if cal.Status != 200 {
			t.Fatalf("calendar: %s", cal.Raw)
		}
		if c := decode[api.ShipCalendar](t, cal); c.CutOff != "15:00" || c.Prefecture != "東京都" || len(c.PublicHolidays) < 32 {
			t.Fatalf("calendar: %s", cal.Raw)
		}
		put := map[string]any{"prefecture": "東京都", "working_days": []bool{false, true, true, true, true, true, false}, "cut_off": "16:00",
			"public_holidays_off": true, "company_holidays": []map[string]any{{"date": "2026-12-03", "name": "棚卸"}}}
		if r := boss.op("PUT", "/ops/ship-calendar", put, boss.csrf); r.Status != 200 || len(decode[api.ShipCalendar](t, r).CompanyHolidays) != 1 {
			t.Fatalf("saving the calendar: %d %s", r.Status, r.Raw)
		}
		put["cut_off"], put["prefecture"] = "25:00", "東京"
		if r := boss.op("PUT", "/ops/ship-calendar", put, boss.csrf); r.Status != 422 || !contains(r.fields(), "cut_off") || !contains(r.fields(), "prefecture") {
			t.Errorf("a bad calendar: %d %s", r.Status, r.Raw)
		}
		if r := boss.op("PUT", "/ops/transit-days/yamato", map[string]any{"days": []map[string]any{{"prefecture": "東京都", "days": 2}}}, boss.csrf); r.Status != 200 {
			t.Fatalf("transit days: %d %s", r.Status, r.Raw)
		}
		if r := boss.op("PUT", "/ops/transit-days/yamato", map[string]any{"days": []map[string]any{{"prefecture": "Tokyo", "days": 2}}}, boss.csrf); r.Status != 422 || !contains(r.fields(), "days[0].prefecture") {
			t.Errorf("an unknown prefecture: %d %s", r.Status, r.Raw)
		}
		if r := boss.op("GET", "/ops/transit-days/pelican", nil, ""); r.Status != 404 {
			t.Errorf("an unknown carrier: %d", r.Status)
		}
		table := boss.op("GET", "/ops/transit-days/yamato", nil, "")
		rows := decode[api.TransitTable](t, table).Rows
		if tokyo := rows[12]; len(rows) != 47 || tokyo.Prefecture != "東京都" || tokyo.Days != 2 || tokyo.DefaultDays != 1 || !tokyo.Set {
			t.Errorf("transit table: %s", table.Raw)
		}
		o = order("SO-DEC4", line("TOWEL-1", 1))
		o["delivery_date"] = "2026-12-04"
		if d := shipDate(shop.must(201, "POST", "/api/v1/orders", o)); d != "2026-12-02" {
			t.Errorf("two days in transit and the 3rd closed: ship date %q, want 2026-12-02", d)
		}

		// Pulled forward from the console.
		found := boss.op("GET", "/ops/orders?q=SO-DEC4", nil, "")
		id := decode[api.ConsoleOrderList](t, found).Data[0].Id
		view := boss.op("GET", "/ops/orders/"+itoa64(id), nil, "")
		if o := decode[api.ConsoleOrder](t, view); !slices.Contains(o.Actions, "pull_forward") || !dateIs(o.ShipDate, "2026-12-02") {
			t.Fatalf("console order: %s", view.Raw)
		}
		pulled := boss.op("POST", "/ops/orders/"+itoa64(id)+"/actions", map[string]any{"action": "pull_forward"}, boss.csrf)
		if pulled.Status != 200 {
			t.Fatalf("pulled forward: %d %s", pulled.Status, pulled.Raw)
		}
		if o := decode[api.ConsoleOrderActionResult](t, pulled).Order; !dateIs(o.ShipDate, "2026-11-23") || slices.Contains(o.Actions, "pull_forward") {
			t.Fatalf("pulled forward: %d %s", pulled.Status, pulled.Raw)
		}

		// Old holds: after the merchant's two days.
		if r := shop.must(422, "PUT", "/api/v1/hold-settings", map[string]any{"alert_days": 400, "auto_free": false}); !contains(r.fields(), "alert_days") {
			t.Errorf("400 days: %s", r.Raw)
		}
		if r := shop.must(200, "PUT", "/api/v1/hold-settings", map[string]any{"alert_days": 2, "auto_free": true}); decode[api.HoldSettings](t, r) != (api.HoldSettings{AlertDays: 2, AutoFree: true}) {
			t.Errorf("hold settings: %s", r.Raw)
		}
		o = order("SO-PAY", line("TOWEL-1", 1))
		o["hold"] = map[string]any{"reason": "payment_pending", "note": "銀行振込"}
		shop.must(201, "POST", "/api/v1/orders", o)
		now = now.Add(50 * time.Hour)
		dash := decode[api.Dashboard](t, boss.op("GET", "/ops/dashboard", nil, ""))
		if holds := dash.OldHolds; len(holds) != 1 || holds[0].OrderNo != "SO-PAY" || holds[0].ReasonLabel != "入金待ち" || holds[0].Days != 2 {
			t.Errorf("old holds: %+v", holds)
		}
		if late := dash.AtRisk; len(late) < 2 || late[0].OrderNo != "SO-DEC4" {
			t.Errorf("at risk on the 25th: %+v", late)
		}
		if dates := dash.ShipDates; len(dates) == 0 || !dates[0].Overdue {
			t.Errorf("ship dates: %+v", dates)
		}
	})
}

// dateIs reports whether an optional date is set to want (YYYY-MM-DD).
func dateIs(d *openapi_types.Date, want string) bool { return d != nil && d.String() == want }
