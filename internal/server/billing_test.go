package server

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/japanese"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

const keyHanaya = "soko_hanayabillingkeyaaaaaaaaaaaaaaaaa"

// billingRates are the admin's prices, in yen as typed, for the billing
// month's charges.
var billingRates = map[string]any{
	"from": "2026-10", "tax_rate": 10, "rounding": "down", "storage_periods": 3,
	"storage_unit_period": 3.5, "storage_location_day": 20, "inbound_unit": 10, "inbound_case": 50,
	"pick_order": 150, "pick_extra_unit": 30, "boxes": map[string]any{"60": 80, "80": 120}, "label": 10.5,
	"gift_wrap": 200, "insert": 15, "fixed": []map[string]any{{"name": "システム利用料", "price": 10000}},
}

// TestBilling_StatementEndToEnd: the admin prices a merchant's month over
// the API, adds a correction and closes the month; the merchant downloads
// the 請求明細書 whose figures, read back with pdftotext, are the ones this
// test works out by hand from the month's records, as is the CSV.
func TestBilling_StatementEndToEnd(t *testing.T) {
	pdftotext := mustTool(t, "pdftotext")
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		if err := db.Load(ctx, adminSeed()); err != nil {
			t.Fatal(err)
		}
		bm := storagetest.MustBillingMonth(t, db)
		if err := db.CreateAPIKey(ctx, &soko.APIKey{MerchantID: bm.MerchantID, Prefix: soko.APIKeyPrefix(keyHanaya), Hash: soko.HashAPIKey(keyHanaya)}); err != nil {
			t.Fatal(err)
		}
		h := New(Config{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), WarehouseName: "東京第一倉庫", InvoiceNumber: "T7010705000725",
			Now: func() time.Time { return storagetest.Fixed }, RatePerSecond: 10000, RateBurst: 10000})
		admin, sup := signIn(t, h, "A001", pinAdmin), signIn(t, h, "V001", "5555")
		merchant := client{t, h, keyHanaya}
		base := fmt.Sprintf("/ops/admin/merchants/%d", bm.MerchantID)

		if r := sup.op("PUT", base+"/rate-card", billingRates, sup.csrf); r.Status != 403 {
			t.Errorf("a supervisor sets a rate card: %d", r.Status)
		}
		for field, bad := range map[string]any{"label": 10.555, "pick_order": -1, "from": "2026-13", "rounding": "banker"} {
			body := map[string]any{}
			for k, v := range billingRates {
				body[k] = v
			}
			body[field] = bad
			if r := admin.op("PUT", base+"/rate-card", body, admin.csrf); r.Status < 400 || r.Status >= 500 || !strings.Contains(string(r.Raw), field) {
				t.Errorf("%s = %v: %d %s, want 4xx naming it", field, bad, r.Status, r.Raw)
			}
		}
		card := admin.op("PUT", base+"/rate-card", billingRates, admin.csrf)
		if card.Status != 200 {
			t.Fatalf("rate card: %d %s", card.Status, card.Raw)
		}
		if c := decode[api.BillingRateCard](t, card); !pointsTo(c.Label, 10.5) || !pointsTo(c.StorageUnitPeriod, 3.5) {
			t.Fatalf("rate card: %d %s", card.Status, card.Raw)
		}
		admin.must(201, "POST", base+"/statements/2026-10/adjustments", map[string]any{"description": "9月分 資材費の訂正", "amount": -1000, "tax_rate": 10},
			"Cookie", admin.cookie.Name+"="+admin.cookie.Value, "X-CSRF-Token", admin.csrf)

		// The month by hand: quantity × yen, each line rounded down.
		lines := []struct {
			qty  int64
			sen  int64
			name string
		}{
			{bm.UnitPeriods, 350, "保管料（期制・個数）"}, {bm.LocationDays, 2000, "保管料（ロケーション・日）"},
			{bm.InboundUnits, 1000, "入荷料（ピース）"}, {bm.InboundCases, 5000, "入荷料（ケース）"},
			{bm.Orders, 15000, "出荷作業料（基本）"}, {bm.ExtraUnits, 3000, "出荷作業料（追加ピース）"},
			{bm.Box60, 8000, "梱包資材（60）"}, {bm.Box80, 12000, "梱包資材（80）"}, {bm.Labels, 1050, "送り状発行料"},
			{bm.Gifts, 20000, "ギフトラッピング"}, {bm.Orders, 1500, "同梱物封入"}, {1, 1000000, "システム利用料"},
		}
		var subtotal int64 = -1000
		for _, l := range lines {
			subtotal += l.qty * l.sen / 100
		}
		tax := subtotal * 10 / 100
		total := subtotal + tax

		draft := admin.op("GET", base+"/statements/2026-10", nil, "")
		if draft.Status != 200 {
			t.Fatalf("draft: want total %d: %s", total, draft.Raw)
		}
		if st := decode[api.BillingStatement](t, draft); st.Total != total || st.Status != "open" {
			t.Fatalf("draft: want total %d: %s", total, draft.Raw)
		}
		closed := admin.op("POST", base+"/statements/2026-10/close", nil, admin.csrf)
		if closed.Status != 200 {
			t.Fatalf("close: %d %s", closed.Status, closed.Raw)
		}
		if st := decode[api.BillingStatement](t, closed); st.Status != "closed" || st.Total != total {
			t.Fatalf("close: %d %s", closed.Status, closed.Raw)
		}
		if r := admin.op("POST", base+"/statements/2026-10/close", nil, admin.csrf); r.Status != 409 || !inJapanese(decode[api.Problem](t, r).Detail) {
			t.Errorf("closing twice: %d %s", r.Status, r.Raw)
		}
		if r := admin.op("POST", base+"/statements/2026-10/adjustments", map[string]any{"description": "遅れた訂正", "amount": 500, "tax_rate": 10}, admin.csrf); r.Status != 409 {
			t.Errorf("an adjustment to a closed month: %d %s", r.Status, r.Raw)
		}
		if r := merchant.must(200, "GET", "/api/v1/statements", nil); !strings.Contains(string(r.Raw), `"total":`+strconv.FormatInt(total, 10)) {
			t.Errorf("the merchant's months: %s", r.Raw)
		}

		pdf := merchant.must(200, "GET", "/api/v1/statements/2026-10?format=pdf", nil)
		if ct := pdf.Header.Get("Content-Type"); ct != "application/pdf" {
			t.Fatalf("content type %q", ct)
		}
		path := filepath.Join(t.TempDir(), "statement.pdf")
		if err := os.WriteFile(path, pdf.Raw, 0o600); err != nil {
			t.Fatal(err)
		}
		text := mustRun(t, pdftotext, "-layout", "-enc", "UTF-8", path, "-")
		flat := strings.Join(strings.Fields(text), "")
		yen := func(n int64) string {
			s := soko.GroupDigits(n)
			return "¥" + s
		}
		want := []string{"請求明細書", "2026年10月分", "花屋様", "東京第一倉庫", "登録番号T7010705000725", "確定",
			"合計（税込）" + yen(total), "小計（税抜）" + yen(subtotal), "消費税（10%）" + yen(tax), "10%対象" + yen(subtotal),
			"ご請求金額（税込）" + yen(total), "調整：9月分資材費の訂正", "BL-1", "BL-IN-1", "第1期（1日～10日）期首在庫10+期中入庫15"}
		for _, l := range lines {
			want = append(want, l.name+soko.GroupDigits(l.qty))
			want = append(want, yen(l.qty*l.sen/100))
		}
		for _, w := range want {
			if !strings.Contains(flat, w) {
				t.Errorf("the PDF lacks %q:\n%s", w, text)
			}
		}
		if strings.Contains(flat, "BL-3") {
			t.Errorf("November's order is on October's statement:\n%s", text)
		}

		// The CSV: every event, and its summary adds up to the same total.
		raw := merchant.must(200, "GET", "/api/v1/statements/2026-10?format=csv", nil).Raw
		if !bytes.HasPrefix(raw, []byte("\ufeff")) {
			t.Errorf("the UTF-8 CSV has no BOM")
		}
		// The admin's route answers the merchant's statement as the merchant's own does.
		if r := admin.op("GET", base+"/statements/2026-10?format=csv", nil, ""); r.Status != 200 || r.Header.Get("Content-Type") != "text/csv" || !bytes.Equal(r.Raw, raw) {
			t.Errorf("the admin's CSV: %d %s, not the merchant's", r.Status, r.Header.Get("Content-Type"))
		}
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\ufeff")))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		perCharge := map[string]int64{}
		var summed int64
		for _, r := range rows[1:] {
			q, _ := strconv.ParseInt(r[5], 10, 64)
			amount, _ := strconv.ParseInt(r[8], 10, 64)
			switch {
			case r[0] == "明細":
				perCharge[r[2]] += q
			case r[0] == "集計" && r[2] == "total":
				if amount != total {
					t.Errorf("CSV total %d, want %d", amount, total)
				}
			case r[0] == "集計" && !strings.HasPrefix(r[2], "tax_") && r[2] != "subtotal":
				summed += amount
				if !strings.HasPrefix(r[2], "fixed:") && r[2] != soko.ChargeAdjustment && perCharge[r[2]] != q {
					t.Errorf("CSV %s: events add up to %d, the summary says %d", r[2], perCharge[r[2]], q)
				}
			}
		}
		if summed != subtotal || perCharge[soko.ChargePickOrder] != bm.Orders {
			t.Errorf("CSV lines add up to %d, want %d; %v", summed, subtotal, perCharge)
		}
		sjis := merchant.must(200, "GET", "/api/v1/statements/2026-10?format=csv&encoding=shift_jis", nil).Raw
		if s, err := japanese.ShiftJIS.NewDecoder().String(string(sjis)); err != nil || !strings.Contains(s, "合計（税込）") || !strings.Contains(s, "第1期（1日～10日）") {
			t.Errorf("the Shift_JIS CSV: %v\n%s", err, s)
		}
		if r := merchant.do("GET", "/api/v1/statements/2026-13", nil); r.Status != 400 && r.Status != 422 {
			t.Errorf("a month 13: %d %s", r.Status, r.Raw)
		}
	})
}
