package storage_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// TestPickList_TheHandheldsList: after a picker takes a pick list, PickList
// gives the picker's open tasks in walk order, at most the limit, each with
// every barcode of its item and the units one scan counts; another picker
// gets none of them.
func TestPickList_TheHandheldsList(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		addr := soko.Address{PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "丸の内1-1", Name: "山田 花子"}
		order := func(number string, lines ...soko.OrderLine) soko.SeedOrder {
			return soko.SeedOrder{MerchantCode: "SAKURA", Order: soko.Order{Number: number, Carrier: "yamato", Recipient: addr, Lines: lines}}
		}
		line := func(sku string, n int) soko.OrderLine {
			return soko.OrderLine{SKU: sku, Quantity: n, UnitPrice: 1000, TaxRate: 10}
		}
		seed := &soko.Seed{
			Merchants: []soko.Merchant{{Code: "SAKURA", Name: "さくら雑貨店"}},
			Staff: []soko.SeedStaff{
				{Staff: soko.Staff{BadgeCode: "P001", Name: "田中", Role: soko.RolePicker, Active: true}, PIN: "1111"},
				{Staff: soko.Staff{BadgeCode: "P002", Name: "佐藤", Role: soko.RolePicker, Active: true}, PIN: "2222"},
				{Staff: soko.Staff{BadgeCode: "V001", Name: "伊藤", Role: soko.RoleSupervisor, Active: true}, PIN: "5555"},
			},
			Locations: []soko.Location{
				{Code: "A-02", Zone: "A", WalkSequence: 2, Kind: soko.LocationPick},
				{Code: "A-01", Zone: "A", WalkSequence: 1, Kind: soko.LocationPick},
			},
			Products: []soko.SeedProduct{
				{MerchantCode: "SAKURA", Product: soko.Product{SKU: "TOWEL", Name: "タオル", TaxRate: 10, Barcodes: []soko.ProductBarcode{{Code: "4901234567894", PackQuantity: 1}}}},
				{MerchantCode: "SAKURA", Product: soko.Product{SKU: "MUG", Name: "マグカップ", TaxRate: 10,
					Barcodes: []soko.ProductBarcode{{Code: "4560123000043", PackQuantity: 1}, {Code: "14560123000040", PackQuantity: 6}}}},
			},
			Stock: []soko.SeedStock{
				{MerchantCode: "SAKURA", SKU: "MUG", LocationCode: "A-02", Stock: soko.Stock{OnHand: 10}},
				{MerchantCode: "SAKURA", SKU: "TOWEL", LocationCode: "A-01", Stock: soko.Stock{OnHand: 10}},
			},
			Orders: []soko.SeedOrder{order("SO-1", line("MUG", 2), line("TOWEL", 1)), order("SO-2", line("TOWEL", 3))},
		}
		if err := db.Load(ctx, seed); err != nil {
			t.Fatal(err)
		}
		picker, other := seed.Staff[0].ID, seed.Staff[1].ID
		if n, err := db.AllocateWaiting(ctx, soko.AllocationRules{}); err != nil || n != 2 {
			t.Fatalf("allocated %d of 2: %v", n, err)
		}
		if _, err := db.ReleaseWave(ctx, soko.WaveRequest{Mode: soko.WaveBatch, StaffID: seed.Staff[2].ID}); err != nil {
			t.Fatal(err)
		}
		first, err := db.NextPickTask(ctx, picker)
		if err != nil {
			t.Fatal(err)
		}
		list, err := db.PickList(ctx, picker, 10)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, k := range list {
			got = append(got, fmt.Sprintf("%s %s ×%d %v", k.LocationCode, k.SKU, k.Quantity, k.Codes))
		}
		want := []string{
			"A-01 TOWEL ×1 [{4901234567894 1}]",
			"A-01 TOWEL ×3 [{4901234567894 1}]",
			"A-02 MUG ×2 [{4560123000043 1} {14560123000040 6}]",
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("the picker's list:\n%v\nwant\n%v", got, want)
		}
		if len(list) > 0 && list[0].ID != first.ID {
			t.Errorf("the list starts at task %d, the next task is %d", list[0].ID, first.ID)
		}
		if short, err := db.PickList(ctx, picker, 2); err != nil || len(short) != 2 {
			t.Errorf("a list of at most 2: %d tasks, %v", len(short), err)
		}
		if none, err := db.PickList(ctx, other, 10); err != nil || len(none) != 0 {
			t.Errorf("another picker's list: %d tasks, %v", len(none), err)
		}
	})
}
