package demo_test

import (
	"context"
	"testing"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// TestDay_Statement: the demo's merchants have rate cards, so after the
// played day each has a draft statement for the month billing the orders
// the day shipped, its storage and the monthly fee.
func TestDay_Statement(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		mustPlayDay(t, db, dayEnd)
		shipped, err := db.CountOrdersByStatus(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var picked int64
		for _, code := range []string{"SAKURA", "MIDORI"} {
			m, err := db.FindMerchantByCode(ctx, code)
			if err != nil {
				t.Fatal(err)
			}
			st, err := db.Statement(ctx, m.ID, soko.MonthOf(dayEnd), soko.Issuer{Name: "soko 倉庫"})
			if err != nil {
				t.Fatal(err)
			}
			has := map[string]int64{}
			for _, l := range st.Lines {
				has[l.Charge] = l.Quantity
			}
			if has[soko.ChargeStorageUnitPeriod] == 0 || has[soko.ChargeFixed+"1"] != 1 || st.Total <= st.Subtotal {
				t.Errorf("%s: lines %+v total %d", code, st.Lines, st.Total)
			}
			picked += has[soko.ChargePickOrder]
			prev, err := db.Statement(ctx, m.ID, soko.MonthOf(soko.MonthOf(dayEnd).Start().AddDate(0, 0, -1)), soko.Issuer{})
			if err != nil || len(prev.Lines) != 1 {
				t.Errorf("%s last month: %+v %v, want the monthly fee alone", code, prev, err)
			}
		}
		if picked == 0 || picked != int64(shipped[soko.OrderShipped]) {
			t.Errorf("statements bill %d shipped orders, the day shipped %d", picked, shipped[soko.OrderShipped])
		}
	})
}
