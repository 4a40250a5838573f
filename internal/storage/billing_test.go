package storage_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// billingCard prices every charge of the billing month: storage ¥3.5 per
// unit and period and ¥20 per location-day, labels ¥10.5.
func billingCard(merchantID int64, from soko.Month) *soko.RateCard {
	return &soko.RateCard{MerchantID: merchantID, From: from, TaxRate: 10, Rounding: soko.RoundDown, StoragePeriods: 3,
		StorageUnitPeriod: 350, StorageLocationDay: 2000, InboundUnit: 1000, InboundCase: 5000, PickOrder: 15000, PickExtraUnit: 3000,
		Boxes: map[string]int64{"60": 8000, "80": 12000}, Label: 1050, GiftWrap: 20000, Insert: 1500,
		Fixed: []soko.FixedFee{{Name: "システム利用料", Price: 1000000}}}
}

func TestBilling_MonthFromRecords(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		bm := storagetest.MustBillingMonth(t, db)
		if err := db.SaveRateCard(ctx, billingCard(bm.MerchantID, bm.Month)); err != nil {
			t.Fatal(err)
		}
		if _, err := db.RateCard(ctx, bm.MerchantID, soko.Month{Year: 2026, Month: time.September}); soko.ErrorCode(err) != soko.ENOTFOUND {
			t.Errorf("a month before the card: %v", err)
		}
		if c, err := db.RateCard(ctx, bm.MerchantID, soko.Month{Year: 2027, Month: time.March}); err != nil || c.Label != 1050 || c.Boxes["80"] != 12000 || len(c.Fixed) != 1 {
			t.Errorf("a later month: %+v, %v", c, err)
		}
		issuer := soko.Issuer{Name: "soko 倉庫", InvoiceNumber: "T7010705000725"}
		st, err := db.Statement(ctx, bm.MerchantID, bm.Month, issuer)
		if err != nil {
			t.Fatal(err)
		}
		qty := map[string]int64{}
		amount := map[string]int64{}
		for _, l := range st.Lines {
			qty[l.Charge], amount[l.Charge] = l.Quantity, l.Amount
		}
		want := map[string]int64{
			soko.ChargeStorageUnitPeriod: bm.UnitPeriods, soko.ChargeStorageLocationDay: bm.LocationDays,
			soko.ChargeInboundUnit: bm.InboundUnits, soko.ChargeInboundCase: bm.InboundCases,
			soko.ChargePickOrder: bm.Orders, soko.ChargePickExtraUnit: bm.ExtraUnits,
			soko.ChargeBox + "60": bm.Box60, soko.ChargeBox + "80": bm.Box80, soko.ChargeLabel: bm.Labels,
			soko.ChargeGiftWrap: bm.Gifts, soko.ChargeInsert: bm.Orders, soko.ChargeFixed + "1": 1,
		}
		for c, n := range want {
			if qty[c] != n {
				t.Errorf("%s: quantity %d, want %d", c, qty[c], n)
			}
		}
		// Amounts by hand: 77 × 3.5 = 269.5 → 269; 57 × 20; 7 × 10; 2 × 50; 2 × 150; 1 × 30;
		// 2 × 80; 1 × 120; 3 × 10.5 = 31.5 → 31; 200; 2 × 15; 10,000.
		subtotal := int64(269 + 1140 + 70 + 100 + 300 + 30 + 160 + 120 + 31 + 200 + 30 + 10000)
		if st.Subtotal != subtotal || st.Tax != subtotal/10 || st.Total != subtotal+subtotal/10 || len(st.Lines) != len(want) {
			t.Errorf("subtotal %d tax %d total %d (%d lines), want %d", st.Subtotal, st.Tax, st.Total, len(st.Lines), subtotal)
		}
		for _, d := range st.Details {
			if d.Ref == "BL-3" || d.Date < "2026-10-01" || d.Date > "2026-10-31" {
				t.Errorf("a detail outside October: %+v", d)
			}
		}
		if st.ClosedAt != nil || st.Issuer != issuer || st.MerchantCode != "HANAYA" {
			t.Errorf("draft: closed %v issuer %+v merchant %s", st.ClosedAt, st.Issuer, st.MerchantCode)
		}

		// An adjustment in the open month, then the month closes.
		adj := &soko.BillingAdjustment{MerchantID: bm.MerchantID, Month: bm.Month, Description: "9月分 資材費の訂正", Amount: -1000, TaxRate: 10}
		if err := db.AddBillingAdjustment(ctx, adj); err != nil {
			t.Fatal(err)
		}
		closed, err := db.CloseStatement(ctx, bm.MerchantID, bm.Month, issuer, 0)
		if err != nil {
			t.Fatal(err)
		}
		if closed.Subtotal != subtotal-1000 || closed.Tax != (subtotal-1000)/10 || closed.ClosedAt == nil {
			t.Errorf("closed: subtotal %d tax %d", closed.Subtotal, closed.Tax)
		}
		if _, err := db.CloseStatement(ctx, bm.MerchantID, bm.Month, issuer, 0); soko.ErrorCode(err) != soko.ECONFLICT {
			t.Errorf("closing twice: %v", err)
		}
		if _, err := db.CloseStatement(ctx, bm.MerchantID, bm.Month.Next(), issuer, 0); soko.ErrorCode(err) != soko.ECONFLICT {
			t.Errorf("closing a month not ended: %v", err)
		}

		// A closed month never changes: not by a new card, not by new records, not by an adjustment.
		if err := db.SaveRateCard(ctx, billingCard(bm.MerchantID, bm.Month)); soko.ErrorCode(err) != soko.ECONFLICT {
			t.Errorf("a card from a closed month: %v", err)
		}
		cheaper := billingCard(bm.MerchantID, bm.Month.Next())
		cheaper.PickOrder = 100
		if err := db.SaveRateCard(ctx, cheaper); err != nil {
			t.Fatal(err)
		}
		late := *adj
		if err := db.AddBillingAdjustment(ctx, &late); soko.ErrorCode(err) != soko.ECONFLICT {
			t.Errorf("an adjustment to a closed month: %v", err)
		}
		if err := db.Exec(ctx, `UPDATE order_lines SET quantity = 50`); err != nil {
			t.Fatal(err)
		}
		again, err := db.Statement(ctx, bm.MerchantID, bm.Month, soko.Issuer{Name: "別の倉庫"})
		if err != nil {
			t.Fatal(err)
		}
		if again.Total != closed.Total || again.Issuer != issuer || len(again.Details) != len(closed.Details) || again.ClosedAt == nil {
			t.Errorf("the closed month changed: total %d→%d, issuer %+v", closed.Total, again.Total, again.Issuer)
		}
		// The correction lands in November, with the new card.
		late.Month = bm.Month.Next()
		if err := db.AddBillingAdjustment(ctx, &late); err != nil {
			t.Fatal(err)
		}
		nov, err := db.Statement(ctx, bm.MerchantID, bm.Month.Next(), issuer)
		if err != nil {
			t.Fatal(err)
		}
		var sawAdj, sawPick bool
		for _, l := range nov.Lines {
			sawAdj = sawAdj || (l.Charge == soko.ChargeAdjustment && l.Amount == -1000)
			sawPick = sawPick || (l.Charge == soko.ChargePickOrder && l.Quantity == 1 && l.Amount == 1)
		}
		if !sawAdj || !sawPick {
			t.Errorf("November: %+v", nov.Lines)
		}
		// December has not begun at the clock's 23 November: no storage period or day is billed yet.
		dec, err := db.Statement(ctx, bm.MerchantID, bm.Month.Next().Next(), issuer)
		if err != nil || len(dec.Lines) != 1 || dec.Lines[0].Charge != soko.ChargeFixed+"1" {
			t.Errorf("December before it begins: %+v %v", dec, err)
		}
		months, err := db.StatementMonths(ctx, bm.MerchantID)
		if err != nil {
			t.Fatal(err)
		}
		if len(months) != 2 || months[0].Month.String() != "2026-11" || months[0].Closed || !months[1].Closed || months[1].Total != closed.Total {
			t.Errorf("months: %+v", months)
		}
		audit, _, err := db.AuditLog(ctx, soko.AuditFilter{Action: "billing.", Limit: 10})
		if err != nil || len(audit) != 5 {
			t.Errorf("audit: %d entries, %v", len(audit), err)
		}
	})
}

