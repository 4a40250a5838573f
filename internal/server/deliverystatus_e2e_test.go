package server

import (
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"

	"github.com/chromedp/chromedp"
	"golang.org/x/text/encoding/japanese"

	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// TestDeliveryStatus_EventsWebhooksAndTrackingPage follows a parcel after
// the truck left: status events pushed by a partner over the API and
// imported from a carrier-worded Shift_JIS file, repeated and out of order;
// the merchant's shipments, its list of parcels not delivered in time, its
// shipment.exception and shipment.delivered webhooks (once each, signed);
// the supervisor's dashboard; and the customer's tracking page from the
// shipment email in headless Chromium, refused for any other token.
func TestDeliveryStatus_EventsWebhooksAndTrackingPage(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		s := mustShippingSite(t, db)
		db.PublicURL = s.url
		s.createOrder("SO-1")
		number := s.ship("SO-1")[0]
		if d, f := s.deliver(); d != 7 || f != 0 {
			t.Fatalf("shipping notices: %d delivered, %d failed", d, f)
		}
		_, _, letters := s.mailbox.received()
		page := regexp.MustCompile(regexp.QuoteMeta(s.url) + `/track/[A-Z2-7]{26}`).FindString(mustReadLetter(t, letters[0]).body)
		if page == "" {
			t.Fatalf("the shipment email has no tracking page link:\n%s", mustReadLetter(t, letters[0]).body)
		}
		shipped := s.clock.now()
		at := func(h int) string { return shipped.Add(time.Duration(h) * time.Hour).Format(time.RFC3339) }
		jst := func(h int) string {
			return shipped.Add(time.Duration(h) * time.Hour).In(soko.JST).Format("2006/01/02 15:04")
		}

		// The partner pushes the first two events; the parcel is out for delivery.
		first := s.shop.must(200, "POST", "/api/v1/tracking-events", map[string]any{"events": []map[string]any{
			{"tracking_number": number, "status": "in_transit", "occurred_at": at(2), "place": "羽田クロノゲート"},
			{"tracking_number": number, "status": "out_for_delivery", "occurred_at": at(20), "place": "千代田丸の内センター"},
		}})
		if res := decode[api.TrackingEventResult](t, first); res.Recorded != 2 || res.Duplicates != 0 || len(res.Changed) != 1 ||
			res.Changed[0] != (api.ParcelStatusChange{DeliveryStatus: "out_for_delivery", TrackingNumber: number}) {
			t.Fatalf("first push: %s", first.Raw)
		}

		// The supervisor imports the carrier's results in the console: the
		// customer was out (in the carrier's words), and one line soko has
		// from the partner already.
		dir := t.TempDir()
		file, _ := japanese.ShiftJIS.NewEncoder().String("お問い合せ送り状No.,荷物状況,日時,担当店\r\n" +
			number[:4] + "-" + number[4:8] + "-" + number[8:] + ",持戻（ご不在）," + jst(22) + ",千代田丸の内センター\r\n" +
			number + ",輸送中," + jst(2) + ",羽田クロノゲート\r\n")
		bad := "伝票番号,状態,日時\n" + number + ",配達完了," + jst(30) + "\n999999999990,配達完了," + jst(30) + "\n"
		os.WriteFile(filepath.Join(dir, "status.csv"), []byte(file), 0o644)
		os.WriteFile(filepath.Join(dir, "bad.csv"), []byte(bad), 0o644)
		c := console{mustBrowser(t, s.url+"/console", screen{1280, 800, false})}
		c.signIn("V001", "5555")
		c.click(`nav a[href="#import"]`)
		c.waitFor("the import section", `!document.getElementById('import').hidden`)
		// A file naming a parcel soko does not have is refused whole, by line.
		c.do(chromedp.SetUploadFiles(chromedp.CSS("#status-file"), []string{filepath.Join(dir, "bad.csv")}))
		c.click("#status-apply")
		c.wantMsg("status-msg", "error", "取り込めませんでした")
		if got := c.text("#status-problems"); !strings.Contains(got, "3行目") || !strings.Contains(got, "999999999990") {
			t.Errorf("the refused file's problems read %q", got)
		}
		c.do(chromedp.SetUploadFiles(chromedp.CSS("#status-file"), []string{filepath.Join(dir, "status.csv")}))
		c.click("#status-apply")
		c.wantMsg("status-msg", "ok", "2行のうち1件を記録しました（記録済み1件、状況が変わった荷物1個）")
		c.shot("status-imported")
		c.checkClean()

		// Four days on, the parcel is one the shop's support desk looks at,
		// and the supervisor's dashboard counts it.
		s.clock.add(80 * time.Hour)
		late := shipments(t, s.shop.must(200, "GET", "/api/v1/shipments?undelivered_days=2", nil))
		if len(late) != 1 || !pointsTo(late[0].DeliveryStatus, "absent") {
			t.Fatalf("undelivered after 2 days: %+v", late)
		}
		c.do(chromedp.Navigate(s.url + "/console"))
		c.signIn("V001", "5555") // the session ended overnight
		c.waitFor("the undelivered parcels", `document.querySelector('#dash-undelivered-rows tr')`)
		if title, row := c.text("#dash-undelivered-title"), c.text("#dash-undelivered-rows tr"); title != "3日を過ぎても配達未完了のお荷物" || row != "ヤマト運輸11" {
			t.Errorf("dashboard: %q %q", title, row)
		}
		// The exception links to the order, where the supervisor follows it up.
		if got := c.text("#dash-delivery-exceptions a"); !strings.Contains(got, "ご不在のため持戻り") || !strings.Contains(got, "SO-1") || !strings.Contains(got, number) {
			t.Errorf("delivery exception reads %q", got)
		}
		c.click("#dash-delivery-exceptions a")
		c.waitFor("the order's page", `location.hash.indexOf('#order/') === 0 && document.body.textContent.indexOf('SO-1') >= 0`)
		c.shot("dashboard-exception-order")
		sup := s.signIn("V001", "5555")

		// Delivered, pushed with an older event late; then the whole batch again.
		batch := map[string]any{"events": []map[string]any{
			{"tracking_number": number, "status": "delivered", "occurred_at": at(45), "place": "千代田丸の内センター"},
			{"tracking_number": number, "status": "in_transit", "occurred_at": at(5), "place": "東京ベース"},
		}}
		if res := decode[api.TrackingEventResult](t, s.shop.must(200, "POST", "/api/v1/tracking-events", batch)); res.Recorded != 2 || res.Duplicates != 0 {
			t.Fatalf("delivered: %+v", res)
		}
		if res := decode[api.TrackingEventResult](t, s.shop.must(200, "POST", "/api/v1/tracking-events", batch)); res.Recorded != 0 || res.Duplicates != 2 || len(res.Changed) != 0 {
			t.Fatalf("the same batch again: %+v", res)
		}
		// A number that is not the merchant's refuses the batch; nothing is kept.
		unknown := s.shop.must(422, "POST", "/api/v1/tracking-events", map[string]any{"events": []map[string]any{
			{"tracking_number": number, "status": "returning", "occurred_at": at(50)},
			{"tracking_number": "999999999990", "status": "delivered", "occurred_at": at(50)},
		}})
		if f := unknown.fields(); len(f) != 1 || f[0] != "events[1].tracking_number" {
			t.Fatalf("unknown number: %s", unknown.Raw)
		}

		sh := shipments(t, s.shop.must(200, "GET", "/api/v1/shipments", nil))[0]
		var history []string
		for _, e := range sh.Events {
			history = append(history, string(e.Status)+"@"+e.Place)
		}
		if !pointsTo(sh.DeliveryStatus, "delivered") || strings.Join(history, " → ") !=
			"in_transit@羽田クロノゲート → in_transit@東京ベース → out_for_delivery@千代田丸の内センター → absent@千代田丸の内センター → delivered@千代田丸の内センター" {
			t.Fatalf("shipment: %+v, history %v", sh, history)
		}
		if late := shipments(t, s.shop.must(200, "GET", "/api/v1/shipments?undelivered_days=2", nil)); len(late) != 0 {
			t.Fatalf("delivered, yet listed as undelivered: %+v", late)
		}
		if u := decode[api.Dashboard](t, sup.op("GET", "/ops/dashboard?undelivered_days=2", nil, "")).Undelivered; len(u) != 0 {
			t.Fatalf("dashboard after delivery: %+v", u)
		}

		// The merchant hears of the exception and the delivery, once each.
		if d, f := s.deliver(); d != 2 || f != 0 {
			t.Fatalf("status webhooks: %d delivered, %d failed", d, f)
		}
		events := s.merchant.events(t, "SO-1")
		if got := strings.Join(eventTypes(events[len(events)-2:]), ","); got != "shipment.exception,shipment.delivered" {
			t.Fatalf("webhooks %s", strings.Join(eventTypes(events), ","))
		}

		// Any other token is a page that does not exist.
		swap := "A"
		if page[len(page)-1] == 'A' {
			swap = "B"
		}
		for _, wrong := range []string{page[:len(page)-1] + swap, s.url + "/track/x"} {
			res, err := http.Get(wrong)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusNotFound {
				t.Fatalf("%s answered %d, want 404", wrong, res.StatusCode)
			}
		}

		// The customer opens the link on a phone: Japanese, no sign-in.
		h := mustBrowser(t, page, screen{390, 844, true})
		h.waitFor("the page", `document.querySelector('.parcel')`)
		body := h.text("body")
		for _, want := range []string{"さくら雑貨店", "SO-1", "東京都 千代田区", "配達完了", number, "ご不在のため持戻り", "羽田クロノゲート",
			shopProducts["TOWEL"].name + " × 2", shopProducts["MUG"].name} {
			if !strings.Contains(body, want) {
				t.Errorf("the tracking page lacks %q:\n%s", want, body)
			}
		}
		for _, secret := range []string{"山田", "丸の内1-9-1", "グラントウキョウ", "03-1234-5678", "taro@example.jp", "浅草", "100-0005"} {
			if strings.Contains(body, secret) {
				t.Errorf("the tracking page shows %q", secret)
			}
		}
		if href := h.eval(`document.querySelector('a.carrier-link').href`); href != yamatoTracking+number {
			t.Errorf("carrier link %q", href)
		}
		if first := h.text(".timeline li"); !strings.Contains(first, "配達完了") {
			t.Errorf("the timeline starts with %q, want the latest event", first)
		}
		if w := h.eval(`String(document.documentElement.scrollWidth <= window.innerWidth)`); w != "true" {
			t.Errorf("the page is wider than the phone")
		}
		h.shot("tracking-page")
		h.checkClean()
		h.do(chromedp.Navigate(s.url + "/track/NOTATOKEN"))
		if got := h.text("h1"); got != "ページが見つかりません" {
			t.Errorf("wrong token shows %q", got)
		}
	})
}
