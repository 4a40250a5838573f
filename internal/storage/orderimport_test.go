package storage_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// importSeed is a merchant with a webhook endpoint, a towel in stock, a mug
// out of stock, a supervisor, and one order the merchant sent before.
func importSeed() *soko.Seed {
	return &soko.Seed{
		Merchants: []soko.Merchant{{Code: "SAKURA", Name: "さくら雑貨店"}, {Code: "MIDORI", Name: "みどり食品"}},
		Staff:     []soko.SeedStaff{{Staff: soko.Staff{BadgeCode: "V001", Name: "伊藤", Role: soko.RoleSupervisor, Active: true}, PIN: "5555"}},
		Locations: []soko.Location{{Code: "A-01", Zone: "A", WalkSequence: 1, Kind: soko.LocationPick}},
		Products: []soko.SeedProduct{
			{MerchantCode: "SAKURA", Product: soko.Product{SKU: "TOWEL", Name: "今治タオル", Price: 1650, TaxRate: 10}},
			{MerchantCode: "SAKURA", Product: soko.Product{SKU: "MUG", Name: "マグ", Price: 1100, TaxRate: 10}},
			{MerchantCode: "MIDORI", Product: soko.Product{SKU: "NOPE", Name: "他の荷主の商品", Price: 500, TaxRate: 8}},
		},
		Stock:  []soko.SeedStock{{MerchantCode: "SAKURA", SKU: "TOWEL", LocationCode: "A-01", Stock: soko.Stock{OnHand: 5}}},
		Orders: []soko.SeedOrder{{MerchantCode: "SAKURA", Order: *importedOrder("SO-OLD", "MUG", 1)}},
	}
}

// importedOrder is an order as orderimport.Parse makes one.
func importedOrder(number, sku string, qty int) *soko.Order {
	return &soko.Order{
		Number: number, Status: soko.OrderReceived, Carrier: "yamato", Service: "takkyubin", TimeSlot: soko.Slot14To16,
		Recipient: soko.Address{PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "丸の内1-9-1", Name: "山田 花子", Phone: "03-3211-4821"},
		Gift:      soko.GiftOptions{Wrap: true, Message: "おめでとう"},
		Lines:     []soko.OrderLine{{SKU: sku, Quantity: qty, UnitPrice: 1650, TaxRate: 10}},
	}
}

