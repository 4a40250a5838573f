package storage_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// TestInbounds_FileAllOrNothing: the inbounds of one file are stored
// together with their reference, or none is when one names an unknown
// product; InboundProducts finds products by SKU and by JAN, each of its
// merchant only.
func TestInbounds_FileAllOrNothing(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		err := db.Load(ctx, &soko.Seed{
			Merchants: []soko.Merchant{{Code: "SAKURA", Name: "さくら雑貨店"}, {Code: "MIDORI", Name: "みどり食品"}},
			Products: []soko.SeedProduct{
				{MerchantCode: "SAKURA", Product: soko.Product{SKU: "MUG", Name: "マグ", Price: 1000, TaxRate: 10, Barcodes: []soko.ProductBarcode{{Code: "4901234567894", PackQuantity: 1}}}},
				{MerchantCode: "SAKURA", Product: soko.Product{SKU: "TOWEL", Name: "タオル", Price: 1000, TaxRate: 10}},
				{MerchantCode: "MIDORI", Product: soko.Product{SKU: "TEA", Name: "お茶", Price: 500, TaxRate: 8, Barcodes: []soko.ProductBarcode{{Code: "4549526612343", PackQuantity: 1}}}},
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		sakura, _ := db.FindMerchantByCode(ctx, "SAKURA")
		bySKU, byCode, err := db.InboundProducts(ctx, sakura.ID, []string{"TOWEL", "TEA"}, []string{"4901234567894", "4549526612343"})
		if err != nil || len(bySKU) != 2 || bySKU["TOWEL"] == nil || bySKU["MUG"] == nil || byCode["4901234567894"] != bySKU["MUG"] || byCode["4549526612343"] != nil {
			t.Fatalf("InboundProducts: %v %v %v", bySKU, byCode, err)
		}
		in := func(number string, skus ...string) *soko.Inbound {
			i := &soko.Inbound{MerchantID: sakura.ID, Number: number, ExpectedDate: civilDate("2026-12-01"), Reference: "PO-" + number}
			for _, s := range skus {
				i.Lines = append(i.Lines, soko.InboundLine{SKU: s, Quantity: 3})
			}
			return i
		}
		if err := db.CreateInbounds(ctx, []*soko.Inbound{in("ASN-1", "MUG"), in("ASN-2", "TEA")}); soko.ErrorCode(err) != soko.EINVALID {
			t.Fatalf("a file naming another merchant's product: %v", err)
		}
		if _, err := db.FindInbound(ctx, sakura.ID, "ASN-1"); soko.ErrorCode(err) != soko.ENOTFOUND {
			t.Fatalf("ASN-1 after the refused file: %v", err)
		}
		if err := db.CreateInbounds(ctx, []*soko.Inbound{in("ASN-1", "MUG"), in("ASN-2", "TOWEL", "MUG")}); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindInbound(ctx, sakura.ID, "ASN-2")
		if err != nil || got.Reference != "PO-ASN-2" || len(got.Lines) != 2 || got.Status != soko.InboundExpected {
			t.Fatalf("ASN-2: %+v %v", got, err)
		}
	})
}

// TestInbounds_ReceiptsPerLot: what was received against an inbound is
// read back per product and lot from the stock ledger, whichever line the
// units counted against, and only for that inbound.
func TestInbounds_ReceiptsPerLot(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		err := db.Load(ctx, &soko.Seed{
			Merchants: []soko.Merchant{{Code: "SAKURA", Name: "さくら雑貨店"}},
			Locations: []soko.Location{{Code: "RCV-01", Zone: "R", WalkSequence: 1, Kind: soko.LocationReceiving}},
			Products:  []soko.SeedProduct{{MerchantCode: "SAKURA", Product: soko.Product{SKU: "TEA", Name: "お茶", Price: 500, TaxRate: 8, TrackLot: true}}},
		})
		if err != nil {
			t.Fatal(err)
		}
		sakura, _ := db.FindMerchantByCode(ctx, "SAKURA")
		for _, n := range []string{"ASN-1", "ASN-2"} {
			if err := db.CreateInbound(ctx, &soko.Inbound{MerchantID: sakura.ID, Number: n, ExpectedDate: civilDate("2026-12-01"),
				Lines: []soko.InboundLine{{SKU: "TEA", Quantity: 10, Lot: "A1"}}}); err != nil {
				t.Fatal(err)
			}
		}
		one, _ := db.FindInbound(ctx, sakura.ID, "ASN-1")
		two, _ := db.FindInbound(ctx, sakura.ID, "ASN-2")
		tea := one.Lines[0].ProductID
		for i, r := range []struct {
			in    int64
			lot   string
			units int
		}{{one.ID, "A1", 4}, {one.ID, "Z9", 2}, {one.ID, "A1", 3}, {two.ID, "A1", 1}} {
			rc := &soko.Receipt{ScanID: fmt.Sprintf("rcv-%08d", i), InboundID: r.in, MerchantID: sakura.ID, ProductID: tea, Lot: r.lot, Units: r.units}
			if _, err := db.Receive(ctx, rc); err != nil {
				t.Fatal(err)
			}
		}
		got, err := db.FindInbound(ctx, sakura.ID, "ASN-1")
		if err != nil {
			t.Fatal(err)
		}
		want := []soko.InboundReceipt{{ProductID: tea, Lot: "A1", Units: 7}, {ProductID: tea, Lot: "Z9", Units: 2}}
		if fmt.Sprint(got.Receipts) != fmt.Sprint(want) || got.Lines[0].Received != 9 {
			t.Fatalf("ASN-1 receipts %+v (line received %d), want %+v and 9", got.Receipts, got.Lines[0].Received, want)
		}
		if d := got.Discrepancies(); len(d) != 1 || d[0].Kind != soko.DiscrepancyWrongLot || d[0].Lot != "Z9" || d[0].Received != 2 {
			t.Fatalf("ASN-1 discrepancies %+v", d)
		}
		list, err := db.ListInbounds(ctx, soko.InboundFilter{MerchantID: sakura.ID, Page: soko.Page{Limit: 10}})
		if err != nil || len(list) != 2 || len(list[1].Receipts) != 1 || list[1].Receipts[0].Units != 1 {
			t.Fatalf("listed inbounds: %+v %v", list, err)
		}
	})
}
