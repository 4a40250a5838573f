package demo

import (
	"io"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/carrier"
	"github.com/soko-wms/soko/internal/soko"
)

// Every demo order goes into its carrier's file without a problem, and is
// one its carrier's software takes at intake: the demo shows the files as
// a shop would send them (issue 22, finding 3: the SAKURA sender overflowed
// e飛伝's 16-character columns on every Sagawa row).
func TestWarehouse_OrdersExportCleanly(t *testing.T) {
	now := time.Date(2026, 12, 5, 1, 0, 0, 0, time.UTC)
	s := Warehouse(now)
	merchants := map[string]soko.Merchant{}
	for _, m := range s.Merchants {
		merchants[m.Code] = m
	}
	names := map[string]string{}
	for _, p := range s.Products {
		names[p.MerchantCode+"/"+p.SKU] = p.Name
	}
	rows := map[string][]carrier.ExportRow{}
	for i, o := range s.Orders {
		if o.Carrier == "" || o.Carrier == "generic" {
			continue
		}
		for _, p := range carrier.CheckRecipient(o.Carrier, o.Recipient) {
			t.Errorf("%s: %s %s", o.Number, p.Field, p.Message.JA)
		}
		for j := range o.Lines {
			o.Lines[j].Name = names[o.MerchantCode+"/"+o.Lines[j].SKU]
		}
		rows[o.Carrier] = append(rows[o.Carrier], carrier.ExportRow{
			Parcel: soko.Parcel{ID: int64(i + 1), Seq: 1}, Parcels: 1, Order: o.Order,
			Merchant: merchants[o.MerchantCode], ShipDate: now,
			ItemName: o.Lines[0].Name, OtherItems: len(o.Lines) - 1,
			Account: soko.AccountFor(s.CarrierAccounts, o.Carrier, 0),
		})
	}
	for _, code := range []string{"yamato", "sagawa", "japanpost"} {
		if len(rows[code]) == 0 {
			t.Errorf("no demo orders go by %s", code)
			continue
		}
		problems, err := carrier.Export(io.Discard, code, rows[code])
		if err != nil {
			t.Fatalf("Export(%s): %v", code, err)
		}
		for _, p := range problems {
			t.Errorf("%s row %d (%s): %s: %s", code, p.Row, p.OrderNumber, p.Field, p.Message.JA)
		}
	}
}