// rowCounts counts what an import writes.
func rowCounts(t *testing.T, db *storage.DB) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, table := range []string{"orders", "order_lines", "order_events", "outbox", "allocations"} {
		var n int64
		if err := storage.Conn(db, context.Background()).Table(table).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

func TestImportOrders(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seed := importSeed()
		if err := db.Load(ctx, seed); err != nil {
			t.Fatal(err)
		}
		sakura, staff := seed.Merchants[0].ID, seed.Staff[0].ID
		if _, err := db.PutWebhookEndpoint(ctx, &soko.WebhookEndpoint{MerchantID: sakura, URL: "https://shop.example/hooks", Active: true}, false); err != nil {
			t.Fatal(err)
		}
		before := rowCounts(t, db)

		file := func() []*soko.Order {
			return []*soko.Order{importedOrder("A-1", "TOWEL", 2), importedOrder("A-2", "MUG", 1), importedOrder("SO-OLD", "MUG", 1)}
		}

		t.Run("one bad order writes nothing", func(t *testing.T) {
			// NOPE is another merchant's SKU.
			orders := append(file(), importedOrder("A-3", "NOPE", 1))
			_, _, err := db.ImportOrders(ctx, sakura, staff, orders)
			if soko.ErrorCode(err) != soko.EINVALID {
				t.Fatalf("ImportOrders = %v, want EINVALID", err)
			}
			if got := rowCounts(t, db); !reflect.DeepEqual(got, before) {
				t.Errorf("rows after a refused file %v, before %v", got, before)
			}
			for _, o := range orders {
				if o.ID != 0 {
					t.Errorf("%s got ID %d from a refused import", o.Number, o.ID)
				}
			}
		})

		t.Run("another order under a taken number refuses the file", func(t *testing.T) {
			orders := file()
			orders[2].Recipient.Name = "山田 太郎"
			orders[2].Lines[0].Quantity = 3
			unchanged, conflicts, err := db.CompareImport(ctx, sakura, orders)
			if err != nil || len(unchanged) != 0 || !reflect.DeepEqual(conflicts, map[string][]string{"SO-OLD": {"ship_to", "lines"}}) {
				t.Fatalf("CompareImport = %v, %v, %v", unchanged, conflicts, err)
			}
			_, _, err = db.ImportOrders(ctx, sakura, staff, orders)
			fields := soko.ErrorFields(err)
			if soko.ErrorCode(err) != soko.ECONFLICT || len(fields) != 1 || fields[0].Field != "SO-OLD" || fields[0].Message != "ship_to, lines" {
				t.Fatalf("ImportOrders = %v %+v, want ECONFLICT naming SO-OLD", err, fields)
			}
			if msg := soko.ErrorMessage(err, "ja"); msg != "注文番号 SO-OLD は内容の異なる注文としてすでに登録されています。何も取り込んでいません" {
				t.Errorf("message %q", msg)
			}
			if got := rowCounts(t, db); !reflect.DeepEqual(got, before) {
				t.Errorf("rows after a refused file %v, before %v", got, before)
			}
		})

		var created []*soko.Order
		t.Run("a good file", func(t *testing.T) {
			orders := file()
			// Prices, the order time and the lines' order do not make
			// another order of the one on file.
			orders[2].Lines[0].UnitPrice = 999
			unchanged, conflicts, err := db.CompareImport(ctx, sakura, orders)
			if err != nil || !unchanged["SO-OLD"] || len(unchanged) != 1 || len(conflicts) != 0 {
				t.Fatalf("CompareImport = %v, %v, %v", unchanged, conflicts, err)
			}
			c, u, err := db.ImportOrders(ctx, sakura, staff, orders)
			if err != nil || c != 2 || u != 1 {
				t.Fatalf("ImportOrders = %d created, %d unchanged, %v; want 2, 1", c, u, err)
			}
			if orders[0].ID == 0 || orders[1].ID == 0 || orders[2].ID != 0 {
				t.Fatalf("IDs %d %d %d: created ones get theirs, the skipped one none", orders[0].ID, orders[1].ID, orders[2].ID)
			}
			created = orders[:2]
			got, err := db.FindOrder(ctx, sakura, "A-1")
			if err != nil || got.Status != soko.OrderReceived || got.Recipient != orders[0].Recipient || got.Gift != orders[0].Gift ||
				len(got.Lines) != 1 || got.Lines[0].SKU != "TOWEL" || got.Lines[0].Quantity != 2 || got.Lines[0].UnitPrice != 1650 {
				t.Fatalf("A-1 stored as %+v (%v)", got, err)
			}
			events, _ := db.ListOrderEvents(ctx, sakura, "A-1")
			if len(events) != 1 || events[0].Action != "create" || events[0].To != soko.OrderReceived || events[0].StaffID != staff {
				t.Errorf("A-1 events %+v, want one create by the supervisor", events)
			}
			deliveries, _ := db.ListWebhookDeliveries(ctx, sakura, "", 0, soko.Page{Limit: soko.MaxPageSize})
			received := 0
			for _, d := range deliveries {
				if d.EventType == "order.received" {
					received++
				}
			}
			if received != 2 {
				t.Errorf("%d order.received webhooks, want 2", received)
			}
		})

		t.Run("allocated like API orders", func(t *testing.T) {
			n, err := db.AllocateOrders(ctx, []int64{created[0].ID, created[1].ID}, soko.AllocationRules{})
			if err != nil || n != 1 {
				t.Fatalf("AllocateOrders = %d, %v; want 1 (the mug has no stock)", n, err)
			}
			a1, _ := db.FindOrder(ctx, sakura, "A-1")
			a2, _ := db.FindOrder(ctx, sakura, "A-2")
			if a1.Status != soko.OrderAllocated || a2.Status != soko.OrderBackordered {
				t.Errorf("A-1 %s, A-2 %s; want allocated, backordered", a1.Status, a2.Status)
			}
		})

		t.Run("importing again changes nothing", func(t *testing.T) {
			was := rowCounts(t, db)
			orders := file()
			c, u, err := db.ImportOrders(ctx, sakura, staff, orders)
			if err != nil || c != 0 || u != 3 {
				t.Fatalf("ImportOrders again = %d created, %d unchanged, %v; want 0, 3", c, u, err)
			}
			if got := rowCounts(t, db); !reflect.DeepEqual(got, was) {
				t.Errorf("rows after the same file again %v, before %v", got, was)
			}
			// The other merchant's numbers are its own.
			c, u, err = db.ImportOrders(ctx, seed.Merchants[1].ID, staff, []*soko.Order{importedOrder("A-1", "NOPE", 1)})
			if err != nil || c != 1 || u != 0 {
				t.Errorf("MIDORI's A-1 = %d created, %d unchanged, %v", c, u, err)
			}
		})

		t.Run("a number twice in one file", func(t *testing.T) {
			_, _, err := db.ImportOrders(ctx, sakura, staff, []*soko.Order{importedOrder("B-1", "MUG", 1), importedOrder("B-1", "MUG", 2)})
			if soko.ErrorCode(err) != soko.EINVALID {
				t.Errorf("ImportOrders = %v, want EINVALID", err)
			}
		})

		products, err := db.ProductsBySKU(ctx, sakura, []string{"TOWEL", "NOPE", "MUG"})
		if err != nil || len(products) != 2 || products["TOWEL"].Price != 1650 || products["MUG"] == nil {
			t.Errorf("ProductsBySKU = %v, %v", products, err)
		}
	})
}
