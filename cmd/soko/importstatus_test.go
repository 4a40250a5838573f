package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
)

// TestImportStatus_File: soko import-status records a status file once,
// says what it did, and refuses a file with a bad line naming the line.
func TestImportStatus_File(t *testing.T) {
	dbURL := filepath.Join(t.TempDir(), "soko.db")
	ctx := context.Background()
	db, err := storage.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	err = db.Load(ctx, &soko.Seed{
		Merchants: []soko.Merchant{{Code: "SAKURA", Name: "さくら雑貨店"}},
		Products:  []soko.SeedProduct{{MerchantCode: "SAKURA", Product: soko.Product{SKU: "T-1", Name: "タオル", TaxRate: 10}}},
		Orders: []soko.SeedOrder{{MerchantCode: "SAKURA", Order: soko.Order{
			Number: "SO-1", Recipient: soko.Address{PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "丸の内1-1", Name: "山田 太郎"},
			Lines: []soko.OrderLine{{SKU: "T-1", Quantity: 1, UnitPrice: 1100, TaxRate: 10}},
		}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Exec(ctx, `INSERT INTO parcels (order_id, seq, carrier, service, tracking_number, handed_over_at)
		SELECT id, 1, 'yamato', 'takkyubin', '123456789013', '2026-12-04T01:00:00.000000Z' FROM orders WHERE number = 'SO-1'`); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(t.TempDir(), "status.csv")
	os.WriteFile(good, []byte("伝票番号,状態,日時,場所\n1234-5678-9013,輸送中,2026/12/04 18:00,羽田\n123456789013,配達完了,2026/12/05 11:00,千代田\n"), 0o644)
	for i, want := range []string{"2 lines: 2 events recorded, 0 already known, 1 parcels changed status", "2 lines: 0 events recorded, 2 already known, 0 parcels changed status"} {
		out, err := runSoko(t, dbURL, "import-status", good)
		if err != nil || !strings.Contains(out, want) {
			t.Fatalf("run %d: %v\n%s", i+1, err, out)
		}
	}
	bad := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(bad, []byte("伝票番号,状態,日時\n123456789013,紛失,2026/12/05 12:00\n"), 0o644)
	out, err := runSoko(t, dbURL, "import-status", bad)
	if err == nil || !strings.Contains(out, "line 2") {
		t.Fatalf("a bad line was not refused by line: %v\n%s", err, out)
	}
}
