package storagetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
)

// BillingMonth is what MustBillingMonth stored: a merchant's October 2026
// as the records have it, and the quantities a statement must bill,
// counted by hand from the rows below (not by the code under test).
type BillingMonth struct {
	MerchantID int64
	Month      soko.Month
	// UnitPeriods is 三期制 storage: (10 + 15) + (25 + 0) + (23 + 4).
	UnitPeriods int64
	// LocationDays: BL-R1 all 31 days, BL-P1 from the 6th (26 days).
	LocationDays               int64
	InboundUnits, InboundCases int64
	Orders, ExtraUnits         int64
	Box60, Box80, Labels       int64
	Gifts                      int64
}

// MustBillingMonth stores merchant HANAYA with a month of history:
//   - 30 Sep: 10 units received and put away on reserve BL-R1 (the opening stock);
//   - 5 Oct: inbound BL-IN-1 received, two scans of the 6-unit case barcode
//     (in full-width digits) as one 12-unit scan and 3 single units; put
//     away on pick BL-P1 on the 6th;
//   - 15 Oct: order BL-1 (gift, 2 units) shipped in two 60 boxes;
//   - 25 Oct: 4 units received without an inbound;
//   - 31 Oct 23:30 JST: order BL-2 (1 unit) shipped in an 80 box;
//   - 1 Nov 00:10 JST: order BL-3 shipped and 100 units received (November's).
func MustBillingMonth(tb testing.TB, db *storage.DB) BillingMonth {
	tb.Helper()
	ctx := context.Background()
	seed := &soko.Seed{
		Merchants: []soko.Merchant{{Code: "HANAYA", Name: "花屋"}},
		Locations: []soko.Location{
			{Code: "BL-RCV", Zone: "R", WalkSequence: 900, Kind: soko.LocationReceiving},
			{Code: "BL-R1", Zone: "R", WalkSequence: 901, Kind: soko.LocationReserve},
			{Code: "BL-P1", Zone: "P", WalkSequence: 902, Kind: soko.LocationPick},
		},
		Products: []soko.SeedProduct{{MerchantCode: "HANAYA", Product: soko.Product{SKU: "HN-1", Name: "花瓶", TaxRate: 10,
			Barcodes: []soko.ProductBarcode{{Code: "4901234567894", PackQuantity: 1}, {Code: "14901234567891", PackQuantity: 6}}}}},
	}
	if err := db.Load(ctx, seed); err != nil {
		tb.Fatalf("load: %v", err)
	}
	at := func(month time.Month, day, hour, minute int) string {
		return time.Date(2026, month, day, hour, minute, 0, 0, soko.JST).UTC().Format("2006-01-02T15:04:05.000000Z07:00")
	}
	product := `(SELECT id FROM products WHERE sku = 'HN-1')`
	merchant := `(SELECT id FROM merchants WHERE code = 'HANAYA')`
	stock := func(loc string) string {
		return fmt.Sprintf(`(SELECT id FROM stock WHERE product_id = %s AND location_id = (SELECT id FROM locations WHERE code = '%s'))`, product, loc)
	}
	move := func(loc, kind string, delta int, when, doc, scan string) string {
		docID, scanID := "NULL", "NULL"
		if doc != "" {
			docID = fmt.Sprintf(`(SELECT id FROM inbounds WHERE number = '%s')`, doc)
		}
		if scan != "" {
			scanID = "'" + scan + "'"
		}
		return fmt.Sprintf(`INSERT INTO stock_movements (stock_id, kind, on_hand_delta, allocated_delta, document_type, document_id, scan_id, created_at)
			VALUES (%s, '%s', %d, 0, 'inbound', %s, %s, '%s')`, stock(loc), kind, delta, docID, scanID, when)
	}
	scanEvent := func(id, code, when string) string {
		return fmt.Sprintf(`INSERT INTO scan_events (scan_id, step, code, result, created_at) VALUES ('%s', 'receive', '%s', 'ok', '%s')`, id, code, when)
	}
	order := func(number string, gift bool, units int, shipped string, boxes ...string) []string {
		g := "FALSE"
		if gift {
			g = "TRUE"
		}
		id := fmt.Sprintf(`(SELECT id FROM orders WHERE number = '%s')`, number)
		sql := []string{
			fmt.Sprintf(`INSERT INTO orders (merchant_id, number, status, recipient_postal_code, recipient_prefecture, recipient_city, recipient_street, recipient_name, gift, created_at, updated_at)
				VALUES (%s, '%s', 'shipped', '1000005', '東京都', '千代田区', '丸の内1-1', '山田 太郎', %s, '%s', '%s')`, merchant, number, g, shipped, shipped),
			fmt.Sprintf(`INSERT INTO order_lines (order_id, product_id, quantity) VALUES (%s, %s, %d)`, id, product, units),
			fmt.Sprintf(`INSERT INTO order_events (order_id, seq, action, from_status, to_status, created_at) VALUES (%s, 1, 'ship', 'labeled', 'shipped', '%s')`, id, shipped),
		}
		for i, b := range boxes {
			sql = append(sql, fmt.Sprintf(`INSERT INTO parcels (order_id, seq, box_type, carrier, tracking_number, handed_over_at) VALUES (%s, %d, '%s', 'yamato', '%s-%d', '%s')`,
				id, i+1, b, number, i+1, shipped))
		}
		return sql
	}
	stmts := []string{
		fmt.Sprintf(`INSERT INTO stock (location_id, product_id, on_hand) SELECT id, %s, 0 FROM locations WHERE code IN ('BL-RCV', 'BL-R1', 'BL-P1')`, product),
		fmt.Sprintf(`INSERT INTO inbounds (merchant_id, number, status, created_at, updated_at) VALUES (%s, 'BL-IN-1', 'received', '%s', '%s')`, merchant, at(10, 1, 9, 0), at(10, 5, 10, 0)),
		move("BL-RCV", "receive", 10, at(9, 30, 10, 0), "", ""),
		move("BL-RCV", "put_away", -10, at(9, 30, 12, 0), "", ""),
		move("BL-R1", "put_away", 10, at(9, 30, 12, 0), "", ""),
		scanEvent("bl-sc-1", "１４９０１２３４５６７８９１", at(10, 5, 10, 0)), // typed through an IME
		move("BL-RCV", "receive", 12, at(10, 5, 10, 0), "BL-IN-1", "bl-sc-1"),
		scanEvent("bl-sc-2", "4901234567894", at(10, 5, 10, 5)),
		move("BL-RCV", "receive", 3, at(10, 5, 10, 5), "BL-IN-1", "bl-sc-2"),
		move("BL-RCV", "put_away", -15, at(10, 6, 9, 0), "", ""),
		move("BL-P1", "put_away", 15, at(10, 6, 9, 0), "", ""),
		move("BL-P1", "ship", -2, at(10, 15, 18, 0), "", ""),
		scanEvent("bl-sc-3", "4901234567894", at(10, 25, 11, 0)),
		move("BL-RCV", "receive", 4, at(10, 25, 11, 0), "", "bl-sc-3"),
		move("BL-P1", "ship", -1, at(10, 31, 23, 30), "", ""),
		move("BL-RCV", "receive", 100, at(11, 1, 0, 0), "", ""),
		move("BL-P1", "ship", -1, at(11, 1, 0, 10), "", ""),
	}
	stmts = append(stmts, order("BL-1", true, 2, at(10, 15, 18, 0), "60", "60")...)
	stmts = append(stmts, order("BL-2", false, 1, at(10, 31, 23, 30), "80")...)
	stmts = append(stmts, order("BL-3", false, 1, at(11, 1, 0, 10), "60")...)
	stmts = append(stmts, `UPDATE stock SET on_hand = (SELECT COALESCE(SUM(m.on_hand_delta), 0) FROM stock_movements m WHERE m.stock_id = stock.id)
		WHERE product_id = `+product)
	for _, s := range stmts {
		if err := db.Exec(ctx, s); err != nil {
			tb.Fatalf("%v\n%s", err, strings.TrimSpace(s))
		}
	}
	return BillingMonth{MerchantID: seed.Merchants[0].ID, Month: soko.Month{Year: 2026, Month: time.October},
		UnitPeriods: 25 + 25 + 27, LocationDays: 31 + 26, InboundUnits: 3 + 4, InboundCases: 2,
		Orders: 2, ExtraUnits: 1, Box60: 2, Box80: 1, Labels: 3, Gifts: 1}
}
