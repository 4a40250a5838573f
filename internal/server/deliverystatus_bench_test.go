package server

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/japanese"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// statusFileRows is the size of the status file the benchmark imports.
const statusFileRows = 10000

// mustHandedOver seeds one order with n handed-over parcels, numbered
// 9000000000001…, as a busy month of a shop's parcels.
func mustHandedOver(b *testing.B, db *storage.DB, n int) []string {
	b.Helper()
	ctx := context.Background()
	err := db.Load(ctx, &soko.Seed{
		Merchants: []soko.Merchant{{Code: "SAKURA", Name: "さくら雑貨店"}},
		Products:  []soko.SeedProduct{{MerchantCode: "SAKURA", Product: soko.Product{SKU: "T-1", Name: "タオル", TaxRate: 10}}},
		Orders: []soko.SeedOrder{{MerchantCode: "SAKURA", Order: soko.Order{
			Number: "SO-1", Recipient: soko.Address{PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "丸の内1-1", Name: "山田 太郎"},
			Lines: []soko.OrderLine{{SKU: "T-1", Quantity: 1, UnitPrice: 1100, TaxRate: 10}},
		}}},
	})
	if err != nil {
		b.Fatal(err)
	}
	numbers := make([]string, n)
	shipped := storagetest.Fixed.UTC().Format("2006-01-02T15:04:05.000000Z")
	for start := 0; start < n; start += 500 {
		var values []string
		for i := start; i < min(n, start+500); i++ {
			numbers[i] = fmt.Sprintf("9%011d", i+1)
			values = append(values, fmt.Sprintf("((SELECT id FROM orders WHERE number = 'SO-1'), %d, 'yamato', 'takkyubin', '%s', '%s')", i+1, numbers[i], shipped))
		}
		if err := db.Exec(ctx, "INSERT INTO parcels (order_id, seq, carrier, service, tracking_number, handed_over_at) VALUES "+strings.Join(values, ",")); err != nil {
			b.Fatal(err)
		}
	}
	return numbers
}

// statusFile is a carrier-worded Shift_JIS status file: one event for each
// parcel, at hours after handover that each round makes new.
func statusFile(b *testing.B, numbers []string, round int) []byte {
	b.Helper()
	words := []string{"輸送中", "配達中", "持戻（ご不在）", "配達完了"}
	var sb strings.Builder
	sb.WriteString("お問い合せ送り状No.,荷物状況,日時,担当店\r\n")
	for i, n := range numbers {
		at := storagetest.Fixed.Add(time.Duration(round+1)*time.Hour + time.Duration(i%60)*time.Minute).In(soko.JST)
		fmt.Fprintf(&sb, "%s,%s,%s,千代田丸の内センター\r\n", n, words[(round+i)%len(words)], at.Format("2006/01/02 15:04"))
	}
	out, err := japanese.ShiftJIS.NewEncoder().String(sb.String())
	if err != nil {
		b.Fatal(err)
	}
	return []byte(out)
}

// benchmarkImportStatus imports a 10,000-row status file per iteration, as
// the console's upload and soko import-status do, every row a new event.
func benchmarkImportStatus(b *testing.B, db *storage.DB) {
	numbers := mustHandedOver(b, db, statusFileRows)
	files := make([][]byte, 0, 8)
	var peak uint64
	round := 0
	for b.Loop() {
		b.StopTimer()
		if round == len(files) {
			files = append(files, statusFile(b, numbers, round))
		}
		file := files[round]
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		b.StartTimer()
		rec, rows, err := ImportStatusFile(context.Background(), db, bytes.NewReader(file), "ja")
		b.StopTimer()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		peak = max(peak, after.TotalAlloc-before.TotalAlloc)
		if err != nil || rows != statusFileRows || rec.Recorded != statusFileRows {
			b.Fatalf("round %d: %v, %d rows, %+v", round, err, rows, rec)
		}
		round++
		b.StartTimer()
	}
	b.ReportMetric(float64(peak)/(1<<20), "MB-allocated/import")
	b.ReportMetric(float64(len(files[0]))/(1<<20), "MB-file")
}

func BenchmarkImportStatus_10000Rows_SQLite(b *testing.B) {
	benchmarkImportStatus(b, storagetest.MustOpenSQLite(b))
}

func BenchmarkImportStatus_10000Rows_Postgres(b *testing.B) {
	if os.Getenv("SOKO_TEST_POSTGRES") == "" {
		b.Skip("SOKO_TEST_POSTGRES not set")
	}
	benchmarkImportStatus(b, storagetest.MustOpenPostgres(b))
}