func TestBilling_Refusals(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		bm := storagetest.MustBillingMonth(t, db)
		other := MustCreateMerchant(t, db, "OTHER")
		if _, err := db.Statement(ctx, other.ID, bm.Month, soko.Issuer{}); soko.ErrorCode(err) != soko.ENOTFOUND {
			t.Errorf("a merchant without a card: %v", err)
		}
		if _, err := db.Statement(ctx, 999999, bm.Month, soko.Issuer{}); soko.ErrorCode(err) != soko.ENOTFOUND {
			t.Errorf("no merchant: %v", err)
		}
		bad := billingCard(bm.MerchantID, bm.Month)
		bad.Rounding = "banker"
		if err := db.SaveRateCard(ctx, bad); soko.ErrorCode(err) != soko.EINVALID {
			t.Errorf("a bad card: %v", err)
		}
		if err := db.SaveRateCard(ctx, billingCard(999999, bm.Month)); soko.ErrorCode(err) != soko.ENOTFOUND {
			t.Errorf("a card for no merchant: %v", err)
		}
		if err := db.AddBillingAdjustment(ctx, &soko.BillingAdjustment{MerchantID: bm.MerchantID, Month: bm.Month, Description: "x", TaxRate: 10}); soko.ErrorCode(err) != soko.EINVALID {
			t.Errorf("a zero adjustment: %v", err)
		}
	})
}

// TestBilling_CloseRacesAdjustments: adjustments added while the month is
// being closed either make it into the frozen statement or are refused;
// none is left behind in a closed month.
func TestBilling_CloseRacesAdjustments(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		bm := storagetest.MustBillingMonth(t, db)
		if err := db.SaveRateCard(ctx, billingCard(bm.MerchantID, bm.Month)); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var accepted atomic.Int64
		for i := range 8 {
			wg.Go(func() {
				a := &soko.BillingAdjustment{MerchantID: bm.MerchantID, Month: bm.Month, Description: fmt.Sprintf("訂正 %d", i), Amount: 100, TaxRate: 10}
				switch err := db.AddBillingAdjustment(ctx, a); soko.ErrorCode(err) {
				case "":
					accepted.Add(1)
				case soko.ECONFLICT:
				default:
					t.Error(err)
				}
			})
		}
		wg.Go(func() {
			if _, err := db.CloseStatement(ctx, bm.MerchantID, bm.Month, soko.Issuer{}, 0); err != nil {
				t.Error(err)
			}
		})
		wg.Wait()
		st, err := db.Statement(ctx, bm.MerchantID, bm.Month, soko.Issuer{})
		if err != nil {
			t.Fatal(err)
		}
		var rows int64
		if err := storage.Conn(db, ctx).Table("billing_adjustments").Where("merchant_id = ? AND month = ?", bm.MerchantID, bm.Month.String()).Count(&rows).Error; err != nil {
			t.Fatal(err)
		}
		if st.ClosedAt == nil || int64(len(st.Adjustments)) != rows || rows != accepted.Load() {
			t.Errorf("closed with %d adjustments; %d stored, %d accepted", len(st.Adjustments), rows, accepted.Load())
		}
	})
}
